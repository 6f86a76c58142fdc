import { z } from 'zod';

export const MAX_COMMENT_LENGTH = 2000;

export const channelSchema = z.enum(['link', 'email', 'portal', 'discord']);
export const stateSchema = z.enum(['pending', 'submitted', 'expired']);

export const settingsSchema = z.object({
  enabled: z.boolean().describe('When off, no new surveys are created; existing ones can still be answered.'),
  expiryDays: z.number().int().min(1).max(30).describe('Days a customer has to answer (1–30).'),
  invitationText: z.string().trim().min(1).max(500),
});

export const ratingSchema = z.coerce.number().int().min(1).max(5);

export const commentSchema = z
  .string()
  .max(MAX_COMMENT_LENGTH, `The comment can be at most ${MAX_COMMENT_LENGTH} characters.`)
  .optional()
  .transform((c) => c?.trim() || null);

export const answerSchema = z.object({
  rating: z.number().int(),
  comment: z.string().nullable(),
  submittedAt: z.date(),
});

export const publicSurveySchema = z.object({
  state: stateSchema,
  ticket: z.object({ reference: z.string(), subject: z.string() }),
  account: z.object({ name: z.string(), logoUrl: z.string().nullable() }),
  expiresAt: z.date(),
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
  channel: channelSchema.nullable(),
});
