import { and, desc, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import {
  accounts,
  csatEvents,
  csatFollowUps,
  csatSettings,
  csatSurveys,
  customers,
  messages,
  projects,
  tickets,
  users,
} from '../../db/schema/index.js';

export type SurveyRow = typeof csatSurveys.$inferSelect;
export type SettingsRow = typeof csatSettings.$inferSelect;
export type CsatChannel = NonNullable<SurveyRow['channel']>;
export type CsatEventType = (typeof csatEvents.$inferSelect)['type'];

export async function findSettings(db: Queryable, projectId: string) {
  const [row] = await db.select().from(csatSettings).where(eq(csatSettings.projectId, projectId));
  return row ?? null;
}

const settingsOfSurveyQuery = preparedQuery('csat_settings_of_survey', (db) =>
  db
    .select({ settings: csatSettings })
    .from(csatSurveys)
    .innerJoin(csatSettings, eq(csatSettings.projectId, csatSurveys.projectId))
    .where(eq(csatSurveys.id, sql.placeholder('surveyId'))),
);

/** The settings of the survey's project (null: the defaults), in one indexed lookup (prepared: every answer reads it). */
export async function findSettingsOfSurvey(db: Queryable, surveyId: string) {
  const [row] = await settingsOfSurveyQuery(db, { surveyId });
  return row?.settings ?? null;
}

export async function upsertSettings(tx: Tx, values: typeof csatSettings.$inferInsert) {
  const [row] = await tx
    .insert(csatSettings)
    .values(values)
    .onConflictDoUpdate({
      target: csatSettings.projectId,
      set: {
        enabled: values.enabled,
        expiryDays: values.expiryDays,
        invitationText: values.invitationText,
        lowScoreThreshold: values.lowScoreThreshold,
        lowScoreReasons: values.lowScoreReasons,
        updatedAt: values.updatedAt,
      },
    })
    .returning();
  if (!row) throw new Error('upsert returned nothing');
  return row;
}

/** The staff member who last replied publicly on the ticket, if any. */
export async function findLastPublicReplier(db: Queryable, ticketId: string) {
  const [row] = await db
    .select({ userId: messages.authorUserId })
    .from(messages)
    .where(
      and(eq(messages.ticketId, ticketId), eq(messages.kind, 'public'), isNotNull(messages.authorUserId)),
    )
    .orderBy(desc(messages.seq))
    .limit(1);
  return row?.userId ?? null;
}

/** Inserts the survey for this resolution unless one exists (the unique constraint decides, race-free). */
export async function insertSurveyOnce(tx: Tx, values: typeof csatSurveys.$inferInsert) {
  const [row] = await tx
    .insert(csatSurveys)
    .values(values)
    .onConflictDoNothing({ target: [csatSurveys.ticketId, csatSurveys.resolution] })
    .returning();
  return row ?? null;
}

export async function deleteUnsubmittedSurveys(tx: Tx, ticketId: string) {
  return tx
    .delete(csatSurveys)
    .where(and(eq(csatSurveys.ticketId, ticketId), isNull(csatSurveys.submittedAt)))
    .returning({
      id: csatSurveys.id,
      accountId: csatSurveys.accountId,
      projectId: csatSurveys.projectId,
      ticketId: csatSurveys.ticketId,
    });
}

/** Whether the survey was withdrawn (its row is gone; its events stay). */
export async function wasWithdrawn(db: Queryable, surveyId: string) {
  const [row] = await db
    .select({ id: csatEvents.id })
    .from(csatEvents)
    .where(and(eq(csatEvents.surveyId, surveyId), eq(csatEvents.type, 'withdrawn')))
    .limit(1);
  return row !== undefined;
}

export async function insertEvents(tx: Tx, values: (typeof csatEvents.$inferInsert)[]) {
  if (values.length) await tx.insert(csatEvents).values(values);
}

const submittedEventQuery = preparedQuery('insert_csat_submitted_event', (db) =>
  db.insert(csatEvents).values({
    accountId: sql.placeholder('accountId'),
    surveyId: sql.placeholder('surveyId'),
    projectId: sql.placeholder('projectId'),
    ticketId: sql.placeholder('ticketId'),
    type: 'submitted',
    channel: sql.placeholder('channel'),
    createdAt: sql.placeholder('createdAt'),
  }),
);

/** An answer's `submitted` event (one per answer: prepared). */
export async function insertSubmittedEvent(
  tx: Tx,
  event: {
    accountId: string;
    surveyId: string;
    projectId: string;
    ticketId: string | null;
    channel: CsatChannel;
    createdAt: Date;
  },
) {
  await submittedEventQuery(tx, event);
}

export async function findSurvey(db: Queryable, surveyId: string) {
  const [row] = await db.select().from(csatSurveys).where(eq(csatSurveys.id, surveyId));
  return row ?? null;
}

/** The ticket's survey still waiting for an answer (at most one: a new one needs a reopen, which withdraws it). */
const pendingSurveyQuery = preparedQuery('pending_survey_of_ticket', (db) =>
  db
    .select()
    .from(csatSurveys)
    .where(
      and(
        eq(csatSurveys.ticketId, sql.placeholder('ticketId')),
        isNull(csatSurveys.submittedAt),
        sql`${csatSurveys.expiresAt} > ${sql.placeholder('now')}`,
      ),
    )
    .orderBy(desc(csatSurveys.resolution))
    .limit(1),
);

export async function findPendingSurveyForTicket(db: Queryable, ticketId: string, now: Date) {
  const [row] = await pendingSurveyQuery(db, { ticketId, now });
  return row ?? null;
}

const surveyPageQuery = preparedQuery('survey_page', (db) =>
  db
    .select({
      survey: csatSurveys,
      subject: tickets.subject,
      number: tickets.number,
      ticketId: tickets.id,
      portalTokenVersion: tickets.portalTokenVersion,
      projectKey: projects.key,
      accountId: accounts.id,
      accountName: accounts.name,
      hasLogo: sql<boolean>`${accounts.logo} IS NOT NULL`,
      brandColor: accounts.brandColor,
      timezone: accounts.timezone,
      defaultLanguage: accounts.defaultLanguage,
      requesterId: customers.id,
      requesterLanguage: customers.language,
    })
    .from(csatSurveys)
    .innerJoin(tickets, eq(tickets.id, csatSurveys.ticketId))
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    .innerJoin(projects, eq(projects.id, csatSurveys.projectId))
    .innerJoin(accounts, eq(accounts.id, projects.accountId))
    .where(eq(csatSurveys.id, sql.placeholder('surveyId'))),
);

/** The survey with what its public page shows: the ticket and the account's branding. */
export async function findSurveyPage(db: Queryable, surveyId: string) {
  const [row] = await surveyPageQuery(db, { surveyId });
  return row ?? null;
}

/**
 * Records the answer only if the survey is still unanswered and not past its deadline, in one
 * statement: of concurrent submissions exactly one matches; the row lock makes the others re-check.
 */
const submitAnswerQuery = preparedQuery('submit_survey_answer', (db) =>
  db
    .update(csatSurveys)
    // (`set` takes SQL, not bare placeholders.)
    .set({
      submittedAt: sql`${sql.placeholder('now')}`,
      rating: sql`${sql.placeholder('rating')}`,
      comment: sql`${sql.placeholder('comment')}`,
      reason: sql`${sql.placeholder('reason')}`,
      channel: sql`${sql.placeholder('channel')}`,
    })
    .where(
      and(
        eq(csatSurveys.id, sql.placeholder('surveyId')),
        isNull(csatSurveys.submittedAt),
        sql`${csatSurveys.expiresAt} > ${sql.placeholder('now')}`,
      ),
    )
    .returning(),
);

export async function submitAnswer(
  tx: Tx,
  surveyId: string,
  answer: { rating: number; comment: string | null; reason: string | null; channel: CsatChannel },
  now: Date,
) {
  const { rating, comment, reason, channel } = answer;
  const [row] = await submitAnswerQuery(tx, { surveyId, rating, comment, reason, channel, now });
  return row ?? null;
}

/** Marks every unsubmitted survey past its deadline as expired; returns them. */
export async function markExpired(tx: Tx, now: Date, limit: number) {
  const due = tx
    .select({ id: csatSurveys.id })
    .from(csatSurveys)
    .where(
      and(isNull(csatSurveys.submittedAt), isNull(csatSurveys.expiredAt), lte(csatSurveys.expiresAt, now)),
    )
    .limit(limit)
    .for('update', { skipLocked: true });
  return tx.update(csatSurveys).set({ expiredAt: now }).where(sql`${csatSurveys.id} IN ${due}`).returning({
    id: csatSurveys.id,
    accountId: csatSurveys.accountId,
    projectId: csatSurveys.projectId,
    ticketId: csatSurveys.ticketId,
  });
}

const agents = alias(users, 'agents');

export async function listTicketSurveys(db: Queryable, ticketId: string) {
  return db
    .select({ survey: csatSurveys, agentName: agents.name })
    .from(csatSurveys)
    .leftJoin(agents, eq(agents.id, csatSurveys.agentId))
    .where(eq(csatSurveys.ticketId, ticketId))
    .orderBy(csatSurveys.resolution);
}

export async function insertFollowUp(tx: Tx, values: typeof csatFollowUps.$inferInsert) {
  await tx.insert(csatFollowUps).values(values).onConflictDoNothing();
}

/** Marks the project's low score followed up, once: null when it is unknown there or already done. */
export async function markFollowUpDone(
  tx: Tx,
  f: { surveyId: string; projectId: string; doneAt: Date; doneByUserId: string; note: string | null },
) {
  const [row] = await tx
    .update(csatFollowUps)
    .set({ doneAt: f.doneAt, doneByUserId: f.doneByUserId, note: f.note })
    .where(
      and(
        eq(csatFollowUps.surveyId, f.surveyId),
        eq(csatFollowUps.projectId, f.projectId),
        isNull(csatFollowUps.doneAt),
      ),
    )
    .returning();
  return row ?? null;
}

export async function findFollowUp(db: Queryable, projectId: string, surveyId: string) {
  const [row] = await db
    .select({ followUp: csatFollowUps, doneByName: users.name })
    .from(csatFollowUps)
    .leftJoin(users, eq(users.id, csatFollowUps.doneByUserId))
    .where(and(eq(csatFollowUps.surveyId, surveyId), eq(csatFollowUps.projectId, projectId)));
  return row ?? null;
}
