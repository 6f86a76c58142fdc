export { registerCsatRoutes } from './csat.routes.js';
export { onTicketStatusChanged, submitSurvey, surveyPath } from './csat.service.js';
export { expireSurveysJob } from './csat-expiry.job.js';
