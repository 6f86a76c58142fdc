import { and, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.js';
import {
  csatSurveys,
  customers,
  messages,
  projectMembers,
  projects,
  requesterNotifications,
  roles,
  staffNotifications,
  tickets,
  ticketWatchers,
} from '../../db/schema/index.js';

export type StaffNotificationRow = typeof staffNotifications.$inferSelect;
export type StaffNotificationKind = StaffNotificationRow['kind'];

/**
 * Who hears about a ticket: its assignee and its watchers who can still see it (members of its
 * project; watchers also need tickets.view_all, as seeing an unassigned ticket does).
 */
export async function findTicketAudience(db: Queryable, ticketId: string) {
  const result = await db.execute<{ user_id: string }>(sql`
    SELECT DISTINCT pm.user_id
      FROM ${tickets} t
      JOIN ${projectMembers} pm ON pm.project_id = t.project_id
      JOIN ${roles} r ON r.id = pm.role_id
     WHERE t.id = ${ticketId}
       AND (pm.user_id = t.assignee_id
            OR (pm.user_id IN (SELECT w.user_id FROM ${ticketWatchers} w WHERE w.ticket_id = t.id)
                AND 'tickets.view_all' = ANY(r.permissions)))`);
  return result.rows.map((r) => r.user_id);
}

/**
 * Who hears of a low score: the credited agent and the members holding csat.follow_up, while they
 * are members of the project.
 */
export async function findLowScoreAudience(db: Queryable, projectId: string, agentId: string | null) {
  const result = await db.execute<{ user_id: string }>(sql`
    SELECT pm.user_id
      FROM ${projectMembers} pm
      JOIN ${roles} r ON r.id = pm.role_id
     WHERE pm.project_id = ${projectId}
       AND (pm.user_id = ${agentId} OR 'csat.follow_up' = ANY(r.permissions))`);
  return result.rows.map((r) => r.user_id);
}

export async function insertStaffNotifications(tx: Tx, values: (typeof staffNotifications.$inferInsert)[]) {
  if (!values.length) return [];
  return tx.insert(staffNotifications).values(values).returning({ id: staffNotifications.id });
}

export async function findStaffNotification(db: Queryable, notificationId: string) {
  const [row] = await db.select().from(staffNotifications).where(eq(staffNotifications.id, notificationId));
  return row ?? null;
}

/** An item in the bell of the ticket's requester: a public reply, or a survey waiting for an answer. */
export async function insertRequesterNotification(
  tx: Tx,
  item: { ticketId: string; createdAt: Date } & (
    | { kind: 'reply'; messageId: string }
    | { kind: 'survey'; surveyId: string }
  ),
) {
  const messageId = item.kind === 'reply' ? item.messageId : null;
  const surveyId = item.kind === 'survey' ? item.surveyId : null;
  await tx.execute(sql`
    INSERT INTO ${requesterNotifications}
      (account_id, customer_id, project_id, ticket_id, kind, message_id, survey_id, created_at)
    SELECT t.account_id, t.requester_id, t.project_id, t.id, ${item.kind}, ${messageId}, ${surveyId}, ${item.createdAt}
      FROM ${tickets} t WHERE t.id = ${item.ticketId}`);
}

export async function deleteRequesterSurveyNotifications(tx: Tx, surveyIds: string[]) {
  await tx.delete(requesterNotifications).where(inArray(requesterNotifications.surveyId, surveyIds));
}

export async function markRequesterRepliesRead(tx: Tx, ticketId: string, customerId: string, now: Date) {
  await tx
    .update(requesterNotifications)
    .set({ readAt: now })
    .where(
      and(
        eq(requesterNotifications.ticketId, ticketId),
        eq(requesterNotifications.customerId, customerId),
        eq(requesterNotifications.kind, 'reply'),
        isNull(requesterNotifications.readAt),
      ),
    );
}

export interface NotificationCursor {
  read: boolean;
  createdAt: Date;
  id: string;
}

/**
 * A staff member's notifications, unread first, then newest first; only for tickets of projects they
 * are still a member of.
 */
export async function listStaffNotifications(
  db: Queryable,
  f: { userId: string; after?: NotificationCursor | undefined; limit: number },
) {
  const isRead = sql<boolean>`(${staffNotifications.readAt} IS NOT NULL)`;
  const conditions: (SQL | undefined)[] = [eq(staffNotifications.userId, f.userId)];
  if (f.after) {
    const { read, createdAt, id } = f.after;
    conditions.push(
      sql`(${isRead} > ${read} OR (${isRead} = ${read} AND (${staffNotifications.createdAt}, ${staffNotifications.id}) < (${createdAt}, ${id})))`,
    );
  }
  return db
    .select({
      notification: staffNotifications,
      number: tickets.number,
      subject: tickets.subject,
      projectKey: projects.key,
      requesterName: customers.name,
      messageBody: messages.body,
      rating: csatSurveys.rating,
      comment: csatSurveys.comment,
      reason: csatSurveys.reason,
    })
    .from(staffNotifications)
    .innerJoin(tickets, eq(tickets.id, staffNotifications.ticketId))
    .innerJoin(projects, eq(projects.id, tickets.projectId))
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    .innerJoin(
      projectMembers,
      and(eq(projectMembers.projectId, tickets.projectId), eq(projectMembers.userId, f.userId)),
    )
    .leftJoin(messages, eq(messages.id, staffNotifications.messageId))
    .leftJoin(csatSurveys, eq(csatSurveys.id, staffNotifications.surveyId))
    .where(and(...conditions))
    .orderBy(isRead, sql`${staffNotifications.createdAt} DESC`, sql`${staffNotifications.id} DESC`)
    .limit(f.limit + 1);
}

export async function countUnread(db: Queryable, userId: string) {
  const result = await db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM ${staffNotifications} n
      JOIN ${tickets} t ON t.id = n.ticket_id
      JOIN ${projectMembers} pm ON pm.project_id = t.project_id AND pm.user_id = n.user_id
     WHERE n.user_id = ${userId} AND n.read_at IS NULL`);
  return result.rows[0]?.n ?? 0;
}

/** Marks the user's own notifications read (the given ones, or all); others' ids match nothing. */
export async function markRead(tx: Tx, userId: string, ids: string[] | 'all', now: Date) {
  const rows = await tx
    .update(staffNotifications)
    .set({ readAt: now })
    .where(
      and(
        eq(staffNotifications.userId, userId),
        isNull(staffNotifications.readAt),
        ids === 'all' ? undefined : inArray(staffNotifications.id, ids),
      ),
    )
    .returning({ id: staffNotifications.id });
  return rows.length;
}
