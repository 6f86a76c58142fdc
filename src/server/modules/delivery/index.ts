export type { DeliveryChannelName, DeliveryRow, DeliveryStatus } from './delivery.repo.js';
export {
  findAccountDelivery,
  findDeliveriesByCauseKeys,
  findDeliveryById,
  listAccountDeliveries,
  listDeliveriesByCause,
  listRecipientDeliveries,
  listTicketDeliveries,
  markDeliveryBounced,
  type NewDelivery,
  queueDelivery,
} from './delivery.service.js';
export {
  type DeliveryChannel,
  registerDeliveryChannel,
  type SendResult,
} from './delivery-channel.js';
export { requeueDeliveriesJob } from './requeue-deliveries.job.js';
export { sendDeliveryJob } from './send-delivery.job.js';
