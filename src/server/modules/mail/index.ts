export { registerMailRoutes } from './mail.routes.js';
export type { MailCause } from './mail.schemas.js';
export {
  hasSurveyInvitationFailed,
  queueAcknowledgementMail,
  queueDiscordBrokenMail,
  queueMail,
  queuePasswordResetMail,
  queuePortalLinkMail,
  queueReplyMail,
  queueSignInMail,
  queueStaffNotificationMail,
  queueSurveyInvitation,
  queueWebhookDisabledMail,
} from './mail.service.js';
export { mailChannel } from './mail-channel.js';
