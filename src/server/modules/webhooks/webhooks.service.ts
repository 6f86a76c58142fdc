import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type AppContext, type Scope, scopeOf } from '../../app-context.js';
import { inTransaction, type Queryable } from '../../db/client.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { DomainEvents, EventActor } from '../../lib/events.js';
import type { StaffActor } from '../auth/index.js';
import {
  type DeliveryChannel,
  type DeliveryRow,
  findAccountDelivery,
  listRecipientDeliveries,
  queueDelivery,
  type SendResult,
} from '../delivery/index.js';
import { getAccountMember, requireAccountPermission } from '../members/index.js';
import { findMessageSummary, findTicketSummary } from '../tickets/index.js';
import { postJson, signatureHeader } from './webhook-send.js';
import * as repo from './webhooks.repo.js';
import {
  type createEndpointBody,
  type updateEndpointBody,
  type WebhookCause,
  type WebhookEventType,
  webhookCauseSchema,
} from './webhooks.schemas.js';

/** A delivery is retried for a day; an endpoint failing for three is disabled. */
export const RETRY_WINDOW_SECONDS = 24 * 3600;
export const DISABLE_AFTER_SECONDS = 3 * 24 * 3600;

const secretContext = (endpointId: string) => `webhook.secret:${endpointId}`;

async function requireAdmin(db: Queryable, actor: StaffActor) {
  requireAccountPermission(await getAccountMember(db, actor), 'account.manage');
}

/** Clearline disabled it (three days of failures), rather than someone in the settings. */
const isDisabledForFailures = (e: Pick<repo.EndpointRow, 'failingSince' | 'disabledAt'>) =>
  e.disabledAt !== null &&
  e.failingSince !== null &&
  e.disabledAt.getTime() - e.failingSince.getTime() >= DISABLE_AFTER_SECONDS * 1000;

export function presentEndpoint(e: repo.EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    events: e.events as WebhookEventType[],
    includeInternalNotes: e.includeInternalNotes,
    enabled: e.disabledAt === null,
    disabledForFailures: isDisabledForFailures(e),
    createdAt: e.createdAt.toISOString(),
    failingSince: e.failingSince?.toISOString() ?? null,
    disabledAt: e.disabledAt?.toISOString() ?? null,
  };
}

/** https only (http with WEBHOOKS_ALLOW_HTTP); no credentials in the URL, they would show in the log. */
function checkUrl(ctx: AppContext, raw: string): string {
  const url = new URL(raw);
  const refuse = (message: string) =>
    new AppError('VALIDATION_ERROR', message, [{ field: 'url', in: 'body', message }]);
  const allowed = ctx.config.webhooksAllowHttp ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(url.protocol)) throw refuse(`The URL must start with ${allowed.join('// or ')}//.`);
  if (url.username || url.password) throw refuse('Put no user name or password in the URL.');
  return url.toString();
}

async function findOwnEndpoint(db: Queryable, actor: StaffActor, endpointId: string) {
  const endpoint = await repo.findEndpoint(db, actor.accountId, endpointId);
  if (!endpoint) throw notFound('Webhook endpoint');
  return endpoint;
}

export async function listEndpoints(db: Queryable, actor: StaffActor) {
  await requireAdmin(db, actor);
  return (await repo.listEndpoints(db, actor.accountId)).map(presentEndpoint);
}

export async function getEndpoint(db: Queryable, actor: StaffActor, endpointId: string) {
  await requireAdmin(db, actor);
  return presentEndpoint(await findOwnEndpoint(db, actor, endpointId));
}

/** The new endpoint and its signing secret (retrievable again by the account owner: getSecret). */
export async function createEndpoint(
  ctx: AppContext,
  s: Scope,
  actor: StaffActor,
  body: z.infer<typeof createEndpointBody>,
) {
  await requireAdmin(s.tx, actor);
  const id = randomUUID();
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const endpoint = await repo.insertEndpoint(s.tx, {
    id,
    accountId: actor.accountId,
    url: checkUrl(ctx, body.url),
    events: [...new Set(body.events)],
    includeInternalNotes: body.includeInternalNotes,
    secretSealed: ctx.secrets.seal(secret, secretContext(id)),
    createdAt: s.clock.now(),
  });
  return { ...presentEndpoint(endpoint), secret };
}

