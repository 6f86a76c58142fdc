import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { type Api, errorResponses } from '../../lib/http.js';
import { authenticate } from '../auth/index.js';
import { getMember } from '../members/index.js';
import {
  agentsSchema,
  analyticsQuery,
  lowScoresSchema,
  overviewSchema,
  reviewsQuery,
  reviewsSchema,
} from './analytics.schemas.js';
import * as analytics from './analytics.service.js';

const params = z.object({ projectId: z.uuid() });

/** What every analytics description says about periods and filters (issue 5, point 10). */
const RULES = `Needs csat.view in the project (403 without; 404 for a project you are not in).

Period: \`preset\` (7d, 30d, 90d: the last N days including today; default 30d) or \`from\`/\`to\` (YYYY-MM-DD,
inclusive), as days of the account's time zone; compared with the preceding period of the same length.
An answer belongs to the day (and period) it was submitted on; a survey is "sent" on the day it was created.

Filters apply to numerator and denominator alike: with \`agentId\` every number, surveys sent included,
counts only that staff member's surveys. \`surveysSent\` counts surveys created in the period and not
withdrawn (withdrawn surveys are deleted; expired ones count as sent, unanswered), \`surveysAnswered\` how
many of those were answered, and \`responseRate\` = surveysAnswered ÷ surveysSent, so it never exceeds 1.
\`channel\` is how a customer answered, and an unanswered survey has none (it was offered on every
channel): with a channel, answers and surveysAnswered count that channel only while surveysSent stays
all surveys, so the response rate is the share of surveys answered through that channel and the rates
of the four channels add up to the overall one. No data gives null averages, scores and rates, never 0.`;

export function registerAnalyticsRoutes(app: Api, ctx: AppContext) {
  const base = '/api/v1/projects/:projectId/csat';

  app.get(
    `${base}/overview`,
    {
      schema: {
        tags: ['csat analytics'],
        summary: 'Overall CSAT numbers of a period, its distribution and trend, against the previous period.',
        description: `${RULES}\n\nThe trend has one point per day, or per 7 days from the first day when the period is longer than 31 days (the last week may be shorter); empty buckets have null averages.`,
        params,
        querystring: analyticsQuery,
        response: { 200: overviewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      return analytics.getOverview(ctx.db, ctx.clock, member, request.query);
    },
  );

  app.get(
    `${base}/agents`,
    {
      schema: {
        tags: ['csat analytics'],
        summary:
          'CSAT per staff member: answers, average, score with its 95% Wilson interval, trend, change.',
        description: `${RULES}\n\nOne row per staff member credited with a survey sent or an answer given in the period, and one with \`agent: null\` for surveys credited to nobody; most answers first. \`smallSample\` is true below 10 answers or when the Wilson interval is wider than 0.3.`,
        params,
        querystring: analyticsQuery,
        response: { 200: agentsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      return analytics.getAgentBreakdown(ctx.db, ctx.clock, member, request.query);
    },
  );

  app.get(
    `${base}/low-scores`,
    {
      schema: {
        tags: ['csat analytics'],
        summary:
          'Low scores of the period: how many, how many still need a follow-up, the median time to follow-up, and by reason.',
        description: `${RULES}\n\nA low score is an answer at or below the threshold its project had when it was given (csat settings, default 2); it counts on the day it was submitted. \`open\` counts those of the period not followed up yet (the review list's \`followUp=open\` shows them).`,
        params,
        querystring: analyticsQuery,
        response: { 200: lowScoresSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      return analytics.getLowScores(ctx.db, ctx.clock, member, request.query);
    },
  );

  app.get(
    `${base}/reviews`,
    {
      schema: {
        tags: ['csat analytics'],
        summary: 'Every answer of the period, newest first, filtered and searchable; cursor-paginated.',
        description: `${RULES}\n\nPass \`nextCursor\` back as \`cursor\` with the same filters for the next page.`,
        params,
        querystring: reviewsQuery,
        response: { 200: reviewsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      return analytics.listReviews(ctx.db, ctx.clock, member, request.query);
    },
  );

  app.get(
    `${base}/reviews.csv`,
    {
      schema: {
        tags: ['csat analytics'],
        summary: 'The reviews the filters select, all of them, as a CSV file.',
        description: `${RULES}\n\nTakes the review list's filters (cursor and limit are ignored). UTF-8 with a byte order mark, CRLF lines, a header row; times are wall-clock times in the account's time zone. Text cells starting with =, +, -, @, tab or carriage return get a leading single quote so that spreadsheets do not run them as formulas.`,
        params,
        querystring: reviewsQuery,
        response: {
          200: { description: 'The CSV file.', content: { 'text/csv': { schema: z.string() } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      const { filename, lines } = await analytics.exportReviews(ctx.db, ctx.clock, member, request.query);
      return (
        reply
          .header('Content-Type', 'text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${filename}"`)
          .header('Cache-Control', 'no-store')
          // Streamed as it is read, in keyset batches; the schema above documents what the stream carries.
          .send(Readable.from(lines) as unknown as string)
      );
    },
  );
}
