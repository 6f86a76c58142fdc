import { purgeExpiredSignInsJob } from '../modules/auth/index.js';
import { expireSurveysJob } from '../modules/csat/index.js';
import { requeueDeliveriesJob, sendDeliveryJob } from '../modules/delivery/index.js';
import { purgeExpiredDiscordStatesJob } from '../modules/discord/index.js';
import { purgeExpiredPortalAccessJob } from '../modules/portal/index.js';
import { purgeCaptchaUsesJob } from '../modules/spam/index.js';
import { closeScheduledTicketJob, purgeTrashJob } from '../modules/tickets/index.js';
import type { JobDefinition } from './queue.js';

/** Every background job; their queues are created with the migrations. */
export const allJobs = [
  closeScheduledTicketJob,
  expireSurveysJob,
  purgeCaptchaUsesJob,
  sendDeliveryJob,
  requeueDeliveriesJob,
  purgeExpiredSignInsJob,
  purgeExpiredPortalAccessJob,
  purgeTrashJob,
  purgeExpiredDiscordStatesJob,
] satisfies readonly JobDefinition<unknown>[];
