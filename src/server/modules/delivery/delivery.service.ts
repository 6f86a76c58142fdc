import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type AppContext, type Scope, scopeOf } from '../../app-context.js';
import { inTransaction, type Queryable } from '../../db/client.js';
import * as repo from './delivery.repo.js';
import { type DeliveryChannel, getDeliveryChannel, type SendResult } from './delivery-channel.js';
import { sendDeliveryJob } from './send-delivery.job.js';

/** Attempts before a delivery is given up: with the backoff below, one to two hours in all. */
export const MAX_DELIVERY_ATTEMPTS = 8;
/** The first retry's wait; each further one doubles, with up to half of it again as jitter. */
export const FIRST_RETRY_SECONDS = 30;
/**
 * How long a claim holds: longer than any one send may take (DELIVERY_TIMEOUT_SECONDS, at most
 * 100 s, leaves time to record the result). When it runs out, the worker is taken for dead and the
 * delivery may be claimed again.
 */
export const LEASE_SECONDS = 120;
/** A queued delivery this far past due and unleased lost its job or its worker: the sweep requeues it. */
export const STRANDED_AFTER_SECONDS = 60;

/** Shown to staff for a failure inside Clearline: the details stay in the job's record and the worker's log. */
export const INTERNAL_ERROR_TEXT = 'Not sent because of an internal error in Clearline.';

export interface NewDelivery {
  channel: repo.DeliveryChannelName;
  kind: string;
  /** Unique per channel: a second delivery for the same cause is not queued. */
  causeKey: string;
  cause: Record<string, unknown>;
  recipient: string;
  accountId: string;
  projectId: string | null;
  ticketId: string | null;
}

/**
 * The send job's priority: what one person is waiting for (a sign-in link, a reply, a webhook, a
 * notice) goes before survey invitations, the one kind queued in bulk (a batch of resolutions
 * queues thousands at once). Workers take the highest priority first, so a backlog of invitations
 * holds such a delivery up by one send at most, whatever the channel.
 */
export const deliveryPriority = (kind: string) => (kind === 'survey_invitation' ? 0 : 1);

/**
 * Queues a delivery in the caller's transaction: the row and its send job commit or roll back with
 * the change that causes them. Null when one exists for this cause already.
 */
export async function queueDelivery(s: Scope, delivery: NewDelivery): Promise<string | null> {
  const now = s.clock.now();
  const id = await repo.insertDeliveryOnce(s.tx, { ...delivery, nextAttemptAt: now, createdAt: now });
  if (id) {
    const priority = deliveryPriority(delivery.kind);
    await s.jobs.enqueue(s.tx, sendDeliveryJob, { deliveryId: id, attempt: 1 }, { priority });
  }
  return id;
}

const addSeconds = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

const retryDelaySeconds = (attempts: number) =>
  FIRST_RETRY_SECONDS * 2 ** (attempts - 1) * (1 + Math.random() / 2);

/**
 * Attempt number `attempt` at a delivery: claim it (a short transaction that sets a lease), send it
 * through its channel outside any transaction, record the result (another short transaction). Does
 * nothing when the delivery is not claimable for that attempt: sent or given up already, attempted
 * since, or leased by a live worker. An internal error is recorded as a retry and thrown, so the
 * job keeps its details.
 */
export async function attemptDelivery(ctx: AppContext, deliveryId: string, attempt: number): Promise<void> {
  const claimedBy = `${hostname()}/${process.pid}/${randomUUID()}`;
  const now = ctx.clock.now();
  const delivery = await inTransaction(ctx.db, (tx) =>
    repo.claimDelivery(tx, deliveryId, {
      attempt,
      claimedBy,
      now,
      leaseUntil: addSeconds(now, LEASE_SECONDS),
    }),
  );
  if (!delivery) return;
  const channel = getDeliveryChannel(delivery.channel);
  const seconds = ctx.config.deliveryTimeoutSeconds;
  const deadline = AbortSignal.timeout(seconds * 1000);
  let result: SendResult;
  let internal: unknown = null;
  try {
    result = await Promise.race([channel.send(ctx, delivery, deadline), whenAborted(deadline)]);
  } catch (err) {
    internal = err;
    result = { outcome: 'retry', error: INTERNAL_ERROR_TEXT };
  }
  // Past the deadline, whatever the channel made of its abort: a retry, before the lease runs out.
  if (deadline.aborted) {
    internal = null;
    result = { outcome: 'retry', error: `Not sent: timed out after ${seconds} s.` };
  }
  // Should this fail (the database away), the lease runs out and the sweep tries again; a mail
  // that went out is then sent twice, with the same Message-ID, so the duplicate is recognisable.
  await inTransaction(ctx.db, (tx) => recordResult(scopeOf(ctx, tx), channel, delivery, claimedBy, result));
  if (internal) throw internal;
}

