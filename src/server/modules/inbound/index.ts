export { registerInboundRoutes } from './inbound.routes.js';
export {
  getSettings as getIntakeSettings,
  type InboundMail,
  type IngestOutcome,
  type IntakeSettings,
  ingestInboundMail,
  REPLY_TOKEN_PURPOSE,
  replyAddress,
  resolveRecipient,
} from './inbound.service.js';
export { REPLY_MARKER } from './inbound-parse.js';
export { startInboundSmtp } from './inbound-smtp.js';
