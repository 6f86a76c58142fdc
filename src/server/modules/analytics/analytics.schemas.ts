import { z } from 'zod';
import { csatChannel } from '../../db/schema/index.js';
import { text } from '../../lib/http.js';
import { pageQuery } from '../../lib/pagination.js';

const channelSchema = z.enum(csatChannel.enumValues);

/** The longest custom range: two years (weekly buckets keep the trend at about a hundred points). */
export const MAX_RANGE_DAYS = 731;

/**
 * Analytics look at days a help desk can have data for. The bound also keeps the period's arithmetic
 * (the day after `to`, the preceding period) within four-digit years, which the database takes.
 */
const FIRST_DAY = '1970-01-01';
const LAST_DAY = '2999-12-31';

const localDate = text()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date as YYYY-MM-DD')
  .refine((d) => {
    const parsed = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(d);
  }, 'Not a valid calendar date')
  .refine((d) => d >= FIRST_DAY && d <= LAST_DAY, `A date from ${FIRST_DAY} to ${LAST_DAY}`);

const booleanText = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

/** What every analytics endpoint takes: the period and the filters that apply to every number. */
const periodQuery = {
  preset: z
    .enum(['7d', '30d', '90d'])
    .optional()
    .describe(
      "The last 7, 30 or 90 days including today, in the account's time zone. Default 30d; not with from/to.",
    ),
  from: localDate.optional().describe('First day of a custom range (inclusive), in the account time zone.'),
  to: localDate.optional().describe('Last day of a custom range (inclusive); from and to go together.'),
  agentId: z
    .union([z.uuid(), z.literal('none')])
    .optional()
    .describe('Only surveys credited to this staff member ("none": surveys credited to nobody).'),
  channel: channelSchema.optional().describe('Only answers given through this channel.'),
};

const checkPeriod = (q: {
  preset?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}) => (q.from === undefined) === (q.to === undefined) && !(q.preset && q.from);

const periodMessage = {
  message: 'Give either a preset or both from and to.',
  path: ['from'],
};

const rangeMessage = {
  message: `from must not be after to, and a range spans at most ${MAX_RANGE_DAYS} days.`,
  path: ['to'],
};

const checkRange = (q: { from?: string | undefined; to?: string | undefined }) => {
  if (!q.from || !q.to) return true;
  const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 + 1;
  return days >= 1 && days <= MAX_RANGE_DAYS;
};

export const analyticsQuery = z
  .object(periodQuery)
  .refine(checkPeriod, periodMessage)
  .refine(checkRange, rangeMessage);

export const reviewsQuery = z
  .object({
    ...periodQuery,
    rating: text()
      .regex(/^[1-5](,[1-5])*$/, 'Ratings 1–5, comma-separated')
      .transform((v) => [...new Set(v.split(',').map(Number))])
      .optional()
      .describe('One rating or several, comma-separated (e.g. 1,2).'),
    hasComment: booleanText.describe('true: only answers with a comment; false: only those without.'),
    followUp: z
      .enum(['open', 'done'])
      .optional()
      .describe('open: low scores that need a follow-up; done: low scores followed up.'),
    q: text()
      .max(200)
      .optional()
      .describe('Text in the comment, the ticket subject, or the requester name or email (any case).'),
    ...pageQuery,
  })
  .refine(checkPeriod, periodMessage)
  .refine(checkRange, rangeMessage);

export type AnalyticsQuery = z.infer<typeof analyticsQuery>;
export type ReviewsQuery = z.infer<typeof reviewsQuery>;

const nullableRatio = z.number().min(0).max(1).nullable();

export const periodSchema = z.object({
  from: z.string().describe('First day of the period (YYYY-MM-DD, inclusive).'),
  to: z.string().describe('Last day of the period (inclusive).'),
  timezone: z.string().describe("The account's IANA time zone the days are counted in."),
  previousFrom: z.string().describe('First day of the preceding period of the same length.'),
  previousTo: z.string(),
});

