import { randomUUID } from 'node:crypto';
import {
  and,
  arrayContains,
  asc,
  desc,
  eq,
  ilike,
  isNotNull,
  isNull,
  lt,
  lte,
  notInArray,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { TicketPriority, TicketStatus } from '../../../shared/tickets.js';
import { preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import {
  auditEvents,
  customers,
  messages,
  projectMembers,
  projects,
  roles,
  tickets,
  ticketWatchers,
  users,
} from '../../db/schema/index.js';
import { likeContaining } from '../../lib/like-pattern.js';
import { nextTicketNumber } from '../accounts/index.js';
import { AuditEventType } from './tickets.events.js';

export type TicketRow = typeof tickets.$inferSelect;
export type MessageKind = (typeof messages.$inferSelect)['kind'];

/** One customer per email per account: the first name given is kept. */
export async function upsertCustomer(tx: Tx, accountId: string, email: string, name: string, now: Date) {
  const result = await tx.execute<{ id: string }>(sql`
    INSERT INTO ${customers} (account_id, email, name, created_at)
    VALUES (${accountId}, ${email}, ${name}, ${now})
    ON CONFLICT (account_id, lower(email)) DO UPDATE SET email = ${customers.email}
    RETURNING id`);
  const id = result.rows[0]?.id;
  if (!id) throw new Error('customer upsert returned nothing');
  return id;
}

/** Stores a customer's language; `onlyIfUnknown` keeps an earlier choice (first contact only). */
export async function updateCustomerLanguage(
  tx: Tx,
  customerId: string,
  language: string,
  onlyIfUnknown: boolean,
) {
  await tx
    .update(customers)
    .set({ language })
    .where(and(eq(customers.id, customerId), onlyIfUnknown ? isNull(customers.language) : undefined));
}

const numberedTicketQuery = preparedQuery('insert_numbered_ticket', (db) => {
  const p = sql.placeholder;
  const next = nextTicketNumber(db, p('projectId'));
  const number = sql<number>`(SELECT ${next.number} FROM ${next})`;
  const withMessage = db.$with('first_message').as(
    db.insert(messages).values({
      accountId: p('accountId'),
      ticketId: p('id'),
      kind: 'public',
      authorCustomerId: p('requesterId'),
      body: p('body'),
      bodyHtml: p('bodyHtml'),
      createdAt: p('now'),
    }),
  );
  const withAudit = db.$with('created_event').as(
    db.insert(auditEvents).values({
      accountId: p('accountId'),
      projectId: p('projectId'),
      ticketId: p('id'),
      actorUserId: p('actorUserId'),
      type: AuditEventType.TicketCreated,
      data: sql`jsonb_build_object('number', ${number})`,
      createdAt: p('now'),
    }),
  );
  return db
    .with(next, withMessage, withAudit)
    .insert(tickets)
    .values({
      id: p('id'),
      accountId: p('accountId'),
      projectId: p('projectId'),
      number,
      subject: p('subject'),
      requesterId: p('requesterId'),
      priority: p('priority'),
      assigneeId: p('assigneeId'),
      tags: p('tags'),
      createdAt: p('now'),
      updatedAt: p('now'),
    })
    .returning();
});

export interface NewNumberedTicket {
  accountId: string;
  projectId: string;
  subject: string;
  requesterId: string;
  priority: TicketPriority;
  assigneeId: string | null;
  tags: string[];
  /** The first message's, a public one by the requester. */
  body: string;
  bodyHtml: string;
  /** Who the ticket.created audit event names (null: not a staff member). */
  actorUserId: string | null;
  now: Date;
}

/**
 * A new ticket with its first public message by the requester and its ticket.created audit event,
 * in one prepared statement that also takes the ticket's number (the accounts module's
 * `nextTicketNumber`): one round trip, and the project's counter locked from here to the commit
 * only. The audit event's data gets `{ number }`.
 */
export async function insertNumberedTicket(tx: Tx, ticket: NewNumberedTicket) {
  // The id is chosen here so that the message and the audit event can name it in the same
  // statement (foreign keys are checked at its end, once the ticket row exists).
  const [row] = await numberedTicketQuery(tx, { ...ticket, id: randomUUID() });
  if (!row) throw new Error('insert returned nothing');
  return row;
}

/**
 * The ticket together with the actor's role in its project, found only through the actor's
 * membership in an account project: another tenant's ticket is simply not found.
 */
export async function findTicketForUser(
  db: Queryable,
  ticketId: string,
  userId: string,
  accountId: string,
  options: { lock?: boolean; inTrash?: boolean } = {},
) {
  const query = db
    .select({
      ticket: tickets,
      projectKey: projects.key,
      roleKind: roles.kind,
      permissions: roles.permissions,
    })
    .from(tickets)
    .innerJoin(projects, and(eq(projects.id, tickets.projectId), eq(projects.accountId, accountId)))
    .innerJoin(
      projectMembers,
      and(eq(projectMembers.projectId, tickets.projectId), eq(projectMembers.userId, userId)),
    )
    .innerJoin(roles, eq(roles.id, projectMembers.roleId))
    .where(
      and(
        eq(tickets.id, ticketId),
        options.inTrash ? isNotNull(tickets.deletedAt) : isNull(tickets.deletedAt),
      ),
    );
  const [row] = options.lock ? await query.for('update', { of: tickets }) : await query;
  return row ?? null;
}

export async function updateTicket(tx: Tx, ticketId: string, values: Partial<typeof tickets.$inferInsert>) {
  const [row] = await tx.update(tickets).set(values).where(eq(tickets.id, ticketId)).returning();
  if (!row) throw new Error('ticket vanished');
  return row;
}

export async function incrementPortalTokenVersion(tx: Tx, ticketId: string) {
  const [row] = await tx
    .update(tickets)
    .set({ portalTokenVersion: sql`${tickets.portalTokenVersion} + 1` })
    .where(eq(tickets.id, ticketId))
    .returning({ id: tickets.id, portalTokenVersion: tickets.portalTokenVersion });
  if (!row) throw new Error('ticket vanished');
  return row;
}

export async function lockTicket(tx: Tx, ticketId: string) {
  const [row] = await tx.select().from(tickets).where(eq(tickets.id, ticketId)).for('update');
  return row ?? null;
}

/** Deletes for good the tickets trashed before `before`; their surveys and audit trail stay (SET NULL). */
export async function purgeTrashedTickets(tx: Tx, before: Date) {
  return tx
    .delete(tickets)
    .where(and(isNotNull(tickets.deletedAt), lte(tickets.deletedAt, before)))
    .returning({
      id: tickets.id,
      accountId: tickets.accountId,
      projectId: tickets.projectId,
      number: tickets.number,
    });
}

export async function listScheduledClosures(db: Queryable) {
  return db
    .select({ id: tickets.id, closesAt: tickets.closesAt })
    .from(tickets)
    .where(eq(tickets.status, 'closure_scheduled'));
}

const assignees = alias(users, 'assignees');

const ticketSummary = {
  ticket: tickets,
  projectKey: projects.key,
  requester: {
    id: customers.id,
    accountId: customers.accountId,
    email: customers.email,
    name: customers.name,
    language: customers.language,
  },
  assigneeName: assignees.name,
};

const ticketDetailsQuery = preparedQuery('ticket_details', (db) =>
  db
    .select(ticketSummary)
    .from(tickets)
    .innerJoin(projects, eq(projects.id, tickets.projectId))
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    .leftJoin(assignees, eq(assignees.id, tickets.assigneeId))
    .where(eq(tickets.id, sql.placeholder('ticketId'))),
);

export async function findTicketDetails(db: Queryable, ticketId: string) {
  const [row] = await ticketDetailsQuery(db, { ticketId });
  return row ?? null;
}

const deleters = alias(users, 'deleters');

/** The project's trash, most recently deleted first (who may see each ticket is the caller's filter). */
export async function listTrashedTickets(db: Queryable, projectId: string, onlyAssignedTo?: string) {
  return db
    .select({ ...ticketSummary, deletedByName: deleters.name })
    .from(tickets)
    .innerJoin(projects, eq(projects.id, tickets.projectId))
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    .leftJoin(assignees, eq(assignees.id, tickets.assigneeId))
    .leftJoin(deleters, eq(deleters.id, tickets.deletedBy))
    .where(
      and(
        eq(tickets.projectId, projectId),
        isNotNull(tickets.deletedAt),
        onlyAssignedTo ? eq(tickets.assigneeId, onlyAssignedTo) : undefined,
      ),
    )
    .orderBy(desc(tickets.deletedAt))
    .limit(500);
}

export interface TicketFilters {
  projectId: string;
  /** Set when the member lacks tickets.view_all: only their assigned tickets. */
  onlyAssignedTo?: string | undefined;
  statuses?: TicketStatus[] | undefined;
  priorities?: TicketPriority[] | undefined;
  assignee?: string | 'none' | undefined;
  requesterEmail?: string | undefined;
  tag?: string | undefined;
  text?: string | undefined;
  beforeNumber?: number | undefined;
  limit: number;
}

/** Newest first, keyset-paginated on the per-project number; every filter is in the SQL. */
export async function listTickets(db: Queryable, f: TicketFilters) {
  const conditions: (SQL | undefined)[] = [eq(tickets.projectId, f.projectId), isNull(tickets.deletedAt)];
  if (f.onlyAssignedTo) conditions.push(eq(tickets.assigneeId, f.onlyAssignedTo));
  if (f.statuses?.length) conditions.push(sql`${tickets.status} IN ${f.statuses}`);
  if (f.priorities?.length) conditions.push(sql`${tickets.priority} IN ${f.priorities}`);
  if (f.assignee === 'none') conditions.push(isNull(tickets.assigneeId));
  else if (f.assignee) conditions.push(eq(tickets.assigneeId, f.assignee));
  if (f.requesterEmail) conditions.push(sql`lower(${customers.email}) = lower(${f.requesterEmail})`);
  if (f.tag) conditions.push(arrayContains(tickets.tags, [f.tag]));
  if (f.text) {
    const pattern = likeContaining(f.text);
    const number = /^(?:[A-Z0-9]+-)?(\d{1,9})$/i.exec(f.text.trim())?.[1];
    conditions.push(
      or(ilike(tickets.subject, pattern), number ? eq(tickets.number, Number(number)) : undefined),
    );
  }
  if (f.beforeNumber !== undefined) conditions.push(lt(tickets.number, f.beforeNumber));
  return db
    .select(ticketSummary)
    .from(tickets)
    .innerJoin(projects, eq(projects.id, tickets.projectId))
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    .leftJoin(assignees, eq(assignees.id, tickets.assigneeId))
    .where(and(...conditions))
    .orderBy(desc(tickets.number))
    .limit(f.limit + 1);
}

const authors = alias(users, 'authors');

const threadQuery = (kinds: readonly MessageKind[]) =>
  preparedQuery(`ticket_thread_${kinds.join('_')}`, (db) =>
    db
      .select({
        id: messages.id,
        kind: messages.kind,
        body: messages.body,
        bodyHtml: messages.bodyHtml,
        systemEvent: messages.systemEvent,
        createdAt: messages.createdAt,
        editedAt: messages.editedAt,
        authorUserId: messages.authorUserId,
        authorUserName: authors.name,
        authorCustomerId: messages.authorCustomerId,
        authorCustomerName: customers.name,
      })
      .from(messages)
      .leftJoin(authors, eq(authors.id, messages.authorUserId))
      .leftJoin(customers, eq(customers.id, messages.authorCustomerId))
      .where(and(eq(messages.ticketId, sql.placeholder('ticketId')), sql`${messages.kind} IN ${kinds}`))
      .orderBy(asc(messages.seq)),
  );
const threadQueries = new Map<string, ReturnType<typeof threadQuery>>();

/** The thread in order; `kinds` decides what the reader may see (requesters never get internal notes). */
export function listMessages(db: Queryable, ticketId: string, kinds: readonly MessageKind[]) {
  const key = kinds.join();
  let query = threadQueries.get(key);
  if (!query) {
    query = threadQuery(kinds);
    threadQueries.set(key, query);
  }
  return query(db, { ticketId });
}

export async function insertMessage(tx: Tx, values: typeof messages.$inferInsert) {
  const [row] = await tx.insert(messages).values(values).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function findMessage(db: Queryable, ticketId: string, messageId: string) {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.id, messageId)));
  return row ?? null;
}

