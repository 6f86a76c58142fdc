import { z } from 'zod';
import { defineJob } from '../../jobs/queue.js';
import * as repo from './portal.repo.js';

/**
 * Hourly: deletes ended customer sessions and sign-in links expired for a day (the day keeps the
 * "at most 3 links per 15 minutes" count honest; expired links are refused anyway).
 */
export const purgeExpiredPortalAccessJob = defineJob({
  name: 'portal.purge-expired',
  payload: z.object({}),
  cron: '19 * * * *',
  handle: async (ctx) => {
    const now = ctx.clock.now();
    await repo.deleteExpiredPortalAccess(ctx.db, now, new Date(now.getTime() - 86_400_000));
  },
});
