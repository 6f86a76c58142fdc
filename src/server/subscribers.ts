import type { EventBus } from './lib/events.js';
import { onTicketStatusChanged } from './modules/csat/index.js';
import { registerDeliveryChannel } from './modules/delivery/index.js';
import { discordChannel, queueReplyDm, queueSurveyDm, queueSurveyDmEdits } from './modules/discord/index.js';
import {
  mailChannel,
  queueAcknowledgementMail,
  queueDiscordBrokenMail,
  queuePasswordResetMail,
  queuePortalLinkMail,
  queueReplyMail,
  queueSignInMail,
  queueStaffNotificationMail,
  queueSurveyInvitation,
  queueWebhookDisabledMail,
} from './modules/mail/index.js';
import {
  notifyOnLowScoreAnswered,
  notifyOnMessageCreated,
  notifyOnSurveyCreated,
  notifyOnSurveysEnded,
  notifyOnTicketCreated,
  notifyOnTicketReadByRequester,
  notifyOnTicketStatusChanged,
} from './modules/notifications/index.js';
import {
  webhookChannel,
  webhooksOnMessageCreated,
  webhooksOnSurveyCreated,
  webhooksOnSurveysEnded,
  webhooksOnSurveysWithdrawn,
  webhooksOnTicketCreated,
  webhooksOnTicketStatusChanged,
} from './modules/webhooks/index.js';

/**
 * Wires module subscribers to domain events, and the channels into the delivery pipeline; every
 * process (web and worker) calls it once. Subscribers run in the publisher's transaction and get
 * its Scope, so they can enqueue jobs in it.
 */
export function subscribeAll(bus: EventBus): EventBus {
  registerDeliveryChannel(mailChannel);
  registerDeliveryChannel(discordChannel);
  registerDeliveryChannel(webhookChannel);
  bus.subscribe('ticket.status_changed', onTicketStatusChanged);
  bus.subscribe('ticket.status_changed', notifyOnTicketStatusChanged);
  bus.subscribe('csat.survey_created', notifyOnSurveyCreated);
  // A Discord-linked customer gets the invitation by DM; by mail too unless the project sends by DM
  // only, and then by mail only if Discord refuses the DM for good.
  bus.subscribe('csat.survey_created', async (s, event) => {
    if ((await queueSurveyDm(s, event)).mailToo) await queueSurveyInvitation(s, event);
  });
  bus.subscribe('discord.invitation_undeliverable', queueSurveyInvitation);
  bus.subscribe('discord.setup_broken', queueDiscordBrokenMail);
  bus.subscribe('csat.surveys_ended', (s, event) => queueSurveyDmEdits(s, event.surveys, event.reason));
  bus.subscribe('csat.surveys_withdrawn', (s, event) => queueSurveyDmEdits(s, event.surveys, 'withdrawn'));
  bus.subscribe('message.created', queueReplyDm);
  bus.subscribe('csat.surveys_ended', notifyOnSurveysEnded);
  bus.subscribe('csat.low_score_answered', notifyOnLowScoreAnswered);
  bus.subscribe('ticket.created', notifyOnTicketCreated);
  bus.subscribe('ticket.created', queueAcknowledgementMail);
  bus.subscribe('message.created', notifyOnMessageCreated);
  bus.subscribe('message.created', queueReplyMail);
  bus.subscribe('staff_notification.created', queueStaffNotificationMail);
  bus.subscribe('customer.sign_in_link_created', queueSignInMail);
  bus.subscribe('portal.link_send_requested', queuePortalLinkMail);
  bus.subscribe('auth.password_reset_requested', queuePasswordResetMail);
  bus.subscribe('ticket.read_by_requester', notifyOnTicketReadByRequester);
  bus.subscribe('ticket.created', webhooksOnTicketCreated);
  bus.subscribe('ticket.status_changed', webhooksOnTicketStatusChanged);
  bus.subscribe('message.created', webhooksOnMessageCreated);
  bus.subscribe('csat.survey_created', webhooksOnSurveyCreated);
  bus.subscribe('csat.surveys_ended', webhooksOnSurveysEnded);
  bus.subscribe('csat.surveys_withdrawn', webhooksOnSurveysWithdrawn);
  bus.subscribe('webhook.endpoint_disabled', queueWebhookDisabledMail);
  return bus;
}
