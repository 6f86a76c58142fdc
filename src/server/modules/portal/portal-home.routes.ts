import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../../../shared/tickets.js';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { sendHtml } from '../../lib/html.js';
import { type Api, errorResponses, text, typedText } from '../../lib/http.js';
import { publicForm, publicPage } from '../../rate-limits.js';
import { getPortalDiscordState } from '../discord/index.js';
import { isHoneypotFilled, logHoneypotDiscard, verifyCaptcha } from '../spam/index.js';
import {
  accountParams,
  MAX_SUBJECT_LENGTH,
  newPortalTicketBody,
  portalHomeSchema,
} from './portal.schemas.js';
import { findPortalCustomer, linkDiscordFromPortal, unlinkDiscordFromPortal } from './portal-actions.js';
import {
  type AccountBrand,
  getAccountBrand,
  getPortalHome,
  openPortalTicket,
  type PortalCustomer,
} from './portal-customer.service.js';
import {
  type NewTicketForm,
  renderHomePage,
  renderPortalMissing,
  renderSignInPage,
} from './portal-home-page.js';
import { localeOf, nobody, registerLanguageSwitch } from './portal-language.js';
import { noticeOf, problemText, refusalText } from './portal-page.js';
import { findFormProject } from './request-form.service.js';
import { formPath } from './request-form-page.js';

/** The one way a customer opens a ticket: honeypot first (answered as a success), captcha spent in the write. */
async function createTicket(
  ctx: AppContext,
  request: FastifyRequest,
  customer: PortalCustomer,
  input: {
    projectId: string;
    subject: string;
    body: string;
    altcha?: string | undefined;
    website?: string | undefined;
  },
) {
  if (isHoneypotFilled(input.website)) {
    logHoneypotDiscard(request, 'portal.new_ticket');
    return { id: randomUUID() };
  }
  const ticket = await inTransaction(ctx.db, async (tx) => {
    await verifyCaptcha(tx, ctx.clock, input.altcha);
    return openPortalTicket(scopeOf(ctx, tx), customer, input);
  });
  return { id: ticket.id };
}

/** The portal home's language: the signed-in customer's, else the visitor's (sign-in page). */
export const homeLocale = (
  ctx: AppContext,
  request: FastifyRequest,
  account: AccountBrand | null,
  customer: PortalCustomer | null,
) =>
  localeOf(
    ctx,
    request,
    account ? { customerId: customer?.id ?? null, language: customer?.language ?? null, account } : nobody,
    `/portal/${(request.params as { accountId: string }).accountId}/language`,
  );

const signedInCustomer = async (ctx: AppContext, request: FastifyRequest, accountId: string) => {
  const customer = await findPortalCustomer(ctx, request, accountId);
  if (!customer) throw new AppError('UNAUTHENTICATED', 'Sign in to the portal with the link we mail you.');
  return customer;
};

