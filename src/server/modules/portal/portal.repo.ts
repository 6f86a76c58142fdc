import { and, asc, desc, eq, gt, isNull, lt, type SQL, sql } from 'drizzle-orm';
import { preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import {
  accounts,
  csatSurveys,
  customerSessions,
  customerSignInTokens,
  customers,
  messages,
  projects,
  requesterNotifications,
  tickets,
} from '../../db/schema/index.js';

/**
 * The last thing a requester can see happen on the ticket: its newest public reply or system
 * message. Never tickets.updated_at, which an internal note moves too.
 */
const lastPublicActivity = sql<Date>`coalesce((SELECT max(${messages.createdAt}) FROM ${messages}
  WHERE ${messages.ticketId} = ${tickets.id} AND ${messages.kind} IN ('public', 'system')), ${tickets.createdAt})`;

const portalTicketQuery = preparedQuery('portal_ticket', (db) =>
  db
    .select({
      ticket: tickets,
      projectKey: projects.key,
      requesterName: customers.name,
      requesterLanguage: customers.language,
      accountId: accounts.id,
      accountName: accounts.name,
      accountTimezone: accounts.timezone,
      accountLanguage: accounts.defaultLanguage,
      hasLogo: sql<boolean>`${accounts.logo} IS NOT NULL`,
      brandColor: accounts.brandColor,
      lastActivityAt: lastPublicActivity,
      hasUnreadReplies: sql<boolean>`EXISTS (SELECT 1 FROM ${requesterNotifications}
        WHERE ${requesterNotifications.ticketId} = ${tickets.id}
          AND ${requesterNotifications.customerId} = ${tickets.requesterId}
          AND ${requesterNotifications.kind} = 'reply' AND ${requesterNotifications.readAt} IS NULL)`,
    })
    .from(tickets)
    .innerJoin(projects, eq(projects.id, tickets.projectId))
    .innerJoin(accounts, eq(accounts.id, projects.accountId))
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    // A ticket in the trash is gone for its requester too.
    .where(and(eq(tickets.id, sql.placeholder('ticketId')), isNull(tickets.deletedAt))),
);

/**
 * A ticket with what its portal page shows around the thread: project key and account branding,
 * and whether its requester has replies not yet read (their bell items).
 */
export async function findPortalTicket(db: Queryable, ticketId: string) {
  const [row] = await portalTicketQuery(db, { ticketId });
  return row ? { ...row, lastActivityAt: new Date(row.lastActivityAt) } : null;
}

export async function listAccountProjects(db: Queryable, accountId: string) {
  return db
    .select({ id: projects.id, name: projects.name, key: projects.key })
    .from(projects)
    .where(eq(projects.accountId, accountId))
    .orderBy(asc(projects.name), asc(projects.key));
}

/** The project a public form writes to: the one named, if it is this account's, else the account's only one. */
export async function findFormProject(db: Queryable, accountId: string, projectId: string | undefined) {
  const rows = await db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .where(and(eq(projects.accountId, accountId), projectId ? eq(projects.id, projectId) : undefined))
    .limit(2);
  return rows.length === 1 ? rows[0] : undefined;
}

export async function findCustomerByEmail(db: Queryable, accountId: string, email: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.accountId, accountId), sql`lower(${customers.email}) = lower(${email})`));
  return row ?? null;
}

/**
 * Serialises link requests for one customer until the transaction ends, so the count below and the
 * insert after it are one step: concurrent requests cannot all see "under the cap".
 */
export async function lockSignInRequests(tx: Tx, customerId: string) {
  await tx.execute(
    sql`SELECT pg_advisory_xact_lock(hashtextextended(${`customer-sign-in:${customerId}`}, 0))`,
  );
}

/** Sign-in links asked for since `since` and still unused: a cap keeps one address from being flooded. */
export async function countRecentSignInTokens(db: Queryable, customerId: string, since: Date) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(customerSignInTokens)
    .where(and(eq(customerSignInTokens.customerId, customerId), gt(customerSignInTokens.createdAt, since)));
  return row?.n ?? 0;
}

export async function insertSignInToken(tx: Tx, values: typeof customerSignInTokens.$inferInsert) {
  const [row] = await tx.insert(customerSignInTokens).values(values).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function findSignInToken(db: Queryable, tokenId: string, accountId: string) {
  const [row] = await db
    .select({ token: customerSignInTokens })
    .from(customerSignInTokens)
    .innerJoin(customers, eq(customers.id, customerSignInTokens.customerId))
    .where(and(eq(customerSignInTokens.id, tokenId), eq(customers.accountId, accountId)));
  return row?.token ?? null;
}

/** A sign-in link with the customer it is for, whatever its state (for the mail that carries it). */
export async function findSignInTokenWithCustomer(db: Queryable, tokenId: string) {
  const [row] = await db
    .select({
      id: customerSignInTokens.id,
      expiresAt: customerSignInTokens.expiresAt,
      usedAt: customerSignInTokens.usedAt,
      accountId: customers.accountId,
      customerName: customers.name,
      customerEmail: customers.email,
      customerLanguage: customers.language,
    })
    .from(customerSignInTokens)
    .innerJoin(customers, eq(customers.id, customerSignInTokens.customerId))
    .where(eq(customerSignInTokens.id, tokenId));
  return row ?? null;
}

/**
 * Spends the link in one statement: of concurrent uses exactly one matches (the row lock makes the
 * others re-check used_at), and an expired link never does.
 */
export async function consumeSignInToken(tx: Tx, tokenId: string, now: Date) {
  const [row] = await tx
    .update(customerSignInTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(customerSignInTokens.id, tokenId),
        isNull(customerSignInTokens.usedAt),
        gt(customerSignInTokens.expiresAt, now),
      ),
    )
    .returning({ customerId: customerSignInTokens.customerId });
  return row ?? null;
}

