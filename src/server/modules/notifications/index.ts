export { registerNotificationRoutes } from './notifications.routes.js';
export {
  findStaffNotification,
  onLowScoreAnswered as notifyOnLowScoreAnswered,
  onMessageCreated as notifyOnMessageCreated,
  onSurveyCreated as notifyOnSurveyCreated,
  onSurveysEnded as notifyOnSurveysEnded,
  onTicketCreated as notifyOnTicketCreated,
  onTicketReadByRequester as notifyOnTicketReadByRequester,
  onTicketStatusChanged as notifyOnTicketStatusChanged,
} from './notifications.service.js';
