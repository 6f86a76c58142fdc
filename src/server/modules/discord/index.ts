export { registerDiscordInteractionRoute, registerDiscordRoutes } from './discord.routes.js';
export {
  type DeliveryMode,
  DISCORD_STATE_COOKIE,
  describeDiscordError,
  findCustomerIdByDiscordUser,
  getDiscordApp,
  getDiscordDeliveryMode,
  getDiscordLink,
  getPortalDiscordState,
  interactionsUrlOf,
  markDiscordSetupBroken,
  markDmUndeliverable,
  type PortalDiscordState,
  startDiscordLink,
  unlinkDiscord,
} from './discord.service.js';
export { discordChannel, queueReplyDm, queueSurveyDm, queueSurveyDmEdits } from './discord-dm.js';
export { purgeExpiredDiscordStatesJob } from './discord-purge.job.js';
export { discordRest } from './discord-rest.js';
