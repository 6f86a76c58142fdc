import { z } from 'zod';
import { defineJob, isLastAttempt } from '../../jobs/queue.js';
import { deliverMail, markMailFailed } from './mail.service.js';

/**
 * Sends one outgoing mail. Temporary SMTP failures are retried with exponential backoff
 * (from 30 s, doubling, with jitter: one to two hours in all); after the last attempt the mail is marked failed.
 */
export const sendMailJob = defineJob({
  name: 'mail.send',
  payload: z.object({ mailId: z.uuid() }),
  retryLimit: 7,
  retryDelaySeconds: 30,
  handle: async (ctx, data, attempt) => {
    const last = isLastAttempt(attempt);
    try {
      await deliverMail(ctx, data.mailId, { isLastAttempt: last });
    } catch (err) {
      if (last) await markMailFailed(ctx, data.mailId, err);
      throw err;
    }
  },
});
