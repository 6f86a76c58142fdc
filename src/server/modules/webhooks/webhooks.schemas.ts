import { z } from 'zod';
import { text } from '../../lib/http.js';

export const WEBHOOK_EVENTS = [
  'ticket.created',
  'ticket.status_changed',
  'message.created',
  'csat.survey_created',
  'csat.survey_answered',
  'csat.survey_withdrawn',
  'csat.survey_expired',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** What a webhook delivery's cause holds: the event as it will be POSTed (no secret links in it). */
export const webhookCauseSchema = z.object({
  eventId: z.uuid(),
  endpointId: z.uuid(),
  type: z.enum(WEBHOOK_EVENTS),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookCause = z.infer<typeof webhookCauseSchema>;

const url = text()
  .max(2000)
  .refine((v) => URL.canParse(v), 'Give an absolute URL (https://…).');

export const createEndpointBody = z.object({
  url,
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
  includeInternalNotes: z.boolean().default(false),
});

export const updateEndpointBody = z
  .object({
    url: url.optional(),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).optional(),
    includeInternalNotes: z.boolean().optional(),
    /** true enables a disabled endpoint again (its failure count starts over). */
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'Nothing to change: give at least one of url, events, includeInternalNotes, enabled.',
  });

export const endpointParams = z.object({ endpointId: z.uuid() });
export const deliveryParams = z.object({ endpointId: z.uuid(), deliveryId: z.uuid() });

export const endpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    includeInternalNotes: z.boolean(),
    enabled: z.boolean(),
    disabledForFailures: z
      .boolean()
      .describe('Disabled by Clearline after three days of failed deliveries (its owners were mailed).'),
    createdAt: z.iso.datetime(),
    failingSince: z.iso.datetime().nullable(),
    disabledAt: z.iso.datetime().nullable(),
  })
  .describe('WebhookEndpoint');

export const secretSchema = z
  .object({
    secret: z.string().describe('The signing secret (whsec_…): HMAC-SHA256 key of Clearline-Signature.'),
  })
  .describe('WebhookSecret');

export const attemptSchema = z.object({
  at: z.iso.datetime(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  excerpt: z.string(),
});

export const webhookDeliverySchema = z
  .object({
    id: z.uuid(),
    eventId: z.uuid(),
    type: z.enum(WEBHOOK_EVENTS),
    status: z.enum(['queued', 'sent', 'failed', 'kept', 'bounced']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
    log: z.array(attemptSchema).describe('Its HTTP attempts, newest first.'),
  })
  .describe('WebhookDelivery');