export async function insertCustomerSession(tx: Tx, values: typeof customerSessions.$inferInsert) {
  await tx.insert(customerSessions).values(values);
}

export async function deleteCustomerSession(tx: Tx, tokenHash: string) {
  await tx.delete(customerSessions).where(eq(customerSessions.tokenHash, tokenHash));
}

export async function findCustomerBySession(db: Queryable, tokenHash: string, accountId: string, now: Date) {
  const [row] = await db
    .select({
      id: customers.id,
      email: customers.email,
      name: customers.name,
      language: customers.language,
      accountId: customers.accountId,
    })
    .from(customerSessions)
    .innerJoin(customers, eq(customers.id, customerSessions.customerId))
    .where(
      and(
        eq(customerSessions.tokenHash, tokenHash),
        eq(customerSessions.accountId, accountId),
        gt(customerSessions.expiresAt, now),
      ),
    );
  return row ?? null;
}

/** The customer's tickets in the account, most recently active first (activity as the requester sees it). */
export async function listCustomerTickets(db: Queryable, customerId: string, accountId: string) {
  const rows = await db
    .select({
      id: tickets.id,
      projectId: tickets.projectId,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      projectKey: projects.key,
      lastActivityAt: lastPublicActivity,
    })
    .from(tickets)
    .innerJoin(projects, and(eq(projects.id, tickets.projectId), eq(projects.accountId, accountId)))
    .where(and(eq(tickets.requesterId, customerId), isNull(tickets.deletedAt)))
    .orderBy(desc(lastPublicActivity), desc(tickets.number))
    .limit(500);
  return rows.map((r) => ({ ...r, lastActivityAt: new Date(r.lastActivityAt) }));
}

/**
 * The bell: unread replies and surveys still waiting for an answer. Only public messages count, and
 * a survey past its deadline is gone even before the expiry sweep deletes its item.
 */
export async function listBellItems(db: Queryable, customerId: string, accountId: string, now: Date) {
  return db
    .select({
      id: requesterNotifications.id,
      kind: requesterNotifications.kind,
      ticketId: requesterNotifications.ticketId,
      projectId: requesterNotifications.projectId,
      createdAt: requesterNotifications.createdAt,
      subject: tickets.subject,
      number: tickets.number,
      projectKey: projects.key,
    })
    .from(requesterNotifications)
    .innerJoin(tickets, eq(tickets.id, requesterNotifications.ticketId))
    .innerJoin(projects, and(eq(projects.id, tickets.projectId), eq(projects.accountId, accountId)))
    .leftJoin(messages, eq(messages.id, requesterNotifications.messageId))
    .leftJoin(csatSurveys, eq(csatSurveys.id, requesterNotifications.surveyId))
    .where(
      and(
        eq(requesterNotifications.customerId, customerId),
        sql`((${requesterNotifications.kind} = 'reply' AND ${requesterNotifications.readAt} IS NULL
              AND ${messages.kind} = 'public')
          OR (${requesterNotifications.kind} = 'survey' AND ${csatSurveys.submittedAt} IS NULL
              AND ${csatSurveys.expiresAt} > ${now}))`,
      ),
    )
    .orderBy(desc(requesterNotifications.createdAt))
    .limit(500);
}

/** Ended customer sessions, and sign-in links expired before `linksBefore`. */
export async function deleteExpiredPortalAccess(db: Queryable, now: Date, linksBefore: Date) {
  const sessions = await db
    .delete(customerSessions)
    .where(lt(customerSessions.expiresAt, now))
    .returning({ id: customerSessions.tokenHash });
  const links = await db
    .delete(customerSignInTokens)
    .where(lt(customerSignInTokens.expiresAt, linksBefore))
    .returning({ id: customerSignInTokens.id });
  return sessions.length + links.length;
}

/** A subquery of the ids of the account's sign-in links, but those of the customers `excluded` yields. */
export const signInLinkIdsExcept = (accountId: string, excluded: SQL): SQL =>
  sql`(SELECT ${customerSignInTokens.id} FROM ${customerSignInTokens}
       WHERE ${customerSignInTokens.accountId} = ${accountId} AND ${customerSignInTokens.customerId} NOT IN ${excluded})`;
