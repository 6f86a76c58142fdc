import { z } from 'zod';
import { defineJob } from '../../jobs/queue.js';
import { purgeExpiredCaptchaUses } from './spam.service.js';

/** Hourly: forgets used captcha challenges once they have expired (a replay is refused as expired then). */
export const purgeCaptchaUsesJob = defineJob({
  name: 'spam.purge-captcha-uses',
  payload: z.object({}),
  cron: '23 * * * *',
  handle: async (ctx) => {
    await purgeExpiredCaptchaUses(ctx.db, ctx.clock);
  },
});
