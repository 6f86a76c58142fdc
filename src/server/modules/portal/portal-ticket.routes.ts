import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../../../shared/tickets.js';
import type { AppContext } from '../../app-context.js';
import { AppError } from '../../lib/errors.js';
import { sendHtml } from '../../lib/html.js';
import { type Api, text, typedText } from '../../lib/http.js';
import { readMultipartFields } from '../../lib/multipart.js';
import { publicForm, publicPage } from '../../rate-limits.js';
import { attachmentStorage, sendAttachment } from '../attachments/index.js';
import { MAX_COMMENT_LENGTH, ratingSchema } from '../csat/index.js';
import { getPortalDiscordState } from '../discord/index.js';
import { portalReplyBody, portalSurveyBody, portalTokenParams } from './portal.schemas.js';
import {
  getCustomerTicket,
  getPortalAttachment,
  getPortalTicketByToken,
  openTicketView,
  type PortalTicket,
} from './portal.service.js';
import {
  answerPortalSurvey,
  closePortalTicket,
  findPortalCustomer,
  linkDiscordFromPortal,
  sendPortalReply,
  unlinkDiscordFromPortal,
} from './portal-actions.js';
import { type LocaleOwner, localeOf, nobody, registerLanguageSwitch } from './portal-language.js';
import {
  noticeOf,
  type PortalLocale,
  problemText,
  refusalText,
  renderPortalNotFound,
  renderTicketPage,
  type TicketPageOptions,
} from './portal-page.js';
import { attachmentLimits } from './request-form-page.js';

/** Where a ticket page is served from and what it links back to. */
interface Target {
  row: PortalTicket;
  base: string;
  homeUrl?: string;
}
type Resolution = { target: Target } | { redirect: string } | null;
type Resolver = (request: FastifyRequest) => Promise<Resolution>;

/** The ticket's requester decides the page's language; the account's zone its times. */
const ownerOf = (row: PortalTicket): LocaleOwner => ({
  customerId: row.ticket.requesterId,
  language: row.requesterLanguage,
  account: { defaultLanguage: row.accountLanguage, timezone: row.accountTimezone },
});

