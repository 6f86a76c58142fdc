import { type APIChannel, type APIMessage, ButtonStyle, ComponentType, Routes } from 'discord-api-types/v10';
import { type AppContext, type Scope, scopeOf } from '../../app-context.js';
import { inTransaction, type Queryable } from '../../db/client.js';
import type { DomainEvents } from '../../lib/events.js';
import { findAccountBrand } from '../accounts/index.js';
import { findSurveyInvitation, recordInvitationSent, surveyPath } from '../csat/index.js';
import {
  type DeliveryChannel,
  type DeliveryRow,
  findDeliveriesByCauseKeys,
  queueDelivery,
  type SendResult,
} from '../delivery/index.js';
import { findMessageSummary, findTicketSummary, portalPath, type TicketSummary } from '../tickets/index.js';
import * as repo from './discord.repo.js';
import {
  describeDiscordError,
  getDiscordApp,
  getDiscordDeliveryMode,
  markDiscordSetupBroken,
  markDmUndeliverable,
} from './discord.service.js';
import { discordRest, forgetDiscordClient, isDiscordApiError, isDiscordHttpError } from './discord-rest.js';

/** Discord's codes for "this user cannot get a DM from this bot", for good: never tried again. */
const UNDELIVERABLE = new Set([50007, 50278, 10013]);
/** Discord's code for a channel that does not exist (any more). */
const UNKNOWN_CHANNEL = 10003;
const EXCERPT_LENGTH = 300;

export type DmState = 'answered' | 'expired' | 'withdrawn';
export type DmCause =
  | { kind: 'survey_invitation'; surveyId: string }
  | { kind: 'agent_reply'; messageId: string }
  | { kind: 'survey_closed'; surveyId: string; state: DmState; rating: number | null };

/** The custom ids of the star buttons and of the comment modal: `csat:{surveyId}:{rating}`. */
export const starId = (surveyId: string, rating: number) => `csat:${surveyId}:${rating}`;
export const modalId = (surveyId: string, rating: number) => `csat-modal:${surveyId}:${rating}`;

const causeKeyOf = (c: DmCause) =>
  c.kind === 'agent_reply' ? `discord:agent_reply:${c.messageId}` : `discord:${c.kind}:${c.surveyId}`;

/** The linked customer's Discord user, when a DM may go to them: the account has a working bot, the link is deliverable. */
async function dmRecipient(db: Queryable, accountId: string, customerId: string) {
  const [app, link] = await Promise.all([
    repo.findApp(db, accountId),
    repo.findLink(db, accountId, customerId),
  ]);
  if (!app || app.brokenAt || !link || link.dmUndeliverableAt) return null;
  return link;
}

async function queueDm(s: Scope, ticket: TicketSummary, cause: DmCause): Promise<boolean> {
  const link = await dmRecipient(s.tx, ticket.accountId, ticket.requester.id);
  if (!link) return false;
  const { kind, ...ids } = cause;
  await queueDelivery(s, {
    channel: 'discord',
    kind,
    causeKey: causeKeyOf(cause),
    cause: ids,
    recipient: link.discordUserId,
    accountId: ticket.accountId,
    projectId: ticket.projectId,
    ticketId: ticket.id,
  });
  return true;
}

/**
 * Subscriber of csat.survey_created: a Discord-linked customer gets the invitation as a DM. Says
 * whether the mail invitation is still wanted: not when the project sends by DM only (the mail then
 * goes only if the DM fails for good).
 */
export async function queueSurveyDm(s: Scope, event: DomainEvents['csat.survey_created']) {
  const ticket = await findTicketSummary(s.tx, event.ticketId);
  if (!ticket) return { mailToo: true };
  const queued = await queueDm(s, ticket, { kind: 'survey_invitation', surveyId: event.surveyId });
  return { mailToo: !queued || (await getDiscordDeliveryMode(s.tx, event.projectId)) === 'dm_and_email' };
}

/** Subscriber of message.created: staff's public replies are announced by DM; internal notes never. */
export async function queueReplyDm(s: Scope, event: DomainEvents['message.created']) {
  if (event.kind !== 'public' || event.actor.type !== 'staff') return;
  const ticket = await findTicketSummary(s.tx, event.ticketId);
  if (ticket) await queueDm(s, ticket, { kind: 'agent_reply', messageId: event.messageId });
}

/**
 * When surveys end (answered, expired) or are withdrawn, their invitation DMs are edited: buttons
 * removed, the state written. Only surveys whose DM was sent; the DM's ids are on its delivery,
 * which outlives a withdrawn survey's row.
 */
