import { z } from 'zod';
import type { Permission, TicketPriority, TicketStatus } from '../../../shared/tickets.js';
import type { Scope } from '../../app-context.js';
import type { Queryable, Tx } from '../../db/client.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { EventActor } from '../../lib/events.js';
import type { LinkTokens } from '../../lib/link-tokens.js';
import { renderMarkdown } from '../../lib/markdown.js';
import { cursorField, decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { findAttachment, listAttachmentsByMessage, storeUploads } from '../attachments/index.js';
import type { StaffActor } from '../auth/index.js';
import { can, isMember, type Member, requirePermission } from '../members/index.js';
import type { Files } from './ticket-messages.service.js';
import { changeStatus } from './ticket-status.service.js';
import { AuditEventType } from './tickets.events.js';
import { canSeeTicket } from './tickets.policy.js';
import * as repo from './tickets.repo.js';

export const reference = (projectKey: string, number: number) => `${projectKey}-${number}`;

export const PORTAL_LINK_PURPOSE = 'portal';

/**
 * The ticket's secret portal link, relative to the public URL (the portal module serves it). It is the
 * requester's secret: staff responses never carry it; mails and the survey's thank-you page do. It
 * lives here because the portal, mail and CSAT modules all sign it; bumping portal_token_version kills it.
 */
export const portalPath = (links: LinkTokens, ticket: { id: string; portalTokenVersion: number }) =>
  `/p/${links.sign(PORTAL_LINK_PURPOSE, ticket.id, ticket.portalTokenVersion)}`;

/**
 * The ticket and the actor's membership in its project, or 404 when the actor may not see it
 * (another tenant's ticket, a project they are not in, or not assigned to them without view_all).
 */
export async function getTicketAccess(
  db: Queryable,
  actor: StaffActor,
  ticketId: string,
  options: { lock?: boolean; inTrash?: boolean } = {},
) {
  const row = await repo.findTicketForUser(db, ticketId, actor.userId, actor.accountId, options);
  if (!row) throw notFound('Ticket');
  const member: Member = {
    userId: actor.userId,
    accountId: actor.accountId,
    projectId: row.ticket.projectId,
    roleKind: row.roleKind,
    permissions: new Set(row.permissions as Permission[]),
  };
  if (!canSeeTicket(member, row.ticket)) throw notFound('Ticket');
  return { ticket: row.ticket, member, projectKey: row.projectKey };
}

/** The ticket, locked until commit, for the requester's actions (they have no membership to check). */
export async function getTicketForUpdate(tx: Tx, ticketId: string) {
  const ticket = await repo.lockTicket(tx, ticketId);
  if (!ticket) throw notFound('Ticket');
  return ticket;
}

/**
 * Staff with tickets.update make a new portal link; the old one stops working at once. Staff never
 * see the link: they send it to the requester (the portal's sendPortalLink).
 */
export async function resetPortalLink(s: Scope, actor: StaffActor, ticketId: string) {
  const { ticket, member } = await getTicketAccess(s.tx, actor, ticketId, { lock: true });
  requirePermission(member, 'tickets.update');
  await repo.incrementPortalTokenVersion(s.tx, ticketId);
  await repo.insertAuditEvent(s.tx, {
    accountId: ticket.accountId,
    projectId: ticket.projectId,
    ticketId,
    actorUserId: actor.userId,
    type: AuditEventType.PortalLinkReset,
    data: {},
    createdAt: s.clock.now(),
  });
}

async function assertAssignable(db: Queryable, projectId: string, assigneeId: string | null | undefined) {
  if (assigneeId && !(await isMember(db, projectId, assigneeId))) {
    throw new AppError('VALIDATION_ERROR', 'The assignee must be a member of this project.', [
      { field: 'assigneeId', message: 'Not a member of this project' },
    ]);
  }
}

const normaliseTags = (tags: string[]) => [
  ...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean)),
];

export interface CreateTicketInput {
  subject: string;
  body: string;
  requester: { email: string; name: string };
  priority?: TicketPriority | undefined;
  assigneeId?: string | null | undefined;
  tags?: string[] | undefined;
}

export interface OpenTicketInput extends CreateTicketInput {
  /**
   * Mail the requester the acknowledgement (reference, subject, portal link) when the project's
   * switch is on: true for what a customer sends (form, portal, mail that is not automatic) and for
   * staff who leave "notify the requester" on. It rides on ticket.created; the mail module queues it.
   */
  acknowledge: boolean;
}