export const metricsSchema = z.object({
  answers: z.number().int().describe('Answers submitted in the period.'),
  average: z.number().nullable().describe('Average rating of those answers; null without answers.'),
  csatScore: nullableRatio.describe('Share of 4s and 5s among those answers (0–1); null without answers.'),
  surveysSent: z
    .number()
    .int()
    .describe('Surveys created in the period and not withdrawn (expired ones included).'),
  surveysAnswered: z.number().int().describe('How many of those surveys have been answered.'),
  responseRate: nullableRatio.describe('surveysAnswered ÷ surveysSent; null when none were sent.'),
});

const trendPoint = z.object({
  start: z.string().describe('First day of the bucket (YYYY-MM-DD).'),
  answers: z.number().int(),
  average: z.number().nullable(),
});

export const overviewSchema = z.object({
  period: periodSchema,
  current: metricsSchema,
  previous: metricsSchema,
  distribution: z
    .array(z.object({ rating: z.number().int(), count: z.number().int() }))
    .describe('Answers of the period per rating, 1 to 5 (always five entries).'),
  trend: z.object({
    bucket: z.enum(['day', 'week']).describe('Weeks when the period is longer than 31 days.'),
    points: z.array(trendPoint.extend({ csatScore: nullableRatio })),
  }),
});

const agentRef = z.object({ id: z.uuid(), name: z.string() });

export const agentsSchema = z.object({
  period: periodSchema,
  agents: z.array(
    z.object({
      agent: agentRef.nullable().describe('null: surveys credited to no staff member.'),
      answers: z.number().int(),
      average: z.number().nullable().describe('null when the period has no answer for this row.'),
      csatScore: nullableRatio,
      csatInterval: z
        .object({ low: z.number(), high: z.number() })
        .nullable()
        .describe('95% Wilson score interval of the CSAT score; null without answers.'),
      smallSample: z
        .boolean()
        .describe('Fewer than 10 answers, or the interval is wider than 0.3: not a verdict yet.'),
      trend: z.array(trendPoint),
      change: z.object({
        average: z.number().nullable().describe('average − previous average; null if either is null.'),
        csatScore: z.number().nullable(),
      }),
      previous: z.object({
        answers: z.number().int(),
        average: z.number().nullable(),
        csatScore: nullableRatio,
      }),
      surveysSent: z.number().int(),
      surveysAnswered: z.number().int(),
      responseRate: nullableRatio,
    }),
  ),
});

export const reviewSchema = z.object({
  surveyId: z.uuid(),
  rating: z.number().int(),
  comment: z.string().nullable(),
  agent: agentRef.nullable(),
  ticket: z.object({
    id: z.uuid().nullable().describe('Null once the deleted ticket was purged from the trash.'),
    reference: z.string(),
    subject: z.string(),
    deleted: z.boolean().describe('The ticket is in the trash or purged; its answer still counts.'),
  }),
  requester: z.object({ name: z.string(), email: z.string() }),
  submittedAt: z.date(),
  channel: channelSchema,
  reason: z.string().nullable().describe('The reason picked on a low score, if any.'),
  followUp: z
    .object({
      doneAt: z.date().nullable().describe('null: the low score still needs a follow-up.'),
      doneBy: agentRef.nullable(),
      note: z.string().nullable(),
    })
    .nullable()
    .describe('null: not a low score (above the threshold its project had when it was given).'),
});

export const reviewsSchema = z.object({
  reviews: z.array(reviewSchema),
  nextCursor: z.string().nullable(),
});

const lowScoreCounts = {
  lowScores: z.number().int().describe('Answers of the period at or below the threshold of their time.'),
  open: z.number().int().describe('Of those, how many still need a follow-up.'),
  medianFollowUpSeconds: z
    .number()
    .nullable()
    .describe('Median time from the answer to "follow-up done", of those done; null when none is.'),
};

export const lowScoresSchema = z.object({
  period: periodSchema,
  ...lowScoreCounts,
  reasons: z
    .array(z.object({ reason: z.string().nullable().describe('null: no reason picked.'), ...lowScoreCounts }))
    .describe('The same low scores by reason, most first.'),
});
