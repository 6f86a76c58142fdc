import type { AppContext, Scope } from '../../app-context.js';
import type { DeliveryChannelName, DeliveryRow } from './delivery.repo.js';

/** How one attempt ended, as the channel classifies the other side's answer. */
export type SendResult =
  /** Accepted by the other side; `externalId` is what it knows the message by (mail: the Message-ID). */
  | { outcome: 'sent'; externalId: string | null }
  /** The channel is not configured (mail without SMTP_URL): kept for the outbox page. */
  | { outcome: 'kept' }
  /** Worth another attempt later (timeouts, refused connections, 4xx, rate limits). */
  | { outcome: 'retry'; error: string }
  /** Never worth another attempt (refused for good, or what it was about is gone). */
  | { outcome: 'failed'; error: string };

/**
 * A way out of the process: mail today, Discord DMs and webhooks next. The pipeline claims a
 * delivery, calls `send` outside any transaction, and records the result; a channel never claims,
 * retries or writes delivery rows itself. `error` texts are shown to staff: the other side's answer
 * (an SMTP reply, an HTTP status), never SQL, parameters or stacks.
 */
export interface DeliveryChannel {
  name: DeliveryChannelName;
  /**
   * Renders the delivery from its cause and sends it. Throwing counts as an internal error. When
   * `signal` aborts (the send's deadline, well inside the lease), the channel must stop and close
   * its connection: the pipeline has recorded a retry and stopped waiting for it.
   */
  send(ctx: AppContext, delivery: DeliveryRow, signal: AbortSignal): Promise<SendResult>;
  /** Runs in the transaction that records the delivery as sent (CSAT's invitation_sent, say). */
  onSent?(s: Scope, delivery: DeliveryRow): Promise<void>;
  /**
   * Retries for this long after the delivery was queued, waits capped at `maxDelaySeconds`, instead
   * of the pipeline's MAX_DELIVERY_ATTEMPTS (webhooks: 24 hours).
   */
  retryWindow?: { seconds: number; maxDelaySeconds: number };
}

const channels = new Map<DeliveryChannelName, DeliveryChannel>();

/** Called once per process by the wiring (subscribers.ts); registering again replaces. */
export function registerDeliveryChannel(channel: DeliveryChannel): void {
  channels.set(channel.name, channel);
}

export function getDeliveryChannel(name: DeliveryChannelName): DeliveryChannel {
  const channel = channels.get(name);
  if (!channel) throw new Error(`No delivery channel "${name}" is registered.`);
  return channel;
}