/**
 * A staff member opens a ticket for a requester (tickets.create; an assignee needs tickets.assign);
 * `notifyRequester` (default on) sends the acknowledgement. Files go on the first message, in the
 * same transaction: past a limit nothing of the ticket stays.
 */
export async function createTicket(
  s: Scope,
  member: Member,
  input: CreateTicketInput & { notifyRequester?: boolean | undefined },
  files: Files | null = null,
) {
  requirePermission(member, 'tickets.create');
  if (input.assigneeId) requirePermission(member, 'tickets.assign');
  await assertAssignable(s.tx, member.projectId, input.assigneeId);
  const { notifyRequester = true, ...fields } = input;
  const ticket = await openTicket(
    s,
    { projectId: member.projectId, accountId: member.accountId },
    { ...fields, acknowledge: notifyRequester },
    { type: 'staff', userId: member.userId },
  );
  const messageId = files && (await repo.findFirstPublicMessageId(s.tx, ticket.id));
  if (files && messageId) {
    await storeUploads(
      s,
      files.storage,
      { accountId: ticket.accountId, ticketId: ticket.id, messageId },
      files.uploads,
    );
  }
  return ticket;
}

/**
 * A new ticket, whoever opens it (staff, or the requester on the portal, the request form or by
 * mail): its body is the requester's first message. Callers check permissions; this publishes
 * ticket.created, which carries `input.acknowledge` to the acknowledgement mail. `'requester'` names
 * the requester as the actor when the caller does not know them yet (a mail from a new address).
 */
export async function openTicket(
  s: Scope,
  where: { projectId: string; accountId: string },
  input: OpenTicketInput,
  by: EventActor | 'requester',
) {
  const now = s.clock.now();
  const requesterId = await repo.upsertCustomer(
    s.tx,
    where.accountId,
    input.requester.email,
    input.requester.name,
    now,
  );
  const actor: EventActor = by === 'requester' ? { type: 'requester', customerId: requesterId } : by;
  const ticket = await repo.insertNumberedTicket(s.tx, {
    accountId: where.accountId,
    projectId: where.projectId,
    subject: input.subject,
    requesterId,
    priority: input.priority ?? 'normal',
    assigneeId: input.assigneeId ?? null,
    tags: normaliseTags(input.tags ?? []),
    body: input.body,
    bodyHtml: renderMarkdown(input.body),
    actorUserId: actor.type === 'staff' ? actor.userId : null,
    now,
  });
  await s.bus.publish(s, 'ticket.created', {
    ticketId: ticket.id,
    projectId: where.projectId,
    accountId: ticket.accountId,
    assigneeId: ticket.assigneeId,
    actor,
    acknowledge: input.acknowledge,
    at: now,
  });
  return ticket;
}

export interface UpdateTicketInput {
  subject?: string | undefined;
  tags?: string[] | undefined;
  priority?: TicketPriority | undefined;
  assigneeId?: string | null | undefined;
  status?: TicketStatus | undefined;
  closesAt?: Date | null | undefined;
}

/** Applies a PATCH: each field checks its own permission; all of it commits or none of it. */
export async function updateTicket(s: Scope, actor: StaffActor, ticketId: string, input: UpdateTicketInput) {
  const { ticket, member } = await getTicketAccess(s.tx, actor, ticketId, { lock: true });
  const now = s.clock.now();
  const audit = (type: string, data: Record<string, unknown>) =>
    repo.insertAuditEvent(s.tx, {
      accountId: ticket.accountId,
      projectId: ticket.projectId,
      ticketId,
      actorUserId: actor.userId,
      type,
      data,
      createdAt: now,
    });
  const changes: Parameters<typeof repo.updateTicket>[2] = {};
  if (input.subject !== undefined || input.tags !== undefined) {
    requirePermission(member, 'tickets.update');
    if (input.subject !== undefined) changes.subject = input.subject;
    if (input.tags !== undefined) changes.tags = normaliseTags(input.tags);
    await audit(AuditEventType.Updated, { subject: input.subject, tags: changes.tags });
  }
  if (input.priority !== undefined && input.priority !== ticket.priority) {
    requirePermission(member, 'tickets.change_priority');
    changes.priority = input.priority;
    await audit(AuditEventType.PriorityChanged, { from: ticket.priority, to: input.priority });
  }
  if (input.assigneeId !== undefined && input.assigneeId !== ticket.assigneeId) {
    requirePermission(member, 'tickets.assign');
    await assertAssignable(s.tx, ticket.projectId, input.assigneeId);
    changes.assigneeId = input.assigneeId;
    await audit(AuditEventType.Assigned, { from: ticket.assigneeId, to: input.assigneeId });
  }
  if (input.status === undefined && input.closesAt !== undefined) {
    throw new AppError('VALIDATION_ERROR', 'closesAt goes with status "closure_scheduled".', [
      { field: 'closesAt', message: 'Send it with status closure_scheduled' },
    ]);
  }
  let current = Object.keys(changes).length
    ? await repo.updateTicket(s.tx, ticketId, { ...changes, updatedAt: now })
    : ticket;
  if (input.status !== undefined) {
    requirePermission(member, 'tickets.change_status');
    const name = await repo.findUserName(s.tx, actor.userId);
    current = await changeStatus(
      s,
      current,
      input.status,
      { actor: { type: 'staff', userId: actor.userId }, named: { kind: 'staff', name: name ?? 'Support' } },
      input.closesAt,
    );
  }
  return current.id;
}