export function registerPortalHomeRoutes(app: Api, ctx: AppContext) {
  const brandOf = async (accountId: string): Promise<AccountBrand | null> => {
    try {
      return await getAccountBrand(ctx.db, accountId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  };

  app.get(
    '/portal/:accountId',
    {
      config: publicPage,
      schema: { hide: true, params: accountParams, querystring: z.object({ done: text().optional() }) },
    },
    async (request, reply) => {
      const account = await brandOf(request.params.accountId);
      if (!account)
        return sendHtml(reply, 404, renderPortalMissing(await homeLocale(ctx, request, null, null)));
      const customer = await findPortalCustomer(ctx, request, account.id);
      const locale = await homeLocale(ctx, request, account, customer);
      if (!customer) {
        const project = await findFormProject(ctx.db, account.id);
        const requestFormUrl = project && formPath(account.id, project.id);
        return sendHtml(reply, 200, renderSignInPage(account, locale, { requestFormUrl }));
      }
      const [home, discord] = await Promise.all([
        getPortalHome(ctx.db, ctx.clock, customer),
        getPortalDiscordState(ctx.db, account.id, customer.id),
      ]);
      return sendHtml(
        reply,
        200,
        renderHomePage(account, locale, home, { notice: noticeOf(request.query.done), discord }),
      );
    },
  );

  app.post(
    '/portal/:accountId/discord/link',
    { config: publicForm, schema: { hide: true, params: accountParams } },
    async (request, reply) => {
      const home = `/portal/${request.params.accountId}`;
      const customer = await findPortalCustomer(ctx, request, request.params.accountId);
      if (!customer) return reply.redirect(home, 303);
      const who = { accountId: customer.accountId, customerId: customer.id };
      return reply.redirect(await linkDiscordFromPortal(ctx, request, reply, who, home), 303);
    },
  );

  app.post(
    '/portal/:accountId/discord/unlink',
    { config: publicForm, schema: { hide: true, params: accountParams } },
    async (request, reply) => {
      const home = `/portal/${request.params.accountId}`;
      const customer = await findPortalCustomer(ctx, request, request.params.accountId);
      if (!customer) return reply.redirect(home, 303);
      await unlinkDiscordFromPortal(ctx, request, { accountId: customer.accountId, customerId: customer.id });
      return reply.redirect(`${home}?done=discord_unlinked`, 303);
    },
  );

  app.post(
    '/portal/:accountId/tickets',
    { config: publicForm, schema: { hide: true, params: accountParams } },
    async (request, reply) => {
      const account = await brandOf(request.params.accountId);
      if (!account)
        return sendHtml(reply, 404, renderPortalMissing(await homeLocale(ctx, request, null, null)));
      const customer = await findPortalCustomer(ctx, request, account.id);
      if (!customer) return reply.redirect(`/portal/${account.id}`, 303);
      const locale = await homeLocale(ctx, request, account, customer);
      const { t, language } = locale;
      const count = (n: number) => new Intl.NumberFormat(language).format(n);
      const typed: NewTicketForm = {
        projectId: typedText(request.body, 'projectId'),
        subject: typedText(request.body, 'subject'),
        body: typedText(request.body, 'body'),
      };
      const again = async (status: number, error: string) =>
        sendHtml(
          reply,
          status,
          renderHomePage(account, locale, await getPortalHome(ctx.db, ctx.clock, customer), {
            newTicket: { ...typed, error },
          }),
        );
      const parsed = newPortalTicketBody.safeParse(request.body ?? {});
      if (!parsed.success) {
        return again(
          400,
          problemText(t, request.body, parsed.error, {
            projectId: t('portal.error.project'),
            subject: t('form.error.subject', { max: count(MAX_SUBJECT_LENGTH) }),
            body: t('form.error.message', { max: count(MAX_MESSAGE_LENGTH) }),
            altcha: t('form.error.captcha'),
          }),
        );
      }
      try {
        await createTicket(ctx, request, customer, parsed.data);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return again(err.statusCode, refusalText(t, err, { VALIDATION_ERROR: t('portal.error.project') }));
      }
      // Real and discarded submissions land on the same page.
      return reply.redirect(`/portal/${account.id}?done=created`, 303);
    },
  );

  registerLanguageSwitch(app, ctx, '/portal/:accountId/language', accountParams, async (request) => {
    const { accountId } = request.params as { accountId: string };
    const customer = await findPortalCustomer(ctx, request, accountId);
    return { customerId: customer?.id ?? null, back: `/portal/${accountId}` };
  });

  app.get(
    '/api/v1/portal/accounts/:accountId/home',
    {
      config: publicPage,
      schema: {
        tags: ['portal'],
        summary:
          "The signed-in customer's tickets across the account's projects, with unread markers and the bells (portal session cookie).",
        security: [{ portalSession: [] }],
        params: accountParams,
        response: { 200: portalHomeSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const customer = await signedInCustomer(ctx, request, request.params.accountId);
      reply.header('Cache-Control', 'no-store');
      return getPortalHome(ctx.db, ctx.clock, customer);
    },
  );

  app.post(
    '/api/v1/portal/accounts/:accountId/tickets',
    {
      config: publicForm,
      schema: {
        tags: ['portal'],
        summary: 'Open a ticket as the signed-in customer (subject, Markdown message, captcha).',
        security: [{ portalSession: [] }],
        params: accountParams,
        body: newPortalTicketBody,
        response: { 201: z.object({ id: z.uuid(), url: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      const customer = await signedInCustomer(ctx, request, accountId);
      const { id } = await createTicket(ctx, request, customer, request.body);
      return reply.status(201).send({ id, url: `/portal/${accountId}/tickets/${id}` });
    },
  );
}
