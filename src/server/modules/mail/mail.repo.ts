import { and, asc, eq, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.js';
import {
  csatEvents,
  csatSettings,
  csatSurveys,
  customerSignInTokens,
  customers,
  messages,
  projectMembers,
  projects,
  roles,
  staffNotifications,
  tickets,
  users,
} from '../../db/schema/index.js';

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

/** The projects of the account where the user's role holds the permission. */
export async function findProjectIdsWhereUserCan(
  db: Queryable,
  userId: string,
  accountId: string,
  permission: string,
) {
  const result = await db.execute<{ project_id: string }>(
    projectsWhereUserCan(userId, accountId, permission),
  );
  return result.rows.map((r) => r.project_id);
}

// Recipients, resolved when the mail is queued.

export async function findMessageRecipient(db: Queryable, messageId: string) {
  const [row] = await db
    .select({
      accountId: customers.accountId,
      projectId: tickets.projectId,
      ticketId: tickets.id,
      email: customers.email,
    })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    .where(eq(messages.id, messageId));
  return row ?? null;
}

export async function findSurveyRecipient(db: Queryable, surveyId: string) {
  const [row] = await db
    .select({
      accountId: customers.accountId,
      projectId: tickets.projectId,
      ticketId: tickets.id,
      email: customers.email,
    })
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
  return row ? { ...row, projectId: null, ticketId: null } : null;
}

export async function findStaffNotificationRecipient(db: Queryable, notificationId: string) {
  const [row] = await db
    .select({
      accountId: users.accountId,
      projectId: staffNotifications.projectId,
      ticketId: staffNotifications.ticketId,
      email: users.email,
    })
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
  survey: { id: string; accountId: string; projectId: string; ticketId: string },
  at: Date,
) {
  await tx.insert(csatEvents).values({
    accountId: survey.accountId,
    surveyId: survey.id,
    projectId: survey.projectId,
    ticketId: survey.ticketId,
    type: 'invitation_sent',
    channel: 'email',
    createdAt: at,
  });
}