export async function getSecret(ctx: AppContext, actor: StaffActor, endpointId: string) {
  await requireAdmin(ctx.db, actor);
  const endpoint = await findOwnEndpoint(ctx.db, actor, endpointId);
  const secret = ctx.secrets.open(endpoint.secretSealed, secretContext(endpoint.id));
  if (secret === null)
    throw new Error(`The signing secret of webhook endpoint ${endpoint.id} does not open.`);
  return secret;
}

export async function updateEndpoint(
  ctx: AppContext,
  s: Scope,
  actor: StaffActor,
  endpointId: string,
  body: z.infer<typeof updateEndpointBody>,
) {
  await requireAdmin(s.tx, actor);
  await findOwnEndpoint(s.tx, actor, endpointId);
  const updated = await repo.updateEndpoint(s.tx, actor.accountId, endpointId, {
    ...(body.url === undefined ? {} : { url: checkUrl(ctx, body.url) }),
    ...(body.events === undefined ? {} : { events: [...new Set(body.events)] }),
    ...(body.includeInternalNotes === undefined ? {} : { includeInternalNotes: body.includeInternalNotes }),
    ...(body.enabled === undefined
      ? {}
      : body.enabled
        ? { disabledAt: null, failingSince: null }
        : { disabledAt: s.clock.now() }),
  });
  return presentEndpoint(updated as repo.EndpointRow);
}

export async function deleteEndpoint(s: Scope, actor: StaffActor, endpointId: string) {
  await requireAdmin(s.tx, actor);
  if (!(await repo.deleteEndpoint(s.tx, actor.accountId, endpointId))) throw notFound('Webhook endpoint');
}

