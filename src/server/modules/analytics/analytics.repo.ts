import { and, desc, eq, ilike, inArray, isNotNull, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Queryable, Tx } from '../../db/client.js';
import {
  accounts,
  csatDailyCounts,
  csatFollowUps,
  csatSurveys,
  customers,
  NO_AGENT,
  projects,
  tickets,
  users,
} from '../../db/schema/index.js';
import { likeContaining } from '../../lib/like-pattern.js';

export type CsatChannel = NonNullable<(typeof csatSurveys.$inferSelect)['channel']>;

/**
 * A period as the queries need it: local days (YYYY-MM-DD, inclusive) in the account's time zone.
 * The instants are computed by PostgreSQL (`day::timestamp AT TIME ZONE tz`), so DST is its business.
 */
export interface PeriodScope {
  projectId: string;
  timezone: string;
  from: string;
  /** The day after the last one: the period is [from, end) in local days. */
  end: string;
  previousFrom: string;
  /** The width of the trend buckets in days (1 or 7); they start on `from`. */
  bucketDays: number;
  /** A staff member's id, or 'none' for surveys credited to nobody. */
  agentId?: string | undefined;
  channel?: CsatChannel | undefined;
}

/** The instant a local day starts in the account's time zone. */
const dayStart = (scope: PeriodScope, day: string) =>
  sql`(${day}::date::timestamp AT TIME ZONE ${scope.timezone}::text)`;

const agentCondition = (scope: PeriodScope) =>
  scope.agentId === undefined
    ? undefined
    : scope.agentId === 'none'
      ? isNull(csatSurveys.agentId)
      : eq(csatSurveys.agentId, scope.agentId);

/** The account's time zone, today's date there, and the project key for ticket references. */
export async function findProjectCalendar(db: Queryable, projectId: string, now: Date) {
  const [row] = await db
    .select({
      timezone: accounts.timezone,
      projectKey: projects.key,
      today: sql<string>`to_char((${now}::timestamptz AT TIME ZONE ${accounts.timezone}), 'YYYY-MM-DD')`,
    })
    .from(projects)
    .innerJoin(accounts, eq(accounts.id, projects.accountId))
    .where(eq(projects.id, projectId));
  return row ?? null;
}

export interface AnswerCountRow {
  agentId: string | null;
  /** -1: the previous period; 0…: the bucket of the current period. */
  bucket: number;
  rating: number;
  answers: number;
}

/** The roll-up's agent as the callers see it: null for surveys credited to nobody. */
const agentColumn = (byAgent: boolean) =>
  byAgent ? sql`nullif(${csatDailyCounts.agentId}, ${NO_AGENT}::uuid)` : sql`NULL::uuid`;

/** The rows of both periods: the current and the previous, whole local days [previousFrom, end). */
const dailyRows = (scope: PeriodScope) =>
  and(
    eq(csatDailyCounts.projectId, scope.projectId),
    sql`${csatDailyCounts.day} >= ${scope.previousFrom}::date`,
    sql`${csatDailyCounts.day} < ${scope.end}::date`,
    scope.agentId === undefined
      ? undefined
      : eq(csatDailyCounts.agentId, scope.agentId === 'none' ? NO_AGENT : scope.agentId),
  );

/**
 * Answers of the current and the previous period, counted per bucket and rating (and agent), from
 * the daily roll-up: one range scan of its primary key bounded by the two periods' days, so the
 * cost is days × agents × channels whatever the number of surveys. Periods are whole local days,
 * so no raw answer is read at the edges. Weekly buckets start on `from`: a day's bucket is its
 * distance from `from` in whole bucket widths. The sums are left to the caller (one row per rating).
 */
export async function countAnswers(
  db: Queryable,
  scope: PeriodScope,
  options: { byAgent: boolean },
): Promise<AnswerCountRow[]> {
  const d = csatDailyCounts;
  const bucket = sql<number>`CASE WHEN ${d.day} < ${scope.from}::date THEN -1
    ELSE (${d.day} - ${scope.from}::date) / ${scope.bucketDays}::int END`;
  const rows = await db
    .select({
      agentId: sql<string | null>`${agentColumn(options.byAgent)}`,
      bucket,
      rated: sql<number[]>`ARRAY[sum(${d.rated1}), sum(${d.rated2}), sum(${d.rated3}), sum(${d.rated4}),
        sum(${d.rated5})]::int[]`,
    })
    .from(d)
    .where(and(dailyRows(scope), scope.channel ? eq(d.channel, scope.channel) : undefined))
    .groupBy(sql`1`, sql`2`);
  return rows.flatMap((r) =>
    r.rated.flatMap((answers, i) =>
      answers ? [{ agentId: r.agentId, bucket: r.bucket, rating: i + 1, answers }] : [],
    ),
  );
}

