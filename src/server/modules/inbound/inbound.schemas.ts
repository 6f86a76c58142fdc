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
  acknowledge: z
    .boolean()
    .describe(
      'Mail the requester an acknowledgement (reference, subject, portal link) when their ticket comes in by mail, the portal or the request form, or staff open one for them with "notify the requester" on. Never for auto-replies, lists or bounces. Default on.',
    ),
  acknowledgementText: text()
    .trim()
    .max(2000)
    .nullable()
    .describe(
      "The acknowledgement's opening words, in place of the built-in text (which follows the customer's language); the reference, subject and portal link always follow. Null (or empty): the built-in text.",
    ),
});

/** The PUT body: the acknowledgement fields keep their current values when left out. */
export const settingsBody = settingsSchema.extend({
  acknowledge: settingsSchema.shape.acknowledge.optional(),
  acknowledgementText: settingsSchema.shape.acknowledgementText.optional(),
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