/**
 * Records an audit event with its actor: of a ticket, or of its project when ticketId is null (other
 * modules' changes, such as CSAT settings, go to the same trail).
 */
export const recordAuditEvent = (
  tx: Tx,
  event: {
    accountId: string;
    projectId: string;
    ticketId: string | null;
    actorUserId: string | null;
    type: (typeof AuditEventType)[keyof typeof AuditEventType];
    data: Record<string, unknown>;
    createdAt: Date;
  },
) => repo.insertAuditEvent(tx, event);

/** How long a deleted ticket stays in the trash, restorable, before the purge job deletes it. */
export const TRASH_DAYS = 30;
const TRASH_MS = TRASH_DAYS * 86_400_000;

/**
 * Moves the ticket to the trash (tickets.delete): hidden from lists, the inbox and the portal, while
 * its surveys keep counting. Audited with its actor.
 */
export async function deleteTicket(s: Scope, actor: StaffActor, ticketId: string) {
  const { ticket, member, projectKey } = await getTicketAccess(s.tx, actor, ticketId, { lock: true });
  requirePermission(member, 'tickets.delete');
  const now = s.clock.now();
  await repo.updateTicket(s.tx, ticketId, { deletedAt: now, deletedBy: actor.userId });
  await recordTrashEvent(s.tx, ticket, actor.userId, AuditEventType.TicketDeleted, projectKey, now);
}

/** Brings a ticket back from the trash within TRASH_DAYS (tickets.delete); audited with its actor. */
export async function restoreTicket(s: Scope, actor: StaffActor, ticketId: string) {
  const access = await getTicketAccess(s.tx, actor, ticketId, { lock: true, inTrash: true });
  const { ticket, member, projectKey } = access;
  requirePermission(member, 'tickets.delete');
  const now = s.clock.now();
  // Past its time it is as good as purged, even before the job ran.
  if (!ticket.deletedAt || ticket.deletedAt.getTime() + TRASH_MS <= now.getTime()) throw notFound('Ticket');
  await repo.updateTicket(s.tx, ticketId, { deletedAt: null, deletedBy: null });
  await recordTrashEvent(s.tx, ticket, actor.userId, AuditEventType.TicketRestored, projectKey, now);
}

const recordTrashEvent = (
  tx: Tx,
  ticket: repo.TicketRow,
  actorUserId: string | null,
  type: (typeof AuditEventType)[keyof typeof AuditEventType],
  projectKey: string,
  now: Date,
) =>
  repo.insertAuditEvent(tx, {
    accountId: ticket.accountId,
    projectId: ticket.projectId,
    ticketId: ticket.id,
    actorUserId,
    type,
    data: { reference: reference(projectKey, ticket.number) },
    createdAt: now,
  });

/** The project's trash (tickets.delete; without tickets.view_all, only tickets assigned to you). */
export async function listTrash(db: Queryable, member: Member) {
  requirePermission(member, 'tickets.delete');
  const onlyAssignedTo = can(member, 'tickets.view_all') ? undefined : member.userId;
  return repo.listTrashedTickets(db, member.projectId, onlyAssignedTo);
}

/** The purge job's work: tickets trashed more than TRASH_DAYS ago go for good; each purge is audited. */
export async function purgeTrash(tx: Tx, now: Date) {
  const purged = await repo.purgeTrashedTickets(tx, new Date(now.getTime() - TRASH_MS));
  for (const t of purged) {
    await repo.insertAuditEvent(tx, {
      accountId: t.accountId,
      projectId: t.projectId,
      ticketId: null,
      actorUserId: null,
      type: AuditEventType.TicketPurged,
      data: { ticketId: t.id, number: t.number },
      createdAt: now,
    });
  }
  return purged.length;
}