export interface SentRow {
  agentId: string | null;
  isCurrent: boolean;
  sent: number;
  answered: number;
}

/**
 * Surveys created in the current and the previous period (withdrawn ones are deleted, so these are
 * "sent and not withdrawn"; expired ones count), and how many of them were answered, from the same
 * range of the daily roll-up. The channel only narrows the answered count: an unanswered survey has
 * no channel ('' in the roll-up), it was offered on all.
 */
export async function countSurveysSent(
  db: Queryable,
  scope: PeriodScope,
  options: { byAgent: boolean },
): Promise<SentRow[]> {
  const d = csatDailyCounts;
  const answered = scope.channel ? eq(d.channel, scope.channel) : ne(d.channel, '');
  return db
    .select({
      agentId: sql<string | null>`${agentColumn(options.byAgent)}`,
      isCurrent: sql<boolean>`${d.day} >= ${scope.from}::date`,
      sent: sql<number>`sum(${d.sent})::int`,
      answered: sql<number>`coalesce(sum(${d.sent}) FILTER (WHERE ${answered}), 0)::int`,
    })
    .from(d)
    .where(dailyRows(scope))
    .groupBy(sql`1`, sql`2`);
}

/** Every account's id, or the one given if it exists: what a rebuild recounts. */
export async function listAccountIds(db: Queryable, accountId?: string) {
  const rows = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(accountId ? eq(accounts.id, accountId) : undefined)
    .orderBy(accounts.id);
  return rows.map((r) => r.id);
}

/**
 * Recounts one account's roll-up from its surveys with the migration's csat_daily_counts_rebuild
 * (the function its time-zone trigger runs too); returns how many rows it wrote.
 */
export async function rebuildDailyCounts(tx: Tx, accountId: string) {
  const result = await tx.execute<{ written: number }>(
    sql`SELECT csat_daily_counts_rebuild(${accountId}::uuid) AS written`,
  );
  return result.rows[0]?.written ?? 0;
}

export async function findUserNames(db: Queryable, userIds: string[]) {
  if (!userIds.length) return new Map<string, string>();
  const rows = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.id, userIds));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export interface ReviewFilters {
  ratings?: number[] | undefined;
  hasComment?: boolean | undefined;
  /** Low scores whose follow-up is still open, or done. */
  followUp?: 'open' | 'done' | undefined;
  text?: string | undefined;
  /** Keyset: rows strictly after this one in (submittedAt desc, id desc) order. */
  after?: { at: string; id: string } | undefined;
  limit: number;
}

const followers = alias(users, 'followers');

/**
 * Answers of the period, newest first, keyset-paginated on (submitted_at, id). The cursor carries the
 * timestamp as PostgreSQL prints it (microseconds): a JavaScript Date would round it.
 */
