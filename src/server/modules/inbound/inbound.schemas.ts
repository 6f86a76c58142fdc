import { z } from 'zod';
import { text } from '../../lib/http.js';

export const settingsSchema = z.object({
  address: text()
    .trim()
    .max(254)
    .pipe(z.email())
    .nullable()
    .describe(
      'Mail to this address opens tickets in the project (point the MX or a forward at the listener).',
    ),
  newTicketsPerSenderHour: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .describe('New tickets one sender may open by mail per hour; the rest are held for review.'),
});

export const inboundStatusSchema = z.enum(['ticket', 'reply', 'held', 'auto', 'bounce', 'discarded']);

export const inboundMessageSchema = z.object({
  id: z.uuid(),
  messageId: z.string(),
  from: z.string(),
  subject: z.string(),
  status: inboundStatusSchema,
  reason: z.string().nullable(),
  ticketId: z.uuid().nullable(),
  size: z.number().int(),
  receivedAt: z.date(),
});

export const listQuery = z.object({ status: inboundStatusSchema.default('held') });
export const projectParams = z.object({ projectId: z.uuid() });
export const inboundParams = z.object({ inboundId: z.uuid() });
export const reviewBody = z.object({ action: z.enum(['release', 'discard']) });
