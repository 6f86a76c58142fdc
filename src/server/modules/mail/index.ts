export { registerMailRoutes } from './mail.routes.js';
export type { MailCause } from './mail.schemas.js';
export { queueMail, queueSurveyInvitation } from './mail.service.js';
export { sendMailJob } from './send-mail.job.js';
