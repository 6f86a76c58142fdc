import { z } from 'zod';
import { text } from '../../lib/http.js';
import { captchaBodyFields } from '../spam/index.js';

export const MAX_COMMENT_LENGTH = 2000;

export const channelSchema = z.enum(['link', 'email', 'portal', 'discord']);
export const stateSchema = z.enum(['pending', 'submitted', 'expired']);

/** The longest low-score reason: it must fit a Discord select option and a radio label. */
export const MAX_REASON_LENGTH = 50;
export const MAX_REASONS = 10;

const reasonsSchema = z
  .array(text().trim().min(1).max(MAX_REASON_LENGTH))
  .max(MAX_REASONS)
  .refine((list) => new Set(list).size === list.length, 'Each reason once.')
  .describe(
    `Up to ${MAX_REASONS} reasons (each up to ${MAX_REASON_LENGTH} characters) a customer may pick on a low score, in the project's own words (shown as written, in every language); empty: none offered (the default).`,
  );

const thresholdSchema = z
  .number()
  .int()
  .min(1)
  .max(4)
  .describe(
    'An answer of this many stars or fewer is a low score (default 2): the credited agent and csat.follow_up holders are told, and the reasons are offered.',
  );

export const settingsSchema = z.object({
  enabled: z.boolean().describe('When off, no new surveys are created; existing ones can still be answered.'),
  expiryDays: z.number().int().min(1).max(30).describe('Days a customer has to answer (1–30).'),
  invitationText: text().trim().min(1).max(500),
  lowScoreThreshold: thresholdSchema,
  lowScoreReasons: reasonsSchema,
});

/** The low-score fields keep their value when left out. */
export const settingsBody = settingsSchema.extend({
  lowScoreThreshold: thresholdSchema.optional(),
  lowScoreReasons: reasonsSchema.optional(),
});

const RATING_MESSAGE = 'Pick a rating from 1 to 5 stars.';

/** 1–5 stars: a number in JSON, or the digit an HTML form or a star link (`?rating=4`) sends as text. */
export const ratingSchema = z
  .union([z.number(), z.string().regex(/^\d$/).transform(Number)], { error: RATING_MESSAGE })
  .pipe(z.number().int(RATING_MESSAGE).min(1, RATING_MESSAGE).max(5, RATING_MESSAGE));

export const commentSchema = text()
  .max(MAX_COMMENT_LENGTH, {
    error: (issue) =>
      `The comment can be at most ${MAX_COMMENT_LENGTH} characters (it has ${String(issue.input).length}).`,
  })
  .optional()
  .transform((c) => c?.trim() || null);

/** How the customer reached the survey page: its link, or a star in the invitation mail. */
export const surveyLinkChannel = z.enum(['link', 'email']).default('link');

/** An answer as the customer sends it, from the survey page, the portal or the API: one schema for all. */
export const surveyAnswerBody = z.object({
  rating: ratingSchema,
  comment: commentSchema,
  reason: text()
    .max(100)
    .optional()
    .transform((r) => r?.trim() || null)
    .describe(
      "One of the project's low-score reasons, for a rating at or below its threshold (ignored above).",
    ),
  ...captchaBodyFields,
});

export const answerSchema = z.object({
  rating: z.number().int(),
  comment: z.string().nullable(),
  reason: z.string().nullable(),
  submittedAt: z.date(),
});

export const lowScoreSchema = z
  .object({ threshold: z.number().int(), reasons: z.array(z.string()) })
  .describe('Ratings at or below `threshold` may carry one of `reasons` (none when the list is empty).');

export const publicSurveySchema = z.object({
  state: stateSchema,
  ticket: z.object({ reference: z.string(), subject: z.string() }),
  account: z.object({ name: z.string(), logoUrl: z.string().nullable() }),
  expiresAt: z.date(),
  lowScore: lowScoreSchema,
  answer: answerSchema.nullable().describe('The previous answer, once submitted.'),
});

export const staffSurveySchema = z.object({
  id: z.uuid(),
  resolution: z.number().int(),
  state: stateSchema,
  agent: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  createdAt: z.date(),
  expiresAt: z.date(),
  submittedAt: z.date().nullable(),
  rating: z.number().int().nullable(),
  comment: z.string().nullable(),
  reason: z.string().nullable(),
  channel: channelSchema.nullable(),
});

export const followUpBody = z.object({
  note: text()
    .max(2000)
    .optional()
    .transform((n) => n?.trim() || null)
    .describe('What was done, optional.'),
});

export const followUpSchema = z.object({
  doneAt: z.date().nullable(),
  doneBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  note: z.string().nullable(),
});