const notFoundAsNull = async <T>(load: () => Promise<T>): Promise<T | null> => {
  try {
    return await load();
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
};

/**
 * The ticket page and its three forms (reply, close, survey) under one base path. The same page is
 * served at `/p/{token}` (the secret link is the only credential) and at
 * `/portal/{accountId}/tickets/{ticketId}` (the portal session is); neither accepts the other's
 * credential, and neither accepts a staff session.
 */
function registerTicketPage(
  app: Api,
  ctx: AppContext,
  path: string,
  params: z.ZodObject,
  baseOf: (request: FastifyRequest) => string,
  resolve: Resolver,
) {
  const storage = attachmentStorage(ctx.config);
  const localeFor = (request: FastifyRequest, target: Target) =>
    localeOf(ctx, request, ownerOf(target.row), `${target.base}/language`);
  const notFound = async (request: FastifyRequest, reply: FastifyReply) =>
    sendHtml(
      reply,
      404,
      renderPortalNotFound(await localeOf(ctx, request, nobody, `${baseOf(request)}/language`)),
    );

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    target: Target,
    options: Partial<TicketPageOptions>,
    known?: PortalLocale,
  ) => {
    const locale = known ?? (await localeFor(request, target));
    const view = await openTicketView(ctx, target.row);
    const discord = await getPortalDiscordState(ctx.db, target.row.accountId, target.row.ticket.requesterId);
    return sendHtml(
      reply,
      status,
      renderTicketPage(view, { base: target.base, homeUrl: target.homeUrl, discord, locale, ...options }),
    );
  };

  /** Resolves the target, or answers (404 page, redirect to sign-in) and returns null. */
  const targetOf = async (request: FastifyRequest, reply: FastifyReply) => {
    const resolution = await resolve(request);
    if (!resolution) {
      await notFound(request, reply);
      return null;
    }
    if ('redirect' in resolution) {
      await reply.redirect(resolution.redirect, 303);
      return null;
    }
    return resolution.target;
  };

  /**
   * After a refusal: the page as it now is, with the refusal (in the page's language) and what was
   * typed. `notFoundKey` says what was missing for this action.
   */
  const refuse = async (
    request: FastifyRequest,
    reply: FastifyReply,
    err: unknown,
    options: (message: string) => Partial<TicketPageOptions>,
    notFoundKey: 'portal.error.noSurvey' | 'portal.error.discordOff' = 'portal.error.noSurvey',
  ) => {
    if (!(err instanceof AppError)) throw err;
    const fresh = await resolve(request);
    if (!fresh || 'redirect' in fresh) return notFound(request, reply);
    const locale = await localeFor(request, fresh.target);
    const { t } = locale;
    const closed = fresh.target.row.ticket.status === 'closed';
    const message = refusalText(t, err, {
      INVALID_TRANSITION: t(closed ? 'portal.error.alreadyClosed' : 'portal.error.closureAsked'),
      NOT_FOUND: t(notFoundKey),
      ATTACHMENT_TOO_LARGE: t('form.error.tooLarge', attachmentLimits(locale.language, storage)),
    });
    return show(request, reply, err.statusCode, fresh.target, options(message), locale);
  };

  /** A refused form's problem, in the page's language. */
  const problemOf = async (
    request: FastifyRequest,
    target: Target,
    error: z.ZodError,
    fields: (locale: PortalLocale) => Record<string, string>,
  ) => {
    const locale = await localeFor(request, target);
    return { locale, text: problemText(locale.t, request.body, error, fields(locale)) };
  };

  app.get(
    path,
    {
      config: publicPage,
      schema: { hide: true, params, querystring: z.object({ done: text().optional() }) },
    },
    async (request, reply) => {
      const target = await targetOf(request, reply);
      if (!target) return reply;
      return show(request, reply, 200, target, {
        notice: noticeOf((request.query as { done?: string }).done),
      });
    },
  );

  app.get(
    `${path}/attachments/:attachmentId`,
    { config: publicPage, schema: { hide: true, params: params.extend({ attachmentId: z.uuid() }) } },
    async (request, reply) => {
      const target = await targetOf(request, reply);
      if (!target) return reply;
      const { attachmentId } = request.params as { attachmentId: string };
      const attachment = await notFoundAsNull(() => getPortalAttachment(ctx.db, target.row, attachmentId));
      if (!attachment) return notFound(request, reply);
      return sendAttachment(reply, ctx.db, attachmentStorage(ctx.config), attachment);
    },
  );

  app.post(
    `${path}/reply`,
    { config: publicForm, schema: { hide: true, params }, preValidation: readMultipartFields },
    async (request, reply) => {
      const target = await targetOf(request, reply);
      if (!target) return reply;
      const parsed = portalReplyBody.safeParse(request.body ?? {});
      const typed = typedText(request.body, 'body');
      if (!parsed.success) {
        const { locale, text } = await problemOf(request, target, parsed.error, ({ t, language }) => ({
          body: t('portal.error.reply', { max: new Intl.NumberFormat(language).format(MAX_MESSAGE_LENGTH) }),
          altcha: t('form.error.captcha'),
        }));
        return show(request, reply, 400, target, { reply: { body: typed, error: text } }, locale);
      }
      try {
        const { body, altcha, website } = parsed.data;
        await sendPortalReply(ctx, request, target.row, { body, altcha, website });
      } catch (err) {
        return refuse(request, reply, err, (error) => ({ reply: { body: typed, error } }));
      }
      return reply.redirect(`${target.base}?done=reply`, 303);
    },
  );

  app.post(
    `${path}/close`,
    { config: publicForm, schema: { hide: true, params } },
    async (request, reply) => {
      const target = await targetOf(request, reply);
      if (!target) return reply;
      let status: string;
      try {
        status = (await closePortalTicket(ctx, request, target.row)).status;
      } catch (err) {
        return refuse(request, reply, err, (error) => ({ error }));
      }
      return reply.redirect(`${target.base}?done=${status === 'closed' ? 'closed' : 'closure'}`, 303);
    },
  );

  app.post(
    `${path}/survey`,
    { config: publicForm, schema: { hide: true, params } },
    async (request, reply) => {
      const target = await targetOf(request, reply);
      if (!target) return reply;
      const parsed = portalSurveyBody.safeParse(request.body ?? {});
      const rating = ratingSchema.safeParse(typedText(request.body, 'rating'));
      const kept = {
        rating: rating.success ? rating.data : undefined,
        comment: typedText(request.body, 'comment'),
        reason: typedText(request.body, 'reason'),
      };
      if (!parsed.success) {
        const { locale, text } = await problemOf(request, target, parsed.error, ({ t }) => ({
          rating: t('survey.error.rating'),
          comment: t('survey.error.comment', { max: MAX_COMMENT_LENGTH, length: kept.comment.length }),
          altcha: t('form.error.captcha'),
        }));
        return show(request, reply, 400, target, { survey: { ...kept, error: text } }, locale);
      }
      try {
        const { rating, comment, reason, altcha, website } = parsed.data;
        await answerPortalSurvey(ctx, request, target.row, { rating, comment, reason, altcha, website });
      } catch (err) {
        const final =
          err instanceof AppError && ['ALREADY_SUBMITTED', 'SURVEY_EXPIRED', 'NOT_FOUND'].includes(err.code);
        return refuse(request, reply, err, (error) => (final ? { error } : { survey: { ...kept, error } }));
      }
      return reply.redirect(`${target.base}?done=survey`, 303);
    },
  );

  const customerOf = (row: PortalTicket) => ({
    accountId: row.accountId,
    customerId: row.ticket.requesterId,
  });

  app.post(
    `${path}/discord/link`,
    { config: publicForm, schema: { hide: true, params } },
    async (request, reply) => {
      const target = await targetOf(request, reply);
      if (!target) return reply;
      let url: string;
      try {
        url = await linkDiscordFromPortal(ctx, request, reply, customerOf(target.row), target.base);
      } catch (err) {
        return refuse(request, reply, err, (error) => ({ error }), 'portal.error.discordOff');
      }
      return reply.redirect(url, 303);
    },
  );

  app.post(
    `${path}/discord/unlink`,
    { config: publicForm, schema: { hide: true, params } },
    async (request, reply) => {
      const target = await targetOf(request, reply);
      if (!target) return reply;
      try {
        await unlinkDiscordFromPortal(ctx, request, customerOf(target.row));
      } catch (err) {
        return refuse(request, reply, err, (error) => ({ error }));
      }
      return reply.redirect(`${target.base}?done=discord_unlinked`, 303);
    },
  );

  registerLanguageSwitch(app, ctx, `${path}/language`, params, async (request) => {
    const resolution = await resolve(request);
    if (!resolution) return { customerId: null, back: baseOf(request) };
    if ('redirect' in resolution) return { customerId: null, back: resolution.redirect };
    return { customerId: resolution.target.row.ticket.requesterId, back: resolution.target.base };
  });
}

