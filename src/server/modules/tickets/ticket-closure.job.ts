import { z } from 'zod';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { defineJob } from '../../jobs/queue.js';
import { closeScheduledTicket } from './ticket-status.service.js';

/** Closes a ticket whose closure was scheduled, at the scheduled time. */
export const closeScheduledTicketJob = defineJob({
  name: 'tickets.close-scheduled',
  payload: z.object({ ticketId: z.uuid(), closesAt: z.iso.datetime() }),
  retryLimit: 10,
  handle: async (ctx, data) => {
    await inTransaction(ctx.db, (tx) =>
      closeScheduledTicket(scopeOf(ctx, tx), data.ticketId, new Date(data.closesAt)),
    );
  },
});