export async function setWatching(
  s: Scope,
  actor: StaffActor,
  ticketId: string,
  userId: string,
  watching: boolean,
) {
  const { ticket, member } = await getTicketAccess(s.tx, actor, ticketId, { lock: true });
  // Anyone who sees a ticket may watch it themselves; managing others' watching needs tickets.update.
  if (userId !== actor.userId) requirePermission(member, 'tickets.update');
  if (watching && !(await isMember(s.tx, ticket.projectId, userId))) {
    throw new AppError('VALIDATION_ERROR', 'Watchers must be members of this project.', [
      { field: 'userId', message: 'Not a member of this project' },
    ]);
  }
  if (watching) await repo.addWatcher(s.tx, ticket, userId);
  else await repo.removeWatcher(s.tx, ticketId, userId);
  await repo.insertAuditEvent(s.tx, {
    accountId: ticket.accountId,
    projectId: ticket.projectId,
    ticketId,
    actorUserId: actor.userId,
    type: watching ? AuditEventType.WatcherAdded : AuditEventType.WatcherRemoved,
    data: { userId },
    createdAt: s.clock.now(),
  });
}

/** The ticket with its whole staff-visible thread (internal notes included) and watchers. */
export async function getTicketWithThread(db: Queryable, actor: StaffActor, ticketId: string) {
  const { member } = await getTicketAccess(db, actor, ticketId);
  const [details, thread, watchers] = await Promise.all([
    repo.findTicketDetails(db, ticketId),
    repo.listMessages(db, ticketId, ['public', 'internal', 'system']),
    repo.listWatchers(db, ticketId),
  ]);
  if (!details) throw notFound('Ticket');
  const files = await listAttachmentsByMessage(
    db,
    thread.map((m) => m.id),
  );
  const withFiles = thread.map((m) => ({ ...m, attachments: files.get(m.id) ?? [] }));
  return { details, thread: withFiles, watchers, member };
}

/** An attachment for staff who can see its ticket (not in the trash); anything else is not found. */
export async function getStaffAttachment(db: Queryable, actor: StaffActor, attachmentId: string) {
  const attachment = await findAttachment(db, attachmentId);
  if (!attachment || attachment.accountId !== actor.accountId) throw notFound('Attachment');
  await getTicketAccess(db, actor, attachment.ticketId);
  return attachment;
}

/** What the requester may read of the thread: public replies and system messages, never internal notes. */
export const listRequesterThread = (db: Queryable, ticketId: string) =>
  repo.listMessages(db, ticketId, ['public', 'system']);

export const getTicketDetails = async (db: Queryable, ticketId: string) => {
  const details = await repo.findTicketDetails(db, ticketId);
  if (!details) throw notFound('Ticket');
  return details;
};

const cursorSchema = z.object({ n: cursorField.integer });

export interface ListTicketsQuery {
  status?: TicketStatus[] | undefined;
  priority?: TicketPriority[] | undefined;
  assignee?: string | undefined;
  requester?: string | undefined;
  tag?: string | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function listTickets(db: Queryable, member: Member, query: ListTicketsQuery) {
  const rows = await repo.listTickets(db, {
    projectId: member.projectId,
    onlyAssignedTo: can(member, 'tickets.view_all') ? undefined : member.userId,
    statuses: query.status,
    priorities: query.priority,
    assignee: query.assignee === 'me' ? member.userId : query.assignee,
    requesterEmail: query.requester,
    tag: query.tag?.trim().toLowerCase(),
    text: query.q?.trim() || undefined,
    beforeNumber: query.cursor ? decodeCursor(query.cursor, cursorSchema).n : undefined,
    limit: query.limit,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor({ n: last.ticket.number }) : null,
  };
}

/** Who a ticket concerns: its requester and its assignee (for modules reacting to its events). */
export async function getTicketParties(db: Queryable, ticketId: string) {
  const details = await repo.findTicketDetails(db, ticketId);
  if (!details) throw notFound('Ticket');
  return { requesterId: details.ticket.requesterId, assigneeId: details.ticket.assigneeId };
}

/** The customers with a ticket of the account outside these projects, as a subquery to scope by. */
export const requestersOutside = repo.requestersOutside;
