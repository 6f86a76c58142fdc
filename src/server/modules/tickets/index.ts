export { closeScheduledTicketJob } from './ticket-closure.job.js';
export { changeStatus, type StatusChangeBy } from './ticket-status.service.js';
export { registerTicketRoutes } from './tickets.routes.js';
export { getTicketAccess, getTicketParties, reference } from './tickets.service.js';