/** Settles when `signal` aborts: the pipeline stops waiting for a channel that does not. */
const whenAborted = (signal: AbortSignal) =>
  new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

async function recordResult(
  s: Scope,
  channel: DeliveryChannel,
  delivery: repo.DeliveryRow,
  claimedBy: string,
  result: SendResult,
) {
  const now = s.clock.now();
  switch (result.outcome) {
    case 'sent': {
      const recorded = await repo.finishAttempt(s.tx, delivery.id, {
        status: 'sent',
        sentAt: now,
        lastError: null,
        externalId: result.externalId,
      });
      if (recorded) await channel.onSent?.(s, delivery);
      return;
    }
    case 'kept':
      await repo.finishAttempt(s.tx, delivery.id, { status: 'kept' }, claimedBy);
      return;
    case 'failed':
      await repo.finishAttempt(s.tx, delivery.id, { status: 'failed', lastError: result.error }, claimedBy);
      return;
    case 'retry': {
      const window = channel.retryWindow;
      const delay = Math.min(retryDelaySeconds(delivery.attempts), window?.maxDelaySeconds ?? Infinity);
      const nextAttemptAt = addSeconds(now, delay);
      const givenUp = window
        ? nextAttemptAt > addSeconds(delivery.createdAt, window.seconds)
        : delivery.attempts >= MAX_DELIVERY_ATTEMPTS;
      if (givenUp) {
        await repo.finishAttempt(s.tx, delivery.id, { status: 'failed', lastError: result.error }, claimedBy);
        return;
      }
      const recorded = await repo.finishAttempt(
        s.tx,
        delivery.id,
        { lastError: result.error, nextAttemptAt },
        claimedBy,
      );
      if (recorded) {
        await s.jobs.enqueue(
          s.tx,
          sendDeliveryJob,
          { deliveryId: delivery.id, attempt: delivery.attempts + 1 },
          { startAfter: nextAttemptAt, priority: deliveryPriority(delivery.kind) },
        );
      }
      return;
    }
  }
}

/**
 * Crash recovery: a delivery whose worker died (its lease ran out) or whose job was lost is queued
 * again. A duplicate job is harmless: only one claim succeeds.
 */
export async function requeueStrandedDeliveries(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const stranded = await repo.findStrandedDeliveries(
    ctx.db,
    addSeconds(now, -STRANDED_AFTER_SECONDS),
    now,
    500,
  );
  if (!stranded.length) return 0;
  await inTransaction(ctx.db, async (tx) => {
    for (const d of stranded) {
      await ctx.jobs.enqueue(
        tx,
        sendDeliveryJob,
        { deliveryId: d.id, attempt: d.attempts + 1 },
        { priority: deliveryPriority(d.kind) },
      );
    }
  });
  return stranded.length;
}

/** A ticket's deliveries on one channel, oldest first: its delivery log. */
export function listTicketDeliveries(db: Queryable, ticketId: string, channel: repo.DeliveryChannelName) {
  return repo.listTicketDeliveries(db, ticketId, channel);
}

/** The deliveries of these cause keys on one channel, in no particular order. */
export const findDeliveriesByCauseKeys = (
  db: Queryable,
  channel: repo.DeliveryChannelName,
  causeKeys: string[],
) => repo.findDeliveriesByCauseKeys(db, channel, causeKeys);

/** The deliveries of one kind and cause (e.g. every invitation mail of a survey), oldest first. */
export function listDeliveriesByCause(
  db: Queryable,
  f: { channel: repo.DeliveryChannelName; kind: string; cause: Record<string, unknown> },
) {
  return repo.listDeliveriesByCause(db, f);
}

/** One of the account's deliveries, or null. */
export const findAccountDelivery = (db: Queryable, accountId: string, deliveryId: string) =>
  repo.findAccountDelivery(db, accountId, deliveryId);

/** The newest deliveries to one recipient on a channel (a webhook endpoint's log). */
export const listRecipientDeliveries = (
  db: Queryable,
  f: { accountId: string; channel: repo.DeliveryChannelName; recipient: string; limit: number },
) => repo.listRecipientDeliveries(db, f);

/** A page of the account's deliveries for the outbox (see repo.listAccountDeliveries). */
export function listAccountDeliveries(db: Queryable, f: Parameters<typeof repo.listAccountDeliveries>[1]) {
  return repo.listAccountDeliveries(db, f);
}

/** The delivery a Message-ID of ours names (its id), for threading replies and matching bounces. */
export const findDeliveryById = (db: Queryable, deliveryId: string) => repo.findDelivery(db, deliveryId);

/** Marks a sent delivery of this account bounced; false when there is none (or it was not sent). */
export const markDeliveryBounced = (s: Scope, accountId: string, deliveryId: string, error: string) =>
  repo.markBounced(s.tx, deliveryId, accountId, error.slice(0, 500));
