import { z } from 'zod';
import { defineJob } from '../../jobs/queue.js';
import { requeueStrandedDeliveries } from './delivery.service.js';

/** Every minute: deliveries whose worker died mid-send or whose job was lost are queued again. */
export const requeueDeliveriesJob = defineJob({
  name: 'delivery.requeue',
  payload: z.object({}),
  cron: '* * * * *',
  handle: async (ctx) => {
    await requeueStrandedDeliveries(ctx);
  },
});
