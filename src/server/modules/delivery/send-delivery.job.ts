import { z } from 'zod';
import { defineJob } from '../../jobs/queue.js';
import { attemptDelivery } from './delivery.service.js';

/** Deliveries one worker fetches in one query: a send that hangs holds up only its worker's next fetch. */
const BATCH = 4;

/**
 * One attempt at one delivery. The pipeline schedules its own retries (a new job at the next
 * attempt's time), so the queue never retries a run. DELIVERY_CONCURRENCY run at once in each
 * worker process (rounded up to whole batches): one fetch and one completion per batch.
 */
export const sendDeliveryJob = defineJob({
  name: 'delivery.send',
  /** `attempt` numbers the attempt this job makes (1 for the first), so a stale duplicate does nothing. */
  payload: z.object({ deliveryId: z.uuid(), attempt: z.number().int().min(1) }),
  retryLimit: 0,
  concurrency: (config) => Math.ceil(config.deliveryConcurrency / BATCH),
  batchSize: (config) => Math.min(BATCH, config.deliveryConcurrency),
  handle: (ctx, data) => attemptDelivery(ctx, data.deliveryId, data.attempt),
});
