import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { asLanguage, DEFAULT_LANGUAGE } from '../../../shared/i18n/index.js';
import type { AppContext } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { sendHtml } from '../../lib/html.js';
import { type Api, errorResponses, text } from '../../lib/http.js';
import { chooseLanguage, languageBody, pageLocale, setLanguageCookie } from '../../lib/language.js';
import { assertSameOrigin, authenticate } from '../auth/index.js';
import {
  discordSettingsBody,
  discordSettingsSchema,
  oauthCallbackQuery,
  projectDeliveryBody,
  projectDeliveryParams,
  requesterDiscordSchema,
  ticketDmSchema,
  ticketParams,
} from './discord.schemas.js';
import * as discord from './discord.service.js';
import { handleInteraction } from './discord-interactions.js';
import { renderLinkRefusal } from './discord-pages.js';

const DISCORD_LANGUAGE_PATH = '/portal/discord/language';

const callbackRateLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };
const PERMISSION = 'The account-wide account.manage permission (the account owner).';

export function registerDiscordRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/v1/discord/settings',
    {
      schema: {
        tags: ['discord'],
        summary: `The account's Discord settings (secrets only as set / last 4 / when), the URLs to paste into Discord's developer portal, and each project's invitation delivery. ${PERMISSION}`,
        response: { 200: discordSettingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return discord.getDiscordSettings(ctx.db, ctx.config, actor);
    },
  );

  app.put(
    '/api/v1/discord/settings',
    {
      schema: {
        tags: ['discord'],
        summary: `Save the Discord application: checked against Discord first (the bot token with GET /users/@me and GET /applications/@me); 422 DISCORD_CHECK_FAILED says exactly what Discord refused, and nothing is saved. ${PERMISSION}`,
        body: discordSettingsBody,
        response: { 200: discordSettingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const checked = await discord.checkDiscordSettings(
        ctx.db,
        ctx.config,
        ctx.secrets,
        actor,
        request.body,
      );
      await inTransaction(ctx.db, (tx) =>
        discord.saveDiscordSettings(tx, ctx.clock, ctx.secrets, actor, { ...request.body, ...checked }),
      );
      return discord.getDiscordSettings(ctx.db, ctx.config, actor);
    },
  );

  app.put(
    '/api/v1/discord/projects/:projectId',
    {
      schema: {
        tags: ['discord'],
        summary: `How this project's Discord-linked customers get survey invitations: dm_only (default; email only when the DM fails for good) or dm_and_email. ${PERMISSION}`,
        params: projectDeliveryParams,
        body: projectDeliveryBody,
        response: { 200: discordSettingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) =>
        discord.setProjectDeliveryMode(tx, actor, request.params.projectId, request.body.delivery),
      );
      return discord.getDiscordSettings(ctx.db, ctx.config, actor);
    },
  );

  app.get(
    '/api/v1/tickets/:ticketId/discord-messages',
    {
      schema: {
        tags: ['discord'],
        summary:
          "A ticket's Discord DMs (survey invitations, reply notices, the edits when a survey ends) and their delivery state, beside its mails (GET /tickets/{ticketId}/mails). Anyone who can see the ticket.",
        params: ticketParams,
        response: { 200: z.object({ messages: z.array(ticketDmSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return { messages: await discord.listTicketDms(ctx.db, actor, request.params.ticketId) };
    },
  );

  app.get(
    '/api/v1/tickets/:ticketId/requester/discord',
    {
      schema: {
        tags: ['discord'],
        summary:
          "Whether the ticket's requester linked a Discord account, and its name. Only the customer links or unlinks, on the portal.",
        params: ticketParams,
        response: { 200: requesterDiscordSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return discord.getRequesterDiscord(ctx.db, actor, request.params.ticketId);
    },
  );

  // The switcher of a link page that knows nobody (the state was not valid): the visitor's cookie.
  app.post(
    DISCORD_LANGUAGE_PATH,
    { config: callbackRateLimit, schema: { hide: true, body: languageBody } },
    async (request, reply) => {
      assertSameOrigin(request);
      setLanguageCookie(reply, request.body.language);
      return reply.redirect('/portal/discord/callback', 303);
    },
  );

  // Discord's OAuth2 redirect back from "Link Discord": the state is the only credential.
  app.get(
    '/portal/discord/callback',
    { config: callbackRateLimit, schema: { hide: true, querystring: oauthCallbackQuery } },
    async (request, reply) => {
      const q = request.query;
      const taken = await inTransaction(ctx.db, (tx) =>
        discord.takeLinkState(tx, ctx.clock, ctx.secrets, q.state),
      );
      const owner = taken && (await discord.findCustomerLocale(ctx.db, taken.accountId, taken.customerId));
      const returnTo = taken ? (taken.returnTo ?? `/portal/${taken.accountId}`) : null;
      // The customer's language, else the visitor's; the switcher stores it where the page they came from does.
      const { language } = chooseLanguage(
        request,
        owner?.language,
        owner ? asLanguage(owner.defaultLanguage) : DEFAULT_LANGUAGE,
      );
      const locale = pageLocale(language, returnTo ? `${returnTo}/language` : DISCORD_LANGUAGE_PATH);
      const refuse = (status: number, reason: discord.LinkRefusal['reason'], detail?: string) =>
        sendHtml(reply, status, renderLinkRefusal(locale, { reason, detail, returnTo }));
      if (!taken || !returnTo) return refuse(400, 'invalid');
      const sameBrowser = request.cookies[discord.DISCORD_STATE_COOKIE] === q.state;
      reply.clearCookie(discord.DISCORD_STATE_COOKIE, { path: '/' });
      if (!sameBrowser) return refuse(400, 'otherBrowser');
      if (taken.expired) return refuse(400, 'expired');
      if (q.error !== undefined) {
        return q.error === 'access_denied'
          ? refuse(200, 'cancelled')
          : refuse(200, 'discordError', q.error_description ?? q.error);
      }
      const app = await discord.getDiscordApp(ctx.db, ctx.secrets, taken.accountId);
      if (!app) return refuse(400, 'notSetUp');
      if (!q.code) return refuse(400, 'noCode');
      const who = await discord.identifyDiscordUser(ctx.config, app, q.code);
      if (!who.ok) return refuse(400, 'unconfirmed', who.reason);
      const { moved } = await inTransaction(ctx.db, (tx) =>
        discord.linkDiscordUser(tx, ctx.clock, {
          accountId: taken.accountId,
          customerId: taken.customerId,
          discordUserId: who.id,
          discordUsername: who.username,
        }),
      );
      return reply.redirect(`${returnTo}?done=${moved ? 'discord_moved' : 'discord_linked'}`, 303);
    },
  );
}

/**
 * Discord's interactions endpoint. The signature covers the raw bytes, so this route (alone, in its
 * own scope) keeps the body as a Buffer; a bad signature is a 401, as Discord's endpoint check expects.
 */
export function registerDiscordInteractionRoute(app: Api, ctx: AppContext) {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/discord/:accountId/interactions',
      {
        schema: {
          tags: ['discord'],
          summary:
            "Discord's interactions endpoint (paste it into the developer portal): verified with the application's public key (Ed25519 over X-Signature-Timestamp + body; 401 otherwise, or older than 5 minutes); PING → PONG; the star buttons open a comment modal whose submit records the answer (channel discord).",
          params: z.object({ accountId: z.uuid() }),
          headers: z.object({
            'x-signature-ed25519': text().max(200).optional(),
            'x-signature-timestamp': text().max(20).optional(),
          }),
          response: { 200: z.object({ type: z.number().int() }).loose(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const answer = await handleInteraction(
          ctx,
          request.params.accountId,
          {
            signature: request.headers['x-signature-ed25519'],
            timestamp: request.headers['x-signature-timestamp'],
          },
          Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        );
        if (!answer) throw new AppError('UNAUTHENTICATED', 'The interaction signature is invalid.');
        return reply.send(answer);
      },
    );
  });
}
