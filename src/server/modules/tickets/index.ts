export { closeScheduledTicketJob } from './ticket-closure.job.js';
export {
  assertAcceptsReplies,
  type Files,
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
/**
 * `openTicket(s, { projectId, accountId }, { subject, body, requester: { email, name }, acknowledge }, by)`
 * opens a ticket from any entry point (portal, request form, mail) inside the caller's transaction.
 * `acknowledge: true` mails the requester the acknowledgement (reference, subject, portal link) in that
 * same transaction, when the project's switch is on (intake settings): the event ticket.created
 * carries it to the mail module's subscriber. Pass false for automatic mail and for follow-ups.
 */
export {
  getStaffAttachment,
  getTicketAccess,
  getTicketForUpdate,
  getTicketParties,
  listRequesterThread,
  type OpenTicketInput,
  openTicket,
  PORTAL_LINK_PURPOSE,
  portalPath,
  recordAuditEvent,
  reference,
  requestersOutside,
  resetPortalLink,
} from './tickets.service.js';
