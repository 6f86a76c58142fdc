export { closeScheduledTicketJob } from './ticket-closure.job.js';
export { postRequesterMessage } from './ticket-messages.service.js';
export { changeStatus, type StatusChangeBy } from './ticket-status.service.js';
export {
  findFirstPublicMessageId,
  findMessageSummary,
  findTicketSummary,
  type TicketSummary,
} from './ticket-summary.service.js';
export { purgeTrashJob } from './ticket-trash.job.js';
export { AuditEventType } from './tickets.events.js';
export { listMessages, lockTicket, requestersOutside, type TicketRow } from './tickets.repo.js';
export { registerTicketRoutes } from './tickets.routes.js';
export {
  getTicketAccess,
  getTicketParties,
  openTicket,
  PORTAL_LINK_PURPOSE,
  portalPath,
  recordAuditEvent,
  reference,
} from './tickets.service.js';