export async function queueSurveyDmEdits(
  s: Scope,
  surveys: { id: string; rating?: number | null }[],
  state: DmState,
) {
  const invitationKey = (surveyId: string) => causeKeyOf({ kind: 'survey_invitation', surveyId });
  // One look-up for all of them (an expiry sweep ends many), by the invitation DM's cause key.
  const invitations = new Map(
    (
      await findDeliveriesByCauseKeys(
        s.tx,
        'discord',
        surveys.map((x) => invitationKey(x.id)),
      )
    ).map((d) => [d.causeKey, d]),
  );
  for (const survey of surveys) {
    const dm = invitations.get(invitationKey(survey.id));
    if (dm?.status !== 'sent' || !dm.externalId) continue;
    await queueDelivery(s, {
      channel: 'discord',
      kind: 'survey_closed',
      causeKey: `discord:survey_closed:${survey.id}`,
      cause: { surveyId: survey.id, state, rating: survey.rating ?? null },
      recipient: dm.recipient,
      accountId: dm.accountId,
      projectId: dm.projectId,
      ticketId: dm.ticketId,
    });
  }
}

/** What the DM says once its survey is over. */
export function closedDmContent(state: DmState, rating: number | null) {
  switch (state) {
    case 'answered':
      return rating ? `You rated ${rating}★ — thank you!` : 'This survey was answered — thank you!';
    case 'expired':
      return 'This survey has expired: it can no longer be answered.';
    case 'withdrawn':
      return 'This survey was withdrawn because your request was reopened. You will get a new one when it is resolved.';
  }
}

