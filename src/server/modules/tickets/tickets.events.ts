/** Audit event types written by the tickets module. */
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
} as const;
