import { closeScheduledTicketJob } from '../modules/tickets/index.js';
import type { JobDefinition } from './queue.js';

/** Every background job; their queues are created with the migrations. */
export const allJobs = [closeScheduledTicketJob] satisfies readonly JobDefinition<unknown>[];