/** A message with its author's name (staff or requester), for mails and notifications. */
export async function findMessageWithAuthor(db: Queryable, messageId: string) {
  const [row] = await db
    .select({
      id: messages.id,
      ticketId: messages.ticketId,
      kind: messages.kind,
      body: messages.body,
      bodyHtml: messages.bodyHtml,
      authorUserId: messages.authorUserId,
      authorCustomerId: messages.authorCustomerId,
      staffName: users.name,
      requesterName: customers.name,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .leftJoin(customers, eq(customers.id, messages.authorCustomerId))
    .where(eq(messages.id, messageId));
  return row ?? null;
}

/** The requester's first message: what a new ticket says. */
export async function findFirstPublicMessageId(db: Queryable, ticketId: string) {
  const [row] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.kind, 'public')))
    .orderBy(asc(messages.seq))
    .limit(1);
  return row?.id ?? null;
}

export async function updateMessage(
  tx: Tx,
  messageId: string,
  values: Partial<typeof messages.$inferInsert>,
) {
  await tx.update(messages).set(values).where(eq(messages.id, messageId));
}

export async function deleteMessage(tx: Tx, messageId: string) {
  await tx.delete(messages).where(eq(messages.id, messageId));
}

export async function listWatchers(db: Queryable, ticketId: string) {
  return db
    .select({ id: users.id, name: users.name })
    .from(ticketWatchers)
    .innerJoin(users, eq(users.id, ticketWatchers.userId))
    .where(eq(ticketWatchers.ticketId, ticketId))
    .orderBy(asc(users.name));
}