const excerpt = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH - 1)}…` : flat;
};

type Rendered = { body: Record<string, unknown> } | { gone: string };

async function renderDm(ctx: AppContext, delivery: DeliveryRow): Promise<Rendered> {
  const ticket = delivery.ticketId ? await findTicketSummary(ctx.db, delivery.ticketId) : null;
  if (!ticket) return { gone: 'The ticket no longer exists.' };
  const base = ctx.config.publicUrl;
  const cause = { kind: delivery.kind, ...(delivery.cause as object) } as DmCause;
  if (cause.kind === 'survey_closed') {
    return { body: { content: closedDmContent(cause.state, cause.rating), embeds: [], components: [] } };
  }
  const brand = await findAccountBrand(ctx.db, ticket.accountId);
  const author = {
    name: brand?.name ?? 'Support',
    ...(brand?.logoPath && { icon_url: `${base}${brand.logoPath}` }),
  };
  if (cause.kind === 'agent_reply') {
    const message = await findMessageSummary(ctx.db, cause.messageId);
    if (message?.kind !== 'public' || !message.authorUserId) return { gone: 'The reply was deleted.' };
    return {
      body: {
        embeds: [
          {
            author,
            title: `${ticket.reference}: ${ticket.subject}`.slice(0, 256),
            description: `${message.staffName ?? 'Our team'} replied:\n\n${excerpt(message.body)}`,
          },
        ],
        components: [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Link,
                label: 'View the conversation and reply',
                url: `${base}${portalPath(ctx.links, ticket)}`,
              },
            ],
          },
        ],
      },
    };
  }
  const row = await findSurveyInvitation(ctx.db, cause.surveyId);
  if (!row) return { gone: 'The survey was withdrawn (the ticket was reopened).' };
  if (row.survey.submittedAt) return { gone: 'The survey was answered before its invitation went out.' };
  if (row.survey.expiresAt.getTime() <= ctx.clock.now().getTime()) {
    return { gone: 'The survey expired before its invitation went out.' };
  }
  return {
    body: {
      embeds: [
        {
          author,
          title: `${ticket.reference}: ${ticket.subject}`.slice(0, 256),
          description: `${row.invitationText}\n\nYour request was resolved. How satisfied are you with the help you got? Pick 1 to 5 stars; you can add a comment in the next step.`,
        },
      ],
      components: [
        {
          type: ComponentType.ActionRow,
          components: [1, 2, 3, 4, 5].map((n) => ({
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: `${n}★`,
            custom_id: starId(cause.surveyId, n),
          })),
        },
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.Button,
              style: ButtonStyle.Link,
              label: 'Open the survey page',
              url: `${base}${surveyPath(ctx.links, row.survey)}`,
            },
          ],
        },
      ],
    },
  };
}

/**
 * Discord DMs as a delivery channel. @discordjs/rest waits out 429s (route buckets and the global
 * limit) inside the send, so a rate limit is never a failure; 5xx and network errors are retried
 * by the pipeline; Discord's final refusals are never sent again: the customer is marked DM not
 * deliverable (and an invitation falls back to mail, once), a refused bot token stops the account's
 * sends and tells its admins.
 */
export const discordChannel: DeliveryChannel = {
  name: 'discord',
  async send(ctx: AppContext, delivery: DeliveryRow, signal: AbortSignal): Promise<SendResult> {
    const app = await getDiscordApp(ctx.db, ctx.secrets, delivery.accountId);
    if (!app) return { outcome: 'failed', error: 'Not sent: Discord is not set up for this account.' };
    if (app.brokenAt)
      return { outcome: 'failed', error: `Not sent: the Discord setup is broken (${app.brokenReason}).` };
    const rendered = await renderDm(ctx, delivery);
    if ('gone' in rendered) return { outcome: 'failed', error: `Not sent: ${rendered.gone}` };
    const rest = await discordRest(ctx.config.discordApiUrl, app.botToken);
    let cachedChannelId: string | null | undefined;
    try {
      if (delivery.kind === 'survey_closed') {
        const { surveyId } = delivery.cause as { surveyId: string };
        const [dm] = await findDeliveriesByCauseKeys(ctx.db, 'discord', [
          causeKeyOf({ kind: 'survey_invitation', surveyId }),
        ]);
        const [channelId, messageId] = (dm?.externalId ?? '').split('/');
        if (!channelId || !messageId)
          return { outcome: 'failed', error: 'Not sent: the invitation DM is unknown.' };
        await rest.patch(Routes.channelMessage(channelId, messageId), { body: rendered.body, signal });
        return { outcome: 'sent', externalId: `${channelId}/${messageId}` };
      }
      // The DM channel of a user is stable: opened once, then kept on the link (one request a DM, not two).
      cachedChannelId = (await repo.findLinkByDiscordUser(ctx.db, delivery.accountId, delivery.recipient))
        ?.dmChannelId;
      let channelId = cachedChannelId;
      if (!channelId) {
        const channel = (await rest.post(Routes.userChannels(), {
          body: { recipient_id: delivery.recipient },
          signal,
        })) as APIChannel;
        channelId = channel.id;
        await repo.setDmChannel(ctx.db, delivery.accountId, delivery.recipient, channelId);
      }
      const message = (await rest.post(Routes.channelMessages(channelId), {
        body: rendered.body,
        signal,
      })) as APIMessage;
      return { outcome: 'sent', externalId: `${channelId}/${message.id}` };
    } catch (err) {
      const error = describeDiscordError(err, ctx.config.discordApiUrl);
      if (cachedChannelId && isDiscordApiError(err) && Number(err.code) === UNKNOWN_CHANNEL) {
        // The kept channel is gone: the next attempt opens the DM again.
        await repo.setDmChannel(ctx.db, delivery.accountId, delivery.recipient, null);
        return { outcome: 'retry', error };
      }
      if (isDiscordApiError(err) && UNDELIVERABLE.has(Number(err.code))) {
        await inTransaction(ctx.db, (tx) => refusedForGood(ctx, scopeOf(ctx, tx), delivery, error));
        return { outcome: 'failed', error };
      }
      if ((isDiscordApiError(err) || isDiscordHttpError(err)) && err.status === 401) {
        forgetDiscordClient(ctx.config.discordApiUrl, app.botToken);
        await inTransaction(ctx.db, async (tx) => {
          const s = scopeOf(ctx, tx);
          await markDiscordSetupBroken(tx, ctx.clock, delivery.accountId, error);
          await s.bus.publish(s, 'discord.setup_broken', {
            accountId: delivery.accountId,
            reason: error,
            at: ctx.clock.now(),
          });
        });
        return { outcome: 'failed', error };
      }
      if (isDiscordApiError(err) && err.status < 500) return { outcome: 'failed', error };
      return { outcome: 'retry', error };
    }
  },
  async onSent(s: Scope, delivery: DeliveryRow) {
    if (delivery.kind !== 'survey_invitation') return;
    await recordInvitationSent(s, (delivery.cause as { surveyId: string }).surveyId, 'discord');
  },
};

/** The customer cannot get DMs from this bot: none is tried again, and an invitation goes by mail, once. */
async function refusedForGood(ctx: AppContext, s: Scope, delivery: DeliveryRow, reason: string) {
  const ticket = delivery.ticketId ? await findTicketSummary(s.tx, delivery.ticketId) : null;
  if (!ticket) return;
  await markDmUndeliverable(s.tx, ctx.clock, delivery.accountId, ticket.requester.id, reason);
  if (delivery.kind !== 'survey_invitation') return;
  const surveyId = (delivery.cause as { surveyId: string }).surveyId;
  await s.bus.publish(s, 'discord.invitation_undeliverable', {
    surveyId,
    ticketId: ticket.id,
    projectId: ticket.projectId,
    accountId: ticket.accountId,
    at: ctx.clock.now(),
  });
}
