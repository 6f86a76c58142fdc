import { expireSurveysJob } from '../modules/csat/index.js';
import { sendMailJob } from '../modules/mail/index.js';
import { purgeCaptchaUsesJob } from '../modules/spam/index.js';
import { closeScheduledTicketJob } from '../modules/tickets/index.js';
import type { JobDefinition } from './queue.js';

/** Every background job; their queues are created with the migrations. */
export const allJobs = [
  closeScheduledTicketJob,
  expireSurveysJob,
  purgeCaptchaUsesJob,
  sendMailJob,
] satisfies readonly JobDefinition<unknown>[];
