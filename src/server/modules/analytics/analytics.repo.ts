import { and, desc, eq, ilike, inArray, isNotNull, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { accounts, csatSurveys, customers, projects, tickets, users } from '../../db/schema/index.js';
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
  /** The first day of each trend bucket, in order (the first is `from`). */
  bucketStarts: string[];
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

/**
 * Answers of the current and the previous period, counted per bucket and rating (and agent): one
 * index-only range scan of csat_surveys_answers_idx bounded by the two periods. Buckets are found by
 * a binary search (width_bucket) among their local-midnight instants, so the time zone conversion runs
 * once per bucket rather than once per row; the sums are left to the caller (one count per group).
 */
export async function countAnswers(
  db: Queryable,
  scope: PeriodScope,
  options: { byAgent: boolean },
): Promise<AnswerCountRow[]> {
  // previousFrom, then the first day of every bucket: width_bucket gives 1 for the previous period.
  const days = `{${[scope.previousFrom, ...scope.bucketStarts].join(',')}}`;
  const bounds = sql`ARRAY(SELECT d::timestamp AT TIME ZONE ${scope.timezone}::text FROM unnest(${days}::date[]) d)`;
  const agent = options.byAgent ? sql`agent_id` : sql`NULL::uuid`;
  const filters = [
    agentCondition(scope),
    scope.channel ? eq(csatSurveys.channel, scope.channel) : undefined,
  ].filter((c): c is SQL => c !== undefined);
  const result = await db.execute<{
    agent_id: string | null;
    bucket: number;
    rating: number;
    answers: number;
  }>(
    sql`
    SELECT ${agent} AS agent_id, width_bucket(submitted_at, ${bounds}) - 2 AS bucket, rating,
      count(*)::int AS answers
    FROM csat_surveys
    WHERE project_id = ${scope.projectId}
      AND submitted_at >= ${dayStart(scope, scope.previousFrom)}
      AND submitted_at < ${dayStart(scope, scope.end)}
      ${filters.length ? sql`AND ${and(...filters)}` : sql``}
    GROUP BY 1, 2, 3`,
  );
  return result.rows.map((r) => ({
    agentId: r.agent_id,
    bucket: r.bucket,
    rating: r.rating,
    answers: r.answers,
  }));
}

export interface SentRow {
  agentId: string | null;
  isCurrent: boolean;
  sent: number;
  answered: number;
}

/**
 * Surveys created in the current and the previous period (withdrawn ones are deleted, so these are
 * "sent and not withdrawn"; expired ones count), and how many of them were answered: one index-only
 * range scan of csat_surveys_sent_idx. The channel only narrows the answered count: an unanswered
 * survey has no channel (channel is set exactly when the answer is), it was offered on all.
 */
export async function countSurveysSent(
  db: Queryable,
  scope: PeriodScope,
  options: { byAgent: boolean },
): Promise<SentRow[]> {
  const agent = options.byAgent ? sql`agent_id` : sql`NULL::uuid`;
  const agentFilter = agentCondition(scope);
  const answered = scope.channel ? sql`channel = ${scope.channel}` : sql`channel IS NOT NULL`;
  const result = await db.execute<{
    agent_id: string | null;
    is_current: boolean;
    sent: number;
    answered: number;
  }>(
    sql`
    SELECT ${agent} AS agent_id, created_at >= ${dayStart(scope, scope.from)} AS is_current,
      count(*)::int AS sent, count(*) FILTER (WHERE ${answered})::int AS answered
    FROM csat_surveys
    WHERE project_id = ${scope.projectId}
      AND created_at >= ${dayStart(scope, scope.previousFrom)}
      AND created_at < ${dayStart(scope, scope.end)}
      ${agentFilter ? sql`AND ${agentFilter}` : sql``}
    GROUP BY 1, 2`,
  );
  return result.rows.map((r) => ({
    agentId: r.agent_id,
    isCurrent: r.is_current,
    sent: r.sent,
    answered: r.answered,
  }));
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
  text?: string | undefined;
  /** Keyset: rows strictly after this one in (submittedAt desc, id desc) order. */
  after?: { at: string; id: string } | undefined;
  limit: number;
}

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
    })
    .from(s)
    .leftJoin(tickets, eq(tickets.id, s.ticketId))
    .leftJoin(customers, eq(customers.id, tickets.requesterId))
    .leftJoin(users, eq(users.id, s.agentId))
    .where(and(...conditions))
    .orderBy(desc(s.submittedAt), desc(s.id))
    .limit(f.limit);
}
