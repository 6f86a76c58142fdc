import { purgeExpiredSignInsJob } from '../modules/auth/index.js';
import { expireSurveysJob } from '../modules/csat/index.js';
import { sendMailJob } from '../modules/mail/index.js';
import { purgeExpiredPortalAccessJob } from '../modules/portal/index.js';
import { purgeCaptchaUsesJob } from '../modules/spam/index.js';
import { closeScheduledTicketJob } from '../modules/tickets/index.js';
import type { JobDefinition } from './queue.js';

/** Every background job; their queues are created with the migrations. */
export const allJobs = [
  closeScheduledTicketJob,
  expireSurveysJob,
  purgeCaptchaUsesJob,
  sendMailJob,
  purgeExpiredSignInsJob,
  purgeExpiredPortalAccessJob,
] satisfies readonly JobDefinition<unknown>[];
