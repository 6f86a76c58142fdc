import { z } from 'zod';
import { defineJob } from '../../jobs/queue.js';
import { attemptDelivery } from './delivery.service.js';

/**
 * One attempt at one delivery. The pipeline schedules its own retries (a new job at the next
 * attempt's time), so the queue never retries a run. Several run at once in each worker process
 * (DELIVERY_CONCURRENCY workers of one job each, so a send that hangs holds up no other).
 */
export const sendDeliveryJob = defineJob({
  name: 'delivery.send',
  /** `attempt` numbers the attempt this job makes (1 for the first), so a stale duplicate does nothing. */
  payload: z.object({ deliveryId: z.uuid(), attempt: z.number().int().min(1) }),
  retryLimit: 0,
  concurrency: (config) => config.deliveryConcurrency,
  handle: (ctx, data) => attemptDelivery(ctx, data.deliveryId, data.attempt),
});
