import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { defineJob } from '../../jobs/queue.js';
import { purgeTrash } from './tickets.service.js';

/** Hourly: deletes for good the tickets that have been in the trash for 30 days (their answers stay). */
export const purgeTrashJob = defineJob({
  name: 'tickets.purge-trash',
  payload: z.object({}),
  cron: '41 * * * *',
  handle: async (ctx) => {
    await inTransaction(ctx.db, (tx) => purgeTrash(tx, ctx.clock.now()));
  },
});
