import { and, asc, count, desc, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.js';
import {
  csatEvents,
  csatSettings,
  csatSurveys,
  customerSignInTokens,
  customers,
  messages,
  outgoingMails,
  projectMembers,
  projects,
  roles,
  staffNotifications,
  tickets,
  users,
} from '../../db/schema/index.js';

export type MailRow = typeof outgoingMails.$inferSelect;
export type MailKind = MailRow['kind'];
export type MailStatus = MailRow['status'];

/** Inserts the mail unless one exists for this cause (the unique cause_key decides); null then. */
/** Invitation mails of a survey so far, the first one included. */
export async function countSurveyInvitations(db: Queryable, surveyId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(outgoingMails)
    .where(
      and(
        eq(outgoingMails.kind, 'survey_invitation'),
        sql`${outgoingMails.cause}->>'surveyId' = ${surveyId}`,
      ),
    );
  return row?.n ?? 0;
}

export async function insertMailOnce(tx: Tx, values: typeof outgoingMails.$inferInsert) {
  const [row] = await tx
    .insert(outgoingMails)
    .values(values)
    .onConflictDoNothing({ target: outgoingMails.causeKey })
    .returning({ id: outgoingMails.id });
  return row?.id ?? null;
}

/** Held until the sending transaction ends: a second worker on the same mail waits, then sees it sent. */
export async function lockMail(tx: Tx, mailId: string) {
  const [row] = await tx.select().from(outgoingMails).where(eq(outgoingMails.id, mailId)).for('update');
  return row ?? null;
}

export async function updateMail(tx: Tx, mailId: string, values: Partial<typeof outgoingMails.$inferInsert>) {
  await tx.update(outgoingMails).set(values).where(eq(outgoingMails.id, mailId));
}

export async function listTicketMails(db: Queryable, ticketId: string) {
  return db
    .select()
    .from(outgoingMails)
    .where(eq(outgoingMails.ticketId, ticketId))
    .orderBy(asc(outgoingMails.createdAt), asc(outgoingMails.id));
}

/** Projects of the account where the user's role holds the permission. */
const projectsWhereUserCan = (userId: string, accountId: string, permission: string) =>
  sql`(SELECT ${projectMembers.projectId} FROM ${projectMembers}
        JOIN ${roles} ON ${roles.id} = ${projectMembers.roleId}
        JOIN ${projects} ON ${projects.id} = ${projectMembers.projectId}
       WHERE ${projectMembers.userId} = ${userId} AND ${projects.accountId} = ${accountId}
         AND ${permission} = ANY(${roles.permissions}))`;

export async function userHasPermissionInAccount(
  db: Queryable,
  userId: string,
  accountId: string,
  permission: string,
) {
  const result = await db.execute<{ found: boolean }>(
    sql`SELECT EXISTS ${projectsWhereUserCan(userId, accountId, permission)} AS found`,
  );
  return result.rows[0]?.found === true;
}

/**
 * The account's mails, newest first, that the user may review: those of tickets in projects where
 * they hold `permission`, and those of no ticket (sign-in links).
 */
export async function listAccountMails(
  db: Queryable,
  f: {
    accountId: string;
    userId: string;
    permission: string;
    before?: { createdAt: Date; id: string } | undefined;
    limit: number;
  },
) {
  const conditions: (SQL | undefined)[] = [
    eq(outgoingMails.accountId, f.accountId),
    or(
      isNull(outgoingMails.ticketId),
      sql`${tickets.projectId} IN ${projectsWhereUserCan(f.userId, f.accountId, f.permission)}`,
    ),
  ];
  if (f.before) {
    conditions.push(
      sql`(${outgoingMails.createdAt}, ${outgoingMails.id}) < (${f.before.createdAt}, ${f.before.id})`,
    );
  }
  return db
    .select({ mail: outgoingMails })
    .from(outgoingMails)
    .leftJoin(tickets, eq(tickets.id, outgoingMails.ticketId))
    .where(and(...conditions))
    .orderBy(desc(outgoingMails.createdAt), desc(outgoingMails.id))
    .limit(f.limit + 1);
}

// Recipients, resolved when the mail is queued.

export async function findMessageRecipient(db: Queryable, messageId: string) {
  const [row] = await db
    .select({ accountId: customers.accountId, ticketId: tickets.id, email: customers.email })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    .where(eq(messages.id, messageId));
  return row ?? null;
}

export async function findSurveyRecipient(db: Queryable, surveyId: string) {
  const [row] = await db
    .select({ accountId: customers.accountId, ticketId: tickets.id, email: customers.email })
    .from(csatSurveys)
    .innerJoin(tickets, eq(tickets.id, csatSurveys.ticketId))
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    .where(eq(csatSurveys.id, surveyId));
  return row ?? null;
}

export async function findSignInRecipient(db: Queryable, tokenId: string) {
  const [row] = await db
    .select({ accountId: customers.accountId, email: customers.email })
    .from(customerSignInTokens)
    .innerJoin(customers, eq(customers.id, customerSignInTokens.customerId))
    .where(eq(customerSignInTokens.id, tokenId));
  return row ? { ...row, ticketId: null } : null;
}

export async function findStaffNotificationRecipient(db: Queryable, notificationId: string) {
  const [row] = await db
    .select({ accountId: users.accountId, ticketId: staffNotifications.ticketId, email: users.email })
    .from(staffNotifications)
    .innerJoin(users, eq(users.id, staffNotifications.userId))
    .where(eq(staffNotifications.id, notificationId));
  return row ?? null;
}

// What the renderer reads, when the mail is sent or shown.

export async function findTicketForMail(db: Queryable, ticketId: string) {
  const [row] = await db
    .select({
      id: tickets.id,
      projectId: tickets.projectId,
      number: tickets.number,
      subject: tickets.subject,
      portalTokenVersion: tickets.portalTokenVersion,
      projectKey: projects.key,
      requesterName: customers.name,
    })
    .from(tickets)
    .innerJoin(projects, eq(projects.id, tickets.projectId))
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    .where(eq(tickets.id, ticketId));
  return row ?? null;
}

export async function findMessageForMail(db: Queryable, messageId: string) {
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

/** The survey a status change created (csat's subscriber ran before, in the same transaction). */
export async function findSurveyForMail(db: Queryable, surveyId: string) {
  const [row] = await db
    .select({ survey: csatSurveys, invitationText: csatSettings.invitationText })
    .from(csatSurveys)
    .leftJoin(csatSettings, eq(csatSettings.projectId, csatSurveys.projectId))
    .where(eq(csatSurveys.id, surveyId));
  return row ?? null;
}

export async function findSignInTokenForMail(db: Queryable, tokenId: string) {
  const [row] = await db
    .select({
      id: customerSignInTokens.id,
      expiresAt: customerSignInTokens.expiresAt,
      usedAt: customerSignInTokens.usedAt,
      customerName: customers.name,
      accountId: customers.accountId,
    })
    .from(customerSignInTokens)
    .innerJoin(customers, eq(customers.id, customerSignInTokens.customerId))
    .where(eq(customerSignInTokens.id, tokenId));
  return row ?? null;
}

export async function findStaffNotificationForMail(db: Queryable, notificationId: string) {
  const [row] = await db
    .select({
      id: staffNotifications.id,
      kind: staffNotifications.kind,
      ticketId: staffNotifications.ticketId,
      messageId: staffNotifications.messageId,
      userName: users.name,
    })
    .from(staffNotifications)
    .innerJoin(users, eq(users.id, staffNotifications.userId))
    .where(eq(staffNotifications.id, notificationId));
  return row ?? null;
}

/** The survey's invitation went out by mail (recorded when sent, not when queued). */
export async function insertInvitationSentEvent(
  tx: Tx,
  survey: { id: string; projectId: string; ticketId: string },
  at: Date,
) {
  await tx.insert(csatEvents).values({
    surveyId: survey.id,
    projectId: survey.projectId,
    ticketId: survey.ticketId,
    type: 'invitation_sent',
    channel: 'email',
    createdAt: at,
  });
}
