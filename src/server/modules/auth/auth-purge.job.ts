import { z } from 'zod';
import { defineJob } from '../../jobs/queue.js';
import { purgeExpiredSignIns } from './auth.service.js';

/** Hourly: deletes ended staff sessions and old sign-in attempts (expired ones are refused anyway). */
export const purgeExpiredSignInsJob = defineJob({
  name: 'auth.purge-expired',
  payload: z.object({}),
  cron: '17 * * * *',
  handle: async (ctx) => {
    await purgeExpiredSignIns(ctx.db, ctx.clock);
  },
});
