/** Statuses a ticket is being worked in. */
export const ACTIVE_STATUSES = ['open', 'in_progress', 'pending', 'on_hold'] as const;
/** Statuses that end a piece of work and make the ticket eligible for a satisfaction survey. */
export const ELIGIBLE_STATUSES = ['resolved', 'closed', 'pending_closure', 'closure_scheduled'] as const;
export const STATUSES = [...ACTIVE_STATUSES, ...ELIGIBLE_STATUSES] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** The longest message body (a staff reply, a note, a requester's reply), in characters. */
export const MAX_MESSAGE_LENGTH = 10_000;

export type TicketStatus = (typeof STATUSES)[number];
export type TicketPriority = (typeof PRIORITIES)[number];

export const STATUS_LABELS: Record<TicketStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  pending: 'Pending',
  on_hold: 'On hold',
  resolved: 'Resolved',
  closed: 'Closed',
  pending_closure: 'Pending closure',
  closure_scheduled: 'Closure scheduled',
};

export const isEligibleStatus = (s: TicketStatus): boolean =>
  (ELIGIBLE_STATUSES as readonly string[]).includes(s);
export const isActiveStatus = (s: TicketStatus): boolean =>
  (ACTIVE_STATUSES as readonly string[]).includes(s);

export const PERMISSIONS = [
  'tickets.view_all',
  'tickets.create',
  'tickets.update',
  'tickets.delete',
  'tickets.assign',
  'tickets.change_status',
  'tickets.change_priority',
  'messages.create',
  'messages.create_internal',
  'messages.edit_own',
  'messages.delete_own',
  'messages.delete_any',
  'csat.view',
  'csat.manage',
  /** Told of low scores, and may mark their follow-up done. */
  'csat.follow_up',
  'members.manage',
  'roles.manage',
  'settings.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Account-wide permissions, held through the user's account role rather than a project role: an
 * Admin of one project must not rebrand the others or read every customer's kept mail.
 */
export const ACCOUNT_PERMISSIONS = ['account.manage'] as const;
export type AccountPermission = (typeof ACCOUNT_PERMISSIONS)[number];
export const ACCOUNT_ROLES = ['owner', 'member'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
export const ACCOUNT_ROLE_PERMISSIONS: Record<AccountRole, readonly AccountPermission[]> = {
  owner: ['account.manage'],
  member: [],
};
