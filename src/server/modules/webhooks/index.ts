export { registerWebhookRoutes } from './webhooks.routes.js';
export {
  onMessageCreated as webhooksOnMessageCreated,
  onSurveyCreated as webhooksOnSurveyCreated,
  onSurveysEnded as webhooksOnSurveysEnded,
  onSurveysWithdrawn as webhooksOnSurveysWithdrawn,
  onTicketCreated as webhooksOnTicketCreated,
  onTicketStatusChanged as webhooksOnTicketStatusChanged,
  webhookChannel,
} from './webhooks.service.js';
