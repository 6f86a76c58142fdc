/** Audit event types: the tickets module's, and those other modules record through recordAuditEvent. */
export const AuditEventType = {
  /** A ticket was opened; data: { reference }. */
  TicketCreated: 'ticket.created',
  /** The status changed; data: { from, to, resolution, closesAt? }. */
  StatusChanged: 'ticket.status_changed',
  /** The priority changed; data: { from, to }. */
  PriorityChanged: 'ticket.priority_changed',
  /** The assignee changed; data: { from, to } (user ids or null). */
  Assigned: 'ticket.assigned',
  /** Subject or tags changed; data: the changed fields' new values. */
  Updated: 'ticket.updated',
  /** A watcher was added or removed; data: { userId }. */
  WatcherAdded: 'ticket.watcher_added',
  WatcherRemoved: 'ticket.watcher_removed',
  /** A message was edited or deleted; data: { messageId, kind }. */
  MessageEdited: 'message.edited',
  MessageDeleted: 'message.deleted',
  /** The ticket went to the trash (restorable for 30 days); data: { reference }. */
  TicketDeleted: 'ticket.deleted',
  /** The ticket came back from the trash; data: { reference }. */
  TicketRestored: 'ticket.restored',
  /** The purge job deleted a ticket 30 days in the trash (no actor, no ticket left); data: { ticketId, number }. */
  TicketPurged: 'ticket.purged',
  /** The portal link was replaced (the old one stops working); data: {}. */
  PortalLinkReset: 'portal.link_reset',
  /** The portal link was mailed to the requester; data: { sendId } (the mail's cause carries it too). */
  PortalLinkSent: 'portal.link_sent',
  /** A survey invitation whose delivery failed was sent again; data: { surveyId, mailId }. */
  InvitationResent: 'csat.invitation_resent',
  /** The project's CSAT settings changed (no ticket); data: { from, to }. */
  CsatSettingsChanged: 'csat.settings_changed',
  /** The project's mail intake settings changed (no ticket); data: { from, to }. */
  InboundSettingsChanged: 'inbound.settings_changed',
} as const;