export function registerPortalTicketPages(app: Api, ctx: AppContext) {
  const tokenBase = (request: FastifyRequest) =>
    `/p/${encodeURIComponent((request.params as { token: string }).token)}`;
  registerTicketPage(app, ctx, '/p/:token', portalTokenParams, tokenBase, async (request) => {
    const { token } = request.params as { token: string };
    const row = await notFoundAsNull(() => getPortalTicketByToken(ctx.db, ctx.links, token));
    return row ? { target: { row, base: `/p/${token}` } } : null;
  });

  registerTicketPage(
    app,
    ctx,
    '/portal/:accountId/tickets/:ticketId',
    z.object({ accountId: z.uuid(), ticketId: z.uuid() }),
    (request) => {
      const { accountId, ticketId } = request.params as { accountId: string; ticketId: string };
      return `/portal/${accountId}/tickets/${ticketId}`;
    },
    async (request) => {
      const { accountId, ticketId } = request.params as { accountId: string; ticketId: string };
      const customer = await findPortalCustomer(ctx, request, accountId);
      if (!customer) return { redirect: `/portal/${accountId}` };
      const row = await notFoundAsNull(() => getCustomerTicket(ctx.db, customer, ticketId));
      const home = `/portal/${accountId}`;
      return row ? { target: { row, base: `${home}/tickets/${ticketId}`, homeUrl: home } } : null;
    },
  );
}