export async function addWatcher(tx: Tx, ticket: { id: string; accountId: string }, userId: string) {
  await tx
    .insert(ticketWatchers)
    .values({ accountId: ticket.accountId, ticketId: ticket.id, userId })
    .onConflictDoNothing();
}

export async function removeWatcher(tx: Tx, ticketId: string, userId: string) {
  await tx
    .delete(ticketWatchers)
    .where(and(eq(ticketWatchers.ticketId, ticketId), eq(ticketWatchers.userId, userId)));
}

export async function findUserName(db: Queryable, userId: string) {
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name ?? null;
}

export async function insertAuditEvent(tx: Tx, values: typeof auditEvents.$inferInsert) {
  await tx.insert(auditEvents).values(values);
}

/** A subquery of the customers with a ticket of the account outside these projects. */
export const requestersOutside = (accountId: string, projectIds: string[]): SQL =>
  sql`(SELECT ${tickets.requesterId} FROM ${tickets} WHERE ${and(
    eq(tickets.accountId, accountId),
    projectIds.length ? notInArray(tickets.projectId, projectIds) : undefined,
  )})`;

/** The ticket a reference names in a project (`[SUP-42]` in a mail's subject). */
export async function findTicketIdByNumber(db: Queryable, projectId: string, key: string, number: number) {
  const [row] = await db
    .select({ id: tickets.id })
    .from(tickets)
    .innerJoin(projects, eq(projects.id, tickets.projectId))
    .where(
      and(
        eq(tickets.projectId, projectId),
        eq(projects.key, key),
        eq(tickets.number, number),
        isNull(tickets.deletedAt),
      ),
    );
  return row?.id ?? null;
}
