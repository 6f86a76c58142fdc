export { registerNotificationRoutes } from './notifications.routes.js';
export {
  findStaffNotification,
  onMessageCreated as notifyOnMessageCreated,
  onTicketCreated as notifyOnTicketCreated,
  onTicketStatusChanged as notifyOnTicketStatusChanged,
} from './notifications.service.js';
