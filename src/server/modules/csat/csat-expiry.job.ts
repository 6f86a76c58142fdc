import { z } from 'zod';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { defineJob } from '../../jobs/queue.js';
import { expireDueSurveys } from './csat.service.js';

/** Every minute: marks overdue surveys expired, which clears their bell items (submission never waits for it). */
export const expireSurveysJob = defineJob({
  name: 'csat.expire-surveys',
  payload: z.object({}).passthrough(),
  cron: '* * * * *',
  handle: async (ctx) => {
    while ((await inTransaction(ctx.db, (tx) => expireDueSurveys(scopeOf(ctx, tx)))) > 0) {
      // Batches of 500 until none is due.
    }
  },
});