export async function listReviews(db: Queryable, scope: PeriodScope, f: ReviewFilters) {
  const s = csatSurveys;
  const conditions: (SQL | undefined)[] = [
    eq(s.projectId, scope.projectId),
    sql`${s.submittedAt} >= ${dayStart(scope, scope.from)}`,
    sql`${s.submittedAt} < ${dayStart(scope, scope.end)}`,
    agentCondition(scope),
    scope.channel ? eq(s.channel, scope.channel) : undefined,
    f.ratings?.length ? inArray(s.rating, f.ratings) : undefined,
  ];
  if (f.followUp === 'open') conditions.push(isNotNull(csatFollowUps.surveyId), isNull(csatFollowUps.doneAt));
  if (f.followUp === 'done') conditions.push(isNotNull(csatFollowUps.doneAt));
  if (f.hasComment === true) conditions.push(and(isNotNull(s.comment), ne(s.comment, '')));
  if (f.hasComment === false) conditions.push(or(isNull(s.comment), eq(s.comment, '')));
  if (f.text) {
    const pattern = likeContaining(f.text);
    conditions.push(
      or(
        ilike(s.comment, pattern),
        ilike(tickets.subject, pattern),
        ilike(customers.name, pattern),
        ilike(customers.email, pattern),
      ),
    );
  }
  if (f.after) {
    const at = sql`${f.after.at}::timestamptz`;
    conditions.push(
      sql`${s.submittedAt} <= ${at}`,
      sql`(${s.submittedAt} < ${at} OR ${s.id} < ${f.after.id}::uuid)`,
    );
  }
  return db
    .select({
      surveyId: s.id,
      rating: sql<number>`${s.rating}`,
      comment: s.comment,
      channel: sql<CsatChannel>`${s.channel}`,
      submittedAt: sql<Date>`${s.submittedAt}`.mapWith(s.submittedAt),
      cursorAt: sql<string>`to_char(${s.submittedAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      agentId: s.agentId,
      agentName: users.name,
      ticketId: tickets.id,
      ticketNumber: tickets.number,
      ticketReference: s.ticketReference,
      // In the trash, or purged (the answer stays, with the reference copied onto it).
      ticketDeleted: sql<boolean>`(${tickets.id} IS NULL OR ${tickets.deletedAt} IS NOT NULL)`,
      subject: tickets.subject,
      requesterName: customers.name,
      requesterEmail: customers.email,
      reason: s.reason,
      isLowScore: sql<boolean>`(${csatFollowUps.surveyId} IS NOT NULL)`,
      followUpDoneAt: csatFollowUps.doneAt,
      followUpDoneBy: csatFollowUps.doneByUserId,
      followUpDoneByName: followers.name,
      followUpNote: csatFollowUps.note,
    })
    .from(s)
    .leftJoin(tickets, eq(tickets.id, s.ticketId))
    .leftJoin(customers, eq(customers.id, tickets.requesterId))
    .leftJoin(users, eq(users.id, s.agentId))
    .leftJoin(csatFollowUps, eq(csatFollowUps.surveyId, s.id))
    .leftJoin(followers, eq(followers.id, csatFollowUps.doneByUserId))
    .where(and(...conditions))
    .orderBy(desc(s.submittedAt), desc(s.id))
    .limit(f.limit);
}

export interface LowScoreRow {
  reason: string | null;
  lowScores: number;
  open: number;
  /** Seconds from the answer to "follow-up done", of those done. */
  medianFollowUpSeconds: number | null;
}

/**
 * Low scores answered in the period, per reason: how many, how many still open, and the median time
 * to follow-up of those done. A range scan of csat_follow_ups (project, answered_at), each joined to
 * its survey by primary key for the reason and the filters; `ROLLUP` adds the all-reasons row.
 */
export async function countLowScores(
  db: Queryable,
  scope: PeriodScope,
): Promise<(LowScoreRow & { isTotal: boolean })[]> {
  const filters = [
    agentCondition(scope),
    scope.channel ? eq(csatSurveys.channel, scope.channel) : undefined,
  ].filter((c): c is SQL => c !== undefined);
  const result = await db.execute<{
    reason: string | null;
    is_total: boolean;
    low_scores: number;
    open: number;
    median_seconds: number | null;
  }>(sql`
    SELECT ${csatSurveys.reason} AS reason, GROUPING(${csatSurveys.reason}) = 1 AS is_total,
      count(*)::int AS low_scores,
      count(*) FILTER (WHERE ${csatFollowUps.doneAt} IS NULL)::int AS open,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ${csatFollowUps.doneAt} - ${csatFollowUps.answeredAt}))
        FILTER (WHERE ${csatFollowUps.doneAt} IS NOT NULL) AS median_seconds
    FROM ${csatFollowUps}
    JOIN ${csatSurveys} ON ${csatSurveys.id} = ${csatFollowUps.surveyId}
    WHERE ${csatFollowUps.projectId} = ${scope.projectId}
      AND ${csatFollowUps.answeredAt} >= ${dayStart(scope, scope.from)}
      AND ${csatFollowUps.answeredAt} < ${dayStart(scope, scope.end)}
      ${filters.length ? sql`AND ${and(...filters)}` : sql``}
    GROUP BY ROLLUP (${csatSurveys.reason})`);
  return result.rows.map((r) => ({
    reason: r.reason,
    isTotal: r.is_total,
    lowScores: r.low_scores,
    open: r.open,
    medianFollowUpSeconds: r.median_seconds === null ? null : Number(r.median_seconds),
  }));
}
