import { z } from 'zod';
import { type Database, inTransaction, type Queryable } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import { cursorField, decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { type Member, requirePermission } from '../members/index.js';
import { reference } from '../tickets/index.js';
import * as repo from './analytics.repo.js';
import type { AnalyticsQuery, ReviewsQuery } from './analytics.schemas.js';
import { isSmallSample, type Period, ratio, resolvePeriod, wilsonInterval } from './analytics-period.js';
import { CSV_BOM, csvLine, localTimeFormatter } from './reviews-csv.js';

/** Export reads the filtered rows in pages of this many, keyset-paginated like the list. */
const EXPORT_BATCH = 1000;

/** Everything needs csat.view; the period is resolved in the account's time zone. */
async function openPeriod(db: Queryable, clock: Clock, member: Member, query: AnalyticsQuery) {
  requirePermission(member, 'csat.view');
  const calendar = await repo.findProjectCalendar(db, member.projectId, clock.now());
  if (!calendar) throw notFound('Project');
  const period = resolvePeriod(calendar.today, query);
  const scope: repo.PeriodScope = {
    projectId: member.projectId,
    timezone: calendar.timezone,
    from: period.from,
    end: period.end,
    previousFrom: period.previousFrom,
    bucketDays: period.bucketDays,
    agentId: query.agentId,
    channel: query.channel,
  };
  return { calendar, period, scope };
}

const presentPeriod = (period: Period, timezone: string) => ({
  from: period.from,
  to: period.to,
  timezone,
  previousFrom: period.previousFrom,
  previousTo: period.previousTo,
});

interface Tally {
  answers: number;
  ratingSum: number;
  positives: number;
  ratings: number[];
}

const emptyTally = (): Tally => ({ answers: 0, ratingSum: 0, positives: 0, ratings: [0, 0, 0, 0, 0] });

/** A 4 or a 5 counts towards the CSAT score. */
const POSITIVE_RATING = 4;

function addTo(tally: Tally, row: repo.AnswerCountRow) {
  tally.answers += row.answers;
  tally.ratingSum += row.rating * row.answers;
  if (row.rating >= POSITIVE_RATING) tally.positives += row.answers;
  tally.ratings[row.rating - 1] = (tally.ratings[row.rating - 1] ?? 0) + row.answers;
}

const scoresOf = (t: Tally) => ({
  answers: t.answers,
  average: ratio(t.ratingSum, t.answers),
  csatScore: ratio(t.positives, t.answers),
});

interface Sent {
  sent: number;
  answered: number;
}

const noneSent = (): Sent => ({ sent: 0, answered: 0 });

const metricsOf = (t: Tally, s: Sent) => ({
  ...scoresOf(t),
  surveysSent: s.sent,
  surveysAnswered: s.answered,
  responseRate: ratio(s.answered, s.sent),
});

const difference = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

/** The answers of one row (the project, or one agent) split into the two periods and the buckets. */
interface Breakdown {
  current: Tally;
  previous: Tally;
  buckets: Tally[];
  sentCurrent: Sent;
  sentPrevious: Sent;
}

function breakdown(period: Period): Breakdown {
  return {
    current: emptyTally(),
    previous: emptyTally(),
    buckets: period.bucketStarts.map(emptyTally),
    sentCurrent: noneSent(),
    sentPrevious: noneSent(),
  };
}

/** Folds the aggregate rows into one breakdown per agent (key '' for unattributed surveys). */
function collect(period: Period, answerRows: repo.AnswerCountRow[], sentRows: repo.SentRow[]) {
  const byAgent = new Map<string, Breakdown>();
  const get = (agentId: string | null) => {
    const key = agentId ?? '';
    let found = byAgent.get(key);
    if (!found) {
      found = breakdown(period);
      byAgent.set(key, found);
    }
    return found;
  };
  for (const row of answerRows) {
    const b = get(row.agentId);
    if (row.bucket < 0) {
      addTo(b.previous, row);
      continue;
    }
    addTo(b.current, row);
    const bucket = b.buckets[row.bucket];
    if (bucket) addTo(bucket, row);
  }
  for (const row of sentRows) {
    const b = get(row.agentId);
    const target = row.isCurrent ? b.sentCurrent : b.sentPrevious;
    target.sent += row.sent;
    target.answered += row.answered;
  }
  return byAgent;
}

export async function getOverview(db: Queryable, clock: Clock, member: Member, query: AnalyticsQuery) {
  const { calendar, period, scope } = await openPeriod(db, clock, member, query);
  const [answerRows, sentRows] = await Promise.all([
    repo.countAnswers(db, scope, { byAgent: false }),
    repo.countSurveysSent(db, scope, { byAgent: false }),
  ]);
  const all = collect(period, answerRows, sentRows).get('') ?? breakdown(period);
  return {
    period: presentPeriod(period, calendar.timezone),
    current: metricsOf(all.current, all.sentCurrent),
    previous: metricsOf(all.previous, all.sentPrevious),
    distribution: all.current.ratings.map((count, i) => ({ rating: i + 1, count })),
    trend: {
      bucket: period.bucket,
      points: all.buckets.map((t, i) => ({
        start: period.bucketStarts[i] as string,
        answers: t.answers,
        average: ratio(t.ratingSum, t.answers),
        csatScore: ratio(t.positives, t.answers),
      })),
    },
  };
}

/**
 * One row per staff member credited with a survey sent or an answer given in the period (plus one
 * for surveys credited to nobody), most answers first. Four queries whatever the number of agents.
 */
export async function getAgentBreakdown(db: Queryable, clock: Clock, member: Member, query: AnalyticsQuery) {
  const { calendar, period, scope } = await openPeriod(db, clock, member, query);
  const [answerRows, sentRows] = await Promise.all([
    repo.countAnswers(db, scope, { byAgent: true }),
    repo.countSurveysSent(db, scope, { byAgent: true }),
  ]);
  const byAgent = collect(period, answerRows, sentRows);
  const active = [...byAgent].filter(([, b]) => b.current.answers > 0 || b.sentCurrent.sent > 0);
  const names = await repo.findUserNames(
    db,
    active.map(([id]) => id).filter((id) => id !== ''),
  );
  const agents = active.map(([id, b]) => {
    const current = scoresOf(b.current);
    const previous = scoresOf(b.previous);
    const csatInterval = wilsonInterval(b.current.positives, b.current.answers);
    return {
      agent: id === '' ? null : { id, name: names.get(id) ?? 'Deleted user' },
      ...current,
      csatInterval,
      smallSample: isSmallSample(b.current.answers, csatInterval),
      trend: b.buckets.map((t, i) => ({
        start: period.bucketStarts[i] as string,
        answers: t.answers,
        average: ratio(t.ratingSum, t.answers),
      })),
      change: {
        average: difference(current.average, previous.average),
        csatScore: difference(current.csatScore, previous.csatScore),
      },
      previous,
      surveysSent: b.sentCurrent.sent,
      surveysAnswered: b.sentCurrent.answered,
      responseRate: ratio(b.sentCurrent.answered, b.sentCurrent.sent),
    };
  });
  agents.sort(
    (a, b) =>
      b.answers - a.answers ||
      b.surveysSent - a.surveysSent ||
      (a.agent?.name ?? '\uffff').localeCompare(b.agent?.name ?? '\uffff'),
  );
  return { period: presentPeriod(period, calendar.timezone), agents };
}

/**
 * Low scores of the period (answers at or below the threshold their project had when they came in):
 * how many, how many still wait for a follow-up, the median time to follow-up, and the split by reason.
 */
export async function getLowScores(db: Queryable, clock: Clock, member: Member, query: AnalyticsQuery) {
  const { calendar, period, scope } = await openPeriod(db, clock, member, query);
  const rows = await repo.countLowScores(db, scope);
  const total = rows.find((r) => r.isTotal);
  const present = (r: repo.LowScoreRow | undefined) => ({
    lowScores: r?.lowScores ?? 0,
    open: r?.open ?? 0,
    medianFollowUpSeconds: r?.medianFollowUpSeconds ?? null,
  });
  return {
    period: presentPeriod(period, calendar.timezone),
    ...present(total),
    reasons: rows
      .filter((r) => !r.isTotal)
      .sort((a, b) => b.lowScores - a.lowScores || (a.reason ?? '\uffff').localeCompare(b.reason ?? '\uffff'))
      .map((r) => ({ reason: r.reason, ...present(r) })),
  };
}

const cursorSchema = z.object({
  at: cursorField.timestamp,
  id: z.uuid(),
});

type ReviewRow = Awaited<ReturnType<typeof repo.listReviews>>[number];

const presentReview = (projectKey: string) => (r: ReviewRow) => ({
  surveyId: r.surveyId,
  rating: r.rating,
  comment: r.comment,
  agent: r.agentId ? { id: r.agentId, name: r.agentName ?? 'Deleted user' } : null,
  ticket: {
    id: r.ticketId,
    reference: r.ticketReference ?? (r.ticketNumber === null ? '' : reference(projectKey, r.ticketNumber)),
    subject: r.subject ?? 'Deleted ticket',
    deleted: r.ticketDeleted,
  },
  requester: { name: r.requesterName ?? 'Deleted ticket', email: r.requesterEmail ?? '' },
  submittedAt: r.submittedAt,
  channel: r.channel,
  reason: r.reason,
  followUp: r.isLowScore
    ? {
        doneAt: r.followUpDoneAt,
        doneBy: r.followUpDoneBy
          ? { id: r.followUpDoneBy, name: r.followUpDoneByName ?? 'Deleted user' }
          : null,
        note: r.followUpNote,
      }
    : null,
});

const reviewFilters = (query: ReviewsQuery) => ({
  ratings: query.rating,
  hasComment: query.hasComment,
  followUp: query.followUp,
  text: query.q?.trim() || undefined,
});

export async function listReviews(db: Queryable, clock: Clock, member: Member, query: ReviewsQuery) {
  const { calendar, scope } = await openPeriod(db, clock, member, query);
  const after = query.cursor ? decodeCursor(query.cursor, cursorSchema) : undefined;
  const rows = await repo.listReviews(db, scope, { ...reviewFilters(query), after, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    reviews: page.map(presentReview(calendar.projectKey)),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor({ at: last.cursorAt, id: last.surveyId }) : null,
  };
}

/**
 * Every review the filters select (all pages), as CSV lines; the permission and the period are
 * checked before the first line, so a refusal is an ordinary error response.
 */
export async function exportReviews(db: Queryable, clock: Clock, member: Member, query: ReviewsQuery) {
  const { calendar, period, scope } = await openPeriod(db, clock, member, query);
  const filters = reviewFilters(query);
  const present = presentReview(calendar.projectKey);
  const localTime = localTimeFormatter(calendar.timezone);
  async function* lines() {
    yield CSV_BOM;
    yield csvLine([
      `Submitted at (${calendar.timezone})`,
      'Rating',
      'Comment',
      'Agent',
      'Ticket',
      'Subject',
      'Requester',
      'Requester email',
      'Channel',
      'Survey ID',
      'Reason',
      'Follow-up',
      `Followed up at (${calendar.timezone})`,
      'Followed up by',
      'Follow-up note',
    ]);
    let after: { at: string; id: string } | undefined;
    for (;;) {
      const rows = await repo.listReviews(db, scope, { ...filters, after, limit: EXPORT_BATCH });
      let chunk = '';
      for (const row of rows) {
        const r = present(row);
        chunk += csvLine([
          localTime(r.submittedAt),
          r.rating,
          r.comment,
          r.agent?.name ?? null,
          r.ticket.reference,
          r.ticket.subject,
          r.requester.name,
          r.requester.email,
          r.channel,
          r.surveyId,
          r.reason,
          r.followUp ? (r.followUp.doneAt ? 'done' : 'open') : null,
          r.followUp?.doneAt ? localTime(r.followUp.doneAt) : null,
          r.followUp?.doneBy?.name ?? null,
          r.followUp?.note ?? null,
        ]);
      }
      if (chunk) yield chunk;
      const last = rows.at(-1);
      if (rows.length < EXPORT_BATCH || !last) return;
      after = { at: last.cursorAt, id: last.surveyId };
    }
  }
  return { filename: `csat-reviews-${period.from}-to-${period.to}.csv`, lines: lines() };
}

/**
 * `clearline analytics rebuild`: recounts the daily roll-up of every account (or of one) from the
 * surveys. One transaction per account: each holds survey writes only while its own account is
 * recounted. Returns the accounts and the rows written.
 */
export async function rebuildDailyCounts(db: Database, accountId?: string) {
  const ids = await repo.listAccountIds(db, accountId);
  let rows = 0;
  for (const id of ids) rows += await inTransaction(db, (tx) => repo.rebuildDailyCounts(tx, id));
  return { accounts: ids.length, rows };
}
