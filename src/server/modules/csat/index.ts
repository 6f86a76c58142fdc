export { registerCsatRoutes } from './csat.routes.js';
export { lowScoreSchema, MAX_COMMENT_LENGTH, ratingSchema, surveyAnswerBody } from './csat.schemas.js';
export {
  getLowScoreOptions,
  getPendingSurvey,
  onTicketStatusChanged,
  submitSurvey,
  surveyPath,
} from './csat.service.js';
export { expireSurveysJob } from './csat-expiry.job.js';
export { findSurveyInvitation, recordInvitationSent } from './csat-invitation.service.js';
export { renderSurveyFormFields } from './survey-page.js';