/** The endpoint's 50 newest deliveries, each with its HTTP attempts. */
export async function listEndpointDeliveries(db: Queryable, actor: StaffActor, endpointId: string) {
  await requireAdmin(db, actor);
  await findOwnEndpoint(db, actor, endpointId);
  const rows = await listRecipientDeliveries(db, {
    accountId: actor.accountId,
    channel: 'webhook',
    recipient: endpointId,
    limit: 50,
  });
  const attempts = await repo.listAttempts(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((d) => {
    const cause = webhookCauseSchema.parse(d.cause);
    return {
      id: d.id,
      eventId: cause.eventId,
      type: cause.type,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      sentAt: d.sentAt?.toISOString() ?? null,
      log: attempts
        .filter((a) => a.deliveryId === d.id)
        .map((a) => ({
          at: a.at.toISOString(),
          statusCode: a.statusCode,
          durationMs: a.durationMs,
          excerpt: a.excerpt,
        })),
    };
  });
}

/** "Send again": a new delivery of the same event, with the same event id, to the same endpoint. */
export async function resendDelivery(s: Scope, actor: StaffActor, endpointId: string, deliveryId: string) {
  await requireAdmin(s.tx, actor);
  const endpoint = await findOwnEndpoint(s.tx, actor, endpointId);
  const delivery = await findAccountDelivery(s.tx, actor.accountId, deliveryId);
  if (delivery?.channel !== 'webhook' || delivery.recipient !== endpointId) {
    throw notFound('Webhook delivery');
  }
  if (endpoint.disabledAt) throw new AppError('CONFLICT', 'The endpoint is disabled: enable it first.');
  const cause = webhookCauseSchema.parse(delivery.cause);
  const id = await queueDelivery(s, {
    channel: 'webhook',
    kind: cause.type,
    causeKey: `webhook:${cause.eventId}:${endpointId}:again:${randomUUID()}`,
    cause,
    recipient: endpointId,
    accountId: actor.accountId,
    projectId: delivery.projectId,
    ticketId: delivery.ticketId,
  });
  return id as string;
}

// --- Events → deliveries -------------------------------------------------------------------------

const actorData = (actor: EventActor) =>
  actor.type === 'staff'
    ? { type: 'staff', user_id: actor.userId }
    : actor.type === 'requester'
      ? { type: 'requester', customer_id: actor.customerId }
      : { type: 'system' };

/**
 * One delivery per subscribed endpoint, queued in the change's transaction; the event id is the
 * same for every endpoint and every retry, so receivers can drop duplicates. The data is read only
 * when an endpoint wants the event: most changes have none, and pay for one look-up.
 */
async function queueEvent(
  s: Scope,
  e: {
    accountId: string;
    projectId: string | null;
    ticketId: string | null;
    type: WebhookEventType;
    at: Date;
    data: () => Promise<Record<string, unknown>>;
    internal?: boolean;
  },
) {
  const endpoints = (await repo.listSubscribedEndpoints(s.tx, e.accountId, e.type)).filter(
    (endpoint) => !e.internal || endpoint.includeInternalNotes,
  );
  if (!endpoints.length) return;
  const eventId = randomUUID();
  const data = await e.data();
  for (const endpoint of endpoints) {
    const cause: WebhookCause = {
      eventId,
      endpointId: endpoint.id,
      type: e.type,
      occurredAt: e.at.toISOString(),
      data,
    };
    await queueDelivery(s, {
      channel: 'webhook',
      kind: e.type,
      causeKey: `webhook:${eventId}:${endpoint.id}`,
      cause,
      recipient: endpoint.id,
      accountId: e.accountId,
      projectId: e.projectId,
      ticketId: e.ticketId,
    });
  }
}

async function ticketData(s: Scope, ticketId: string) {
  const t = await findTicketSummary(s.tx, ticketId);
  return (
    t && {
      id: t.id,
      project_id: t.projectId,
      reference: t.reference,
      subject: t.subject,
      requester: { name: t.requester.name, email: t.requester.email },
    }
  );
}

export async function onTicketCreated(s: Scope, event: DomainEvents['ticket.created']) {
  await queueEvent(s, {
    ...event,
    ticketId: event.ticketId,
    type: 'ticket.created',
    data: async () => ({ ticket: await ticketData(s, event.ticketId), actor: actorData(event.actor) }),
  });
}

export async function onTicketStatusChanged(s: Scope, event: DomainEvents['ticket.status_changed']) {
  await queueEvent(s, {
    ...event,
    type: 'ticket.status_changed',
    data: async () => ({
      ticket: await ticketData(s, event.ticketId),
      from: event.from,
      to: event.to,
      actor: actorData(event.actor),
    }),
  });
}

export async function onMessageCreated(s: Scope, event: DomainEvents['message.created']) {
  await queueEvent(s, {
    ...event,
    type: 'message.created',
    internal: event.kind === 'internal',
    data: async () => {
      const message = await findMessageSummary(s.tx, event.messageId);
      return {
        ticket: await ticketData(s, event.ticketId),
        message: message && {
          id: message.id,
          kind: message.kind,
          body: message.body,
          author_name: message.staffName ?? message.requesterName,
        },
        actor: actorData(event.actor),
      };
    },
  });
}

const surveyData = (s: { id: string; ticketId: string | null; projectId: string }) => ({
  id: s.id,
  ticket_id: s.ticketId,
  project_id: s.projectId,
});

export async function onSurveyCreated(s: Scope, event: DomainEvents['csat.survey_created']) {
  await queueEvent(s, {
    ...event,
    type: 'csat.survey_created',
    data: async () => ({ survey: surveyData({ ...event, id: event.surveyId }) }),
  });
}

export async function onSurveysEnded(s: Scope, event: DomainEvents['csat.surveys_ended']) {
  for (const survey of event.surveys) {
    await queueEvent(s, {
      ...survey,
      at: event.at,
      type: event.reason === 'answered' ? 'csat.survey_answered' : 'csat.survey_expired',
      data: async () => ({
        survey:
          event.reason === 'answered'
            ? { ...surveyData(survey), rating: survey.rating, comment: survey.comment }
            : surveyData(survey),
      }),
    });
  }
}

export async function onSurveysWithdrawn(s: Scope, event: DomainEvents['csat.surveys_withdrawn']) {
  for (const survey of event.surveys) {
    await queueEvent(s, {
      ...survey,
      at: event.at,
      type: 'csat.survey_withdrawn',
      data: async () => ({ survey: surveyData(survey) }),
    });
  }
}

// --- The channel ---------------------------------------------------------------------------------

/** The POSTed body: the event, its id stable across retries and "send again". */
export const eventBody = (delivery: DeliveryRow, cause: WebhookCause) =>
  JSON.stringify({
    id: cause.eventId,
    type: cause.type,
    occurred_at: cause.occurredAt,
    account: { id: delivery.accountId },
    data: cause.data,
  });

async function sendWebhook(ctx: AppContext, delivery: DeliveryRow, signal: AbortSignal): Promise<SendResult> {
  const cause = webhookCauseSchema.parse(delivery.cause);
  const endpoint = await repo.findEndpointById(ctx.db, cause.endpointId);
  if (!endpoint) return { outcome: 'failed', error: 'The endpoint was deleted.' };
  if (endpoint.disabledAt) return { outcome: 'failed', error: 'The endpoint is disabled.' };
  const secret = ctx.secrets.open(endpoint.secretSealed, secretContext(endpoint.id));
  if (secret === null)
    throw new Error(`The signing secret of webhook endpoint ${endpoint.id} does not open.`);
  const body = eventBody(delivery, cause);
  const started = performance.now();
  const outcome = await postJson(
    endpoint.url,
    body,
    {
      'user-agent': 'Clearline-Webhooks/1',
      'clearline-event-id': cause.eventId,
      'clearline-signature': signatureHeader(secret, body, ctx.clock.now()),
    },
    { allowPrivate: ctx.config.webhooksAllowPrivate, signal },
  );
  const durationMs = Math.round(performance.now() - started);
  const result = classify(outcome, signal);
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    await repo.insertAttempt(tx, {
      accountId: delivery.accountId,
      endpointId: endpoint.id,
      deliveryId: delivery.id,
      at: now,
      statusCode: outcome.kind === 'answered' ? outcome.statusCode : null,
      durationMs,
      excerpt: signal.aborted ? 'Timed out.' : outcome.excerpt,
    });
    if (result.outcome === 'sent') return repo.markEndpointHealthy(tx, endpoint.id);
    const disabled = await repo.markEndpointFailing(
      tx,
      endpoint.id,
      now,
      new Date(now.getTime() - DISABLE_AFTER_SECONDS * 1000),
    );
    if (disabled?.failingSince) {
      const s = scopeOf(ctx, tx);
      await s.bus.publish(s, 'webhook.endpoint_disabled', {
        accountId: disabled.accountId,
        endpointId: disabled.id,
        url: disabled.url,
        failingSince: disabled.failingSince,
        at: now,
      });
    }
  });
  return result;
}

/** 2xx sent; 429, 5xx, timeouts and connection errors retried; a refused address and other answers failed. */
function classify(outcome: Awaited<ReturnType<typeof postJson>>, signal: AbortSignal): SendResult {
  if (signal.aborted) return { outcome: 'retry', error: 'Timed out.' };
  if (outcome.kind === 'refused') return { outcome: 'failed', error: outcome.excerpt };
  if (outcome.kind === 'error') return { outcome: 'retry', error: outcome.excerpt };
  const { statusCode } = outcome;
  if (statusCode >= 200 && statusCode < 300) return { outcome: 'sent', externalId: null };
  const error = `HTTP ${statusCode}`;
  if (statusCode === 429 || statusCode >= 500) return { outcome: 'retry', error };
  return { outcome: 'failed', error };
}

export const webhookChannel: DeliveryChannel = {
  name: 'webhook',
  send: sendWebhook,
  retryWindow: { seconds: RETRY_WINDOW_SECONDS, maxDelaySeconds: 3600 },
};
