export { closeScheduledTicketJob } from './ticket-closure.job.js';
export {
  assertAcceptsReplies,
  postRequesterMessage,
  replyOrFollowUp,
  statusAfterRequesterReply,
} from './ticket-messages.service.js';
export { changeStatus, requeueScheduledClosures, type StatusChangeBy } from './ticket-status.service.js';
export {
  findFirstPublicMessageId,
  findMessageSummary,
  findTicketIdByReference,
  findTicketSummary,
  rememberCustomerLanguage,
  setCustomerLanguage,
  type TicketSummary,
} from './ticket-summary.service.js';
export { purgeTrashJob } from './ticket-trash.job.js';
export { AuditEventType } from './tickets.events.js';
export { registerTicketRoutes } from './tickets.routes.js';
export {
  getTicketAccess,
  getTicketForUpdate,
  getTicketParties,
  listRequesterThread,
  openTicket,
  PORTAL_LINK_PURPOSE,
  portalPath,
  recordAuditEvent,
  reference,
  requestersOutside,
  resetPortalLink,
} from './tickets.service.js';
