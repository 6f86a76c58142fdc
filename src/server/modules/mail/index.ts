export { registerMailRoutes } from './mail.routes.js';
export type { MailCause } from './mail.schemas.js';
export { hasSurveyInvitationFailed, queueMail, queueSurveyInvitation } from './mail.service.js';
export { mailChannel } from './mail-channel.js';
