import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEFAULT_LANGUAGE, translator } from '../../../shared/i18n/index.js';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { sendHtml } from '../../lib/html.js';
import { type Api, errorResponse, setSessionCookie, text, typedText } from '../../lib/http.js';
import { accountParams, signInRequestBody } from './portal.schemas.js';
import { findPortalCustomer, PORTAL_COOKIE } from './portal-actions.js';
import {
  type AccountBrand,
  checkSignInLink,
  endCustomerSession,
  getAccountBrand,
  requestSignInLink,
  signInWithLink,
} from './portal-customer.service.js';
import { homeLocale } from './portal-home.routes.js';
import { renderPortalMissing, renderSignInConfirm, renderSignInPage } from './portal-home-page.js';
import { localeOf, nobody, registerLanguageSwitch } from './portal-language.js';
import { problemText } from './portal-page.js';

/** What the API answers, like the page (in English: an API client has no language). */
const SIGN_IN_SENT = translator(DEFAULT_LANGUAGE)('portal.signIn.sent');

/** Per client: a person asks for a link or two; a script probing addresses hits this at once. */
const signInRateLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };
const linkParams = z.object({ accountId: z.uuid(), token: text().min(1).max(200) });

/**
 * Asks for a link and answers the same whether the address is known or not; the link itself only
 * exists for a known customer, and reaches them by mail.
 */
async function askForLink(ctx: AppContext, accountId: string, email: string) {
  await inTransaction(ctx.db, (tx) => requestSignInLink(scopeOf(ctx, tx), accountId, email));
}

async function brandOrNull(ctx: AppContext, accountId: string): Promise<AccountBrand | null> {
  try {
    return await getAccountBrand(ctx.db, accountId);
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

export function registerPortalSignInRoutes(app: Api, ctx: AppContext) {
  const linkPath = (request: FastifyRequest) => {
    const { accountId, token } = request.params as { accountId: string; token: string };
    return `/portal/${accountId}/sign-in/${encodeURIComponent(token)}`;
  };
  /** Nobody is signed in yet: the visitor's choice or browser, else the account's default. */
  const linkLocale = (request: FastifyRequest, account: AccountBrand | null) =>
    localeOf(ctx, request, account ? { ...nobody, account } : nobody, `${linkPath(request)}/language`);

  registerLanguageSwitch(
    app,
    ctx,
    '/portal/:accountId/sign-in/:token/language',
    linkParams,
    async (request) => {
      const { accountId } = request.params as { accountId: string };
      const customer = await findPortalCustomer(ctx, request, accountId);
      return { customerId: customer?.id ?? null, back: linkPath(request) };
    },
  );

  app.post(
    '/api/v1/portal/accounts/:accountId/sign-in',
    {
      config: signInRateLimit,
      schema: {
        tags: ['portal'],
        summary:
          'Ask for a single-use sign-in link (valid 15 minutes) by mail. The answer is the same whether the address is known or not.',
        security: [],
        params: accountParams,
        body: signInRequestBody,
        response: {
          202: z.object({ message: z.string() }),
          400: errorResponse,
          404: errorResponse,
          429: errorResponse,
        },
      },
    },
    async (request, reply) => {
      await getAccountBrand(ctx.db, request.params.accountId);
      await askForLink(ctx, request.params.accountId, request.body.email);
      return reply.status(202).send({ message: SIGN_IN_SENT });
    },
  );

  app.post(
    '/portal/:accountId/sign-in',
    { config: signInRateLimit, schema: { hide: true, params: accountParams } },
    async (request, reply) => {
      const account = await brandOrNull(ctx, request.params.accountId);
      const locale = await homeLocale(ctx, request, account, null);
      if (!account) return sendHtml(reply, 404, renderPortalMissing(locale));
      const typed = typedText(request.body, 'email').trim();
      const parsed = signInRequestBody.safeParse(request.body ?? {});
      if (!parsed.success) {
        const error = problemText(locale.t, request.body, parsed.error, {
          email: locale.t('form.error.email'),
        });
        return sendHtml(reply, 400, renderSignInPage(account, locale, { email: typed, error }));
      }
      await askForLink(ctx, account.id, parsed.data.email);
      return sendHtml(reply, 200, renderSignInPage(account, locale, { email: typed, sent: true }));
    },
  );

  app.get(
    '/portal/:accountId/sign-in/:token',
    { config: signInRateLimit, schema: { hide: true, params: linkParams } },
    async (request, reply) => {
      const { accountId, token } = request.params;
      const account = await brandOrNull(ctx, accountId);
      const locale = await linkLocale(request, account);
      if (!account) return sendHtml(reply, 404, renderPortalMissing(locale));
      const state = await checkSignInLink(ctx.db, ctx.links, ctx.clock, accountId, token);
      const status = state === 'valid' ? 200 : state === 'invalid' ? 404 : 410;
      return sendHtml(reply, status, renderSignInConfirm(account, locale, linkPath(request), state));
    },
  );

  app.post(
    '/portal/:accountId/sign-in/:token',
    { config: signInRateLimit, schema: { hide: true, params: linkParams } },
    async (request, reply) => {
      const { accountId, token } = request.params;
      const account = await brandOrNull(ctx, accountId);
      if (!account) return sendHtml(reply, 404, renderPortalMissing(await linkLocale(request, null)));
      let session: { token: string; expiresAt: Date };
      try {
        session = await inTransaction(ctx.db, (tx) =>
          signInWithLink(tx, ctx.links, ctx.clock, { accountId, token, sessionDays: ctx.config.sessionDays }),
        );
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'UNAUTHENTICATED') throw err;
        const state = await checkSignInLink(ctx.db, ctx.links, ctx.clock, accountId, token);
        const locale = await linkLocale(request, account);
        return sendHtml(
          reply,
          401,
          renderSignInConfirm(account, locale, linkPath(request), state === 'valid' ? 'used' : state),
        );
      }
      setSessionCookie(reply, request, PORTAL_COOKIE, session);
      return reply.redirect(`/portal/${accountId}`, 303);
    },
  );

  app.post(
    '/portal/:accountId/sign-out',
    { config: signInRateLimit, schema: { hide: true, params: accountParams } },
    async (request: FastifyRequest<{ Params: { accountId: string } }>, reply) => {
      const secret = request.cookies[PORTAL_COOKIE];
      if (secret) await inTransaction(ctx.db, (tx) => endCustomerSession(tx, secret));
      reply.clearCookie(PORTAL_COOKIE, { path: '/' });
      return reply.redirect(`/portal/${request.params.accountId}`, 303);
    },
  );
}
