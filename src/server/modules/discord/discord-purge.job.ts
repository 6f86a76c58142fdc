import { z } from 'zod';
import { defineJob } from '../../jobs/queue.js';
import * as repo from './discord.repo.js';

/** Hourly: deletes "Link Discord" states that expired unused (the customer never came back). */
export const purgeExpiredDiscordStatesJob = defineJob({
  name: 'discord.purge-expired-states',
  payload: z.object({}),
  cron: '23 * * * *',
  handle: async (ctx) => {
    await repo.deleteExpiredStates(ctx.db, ctx.clock.now());
  },
});
