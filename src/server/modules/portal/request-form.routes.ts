import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEFAULT_LANGUAGE, type Language, type Translate, translator } from '../../../shared/i18n/index.js';
import { MAX_MESSAGE_LENGTH } from '../../../shared/tickets.js';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { sendHtml } from '../../lib/html.js';
import {
  type Api,
  errorResponse,
  errorResponses,
  firstProblem,
  NUL_MESSAGE,
  typedText,
} from '../../lib/http.js';
import { chooseLanguage, languageBody, setLanguageCookie } from '../../lib/language.js';
import { readMultipartFields, type UploadedFile, uploadedFiles } from '../../lib/multipart.js';
import { createKeyedRateLimit, publicForm, publicPage } from '../../rate-limits.js';
import { attachmentStorage, spoolUploads } from '../attachments/index.js';
import { assertSameOrigin } from '../auth/index.js';
import { getIntakeSettings } from '../inbound/index.js';
import { isHoneypotFilled, logHoneypotDiscard, verifyCaptcha } from '../spam/index.js';
import { rememberCustomerLanguage, setCustomerLanguage } from '../tickets/index.js';
import {
  accountParams,
  MAX_SUBJECT_LENGTH,
  requestApiBody,
  requestFormBody,
  requestFormQuery,
} from './portal.schemas.js';
import { findPortalCustomer } from './portal-actions.js';
import { type AccountBrand, getAccountBrand, type PortalCustomer } from './portal-customer.service.js';
import { getFormProject, type RequestInput, submitRequest } from './request-form.service.js';
import {
  attachmentLimits,
  formPath,
  formSwitchPath,
  type RequestFormPage,
  renderFormNotFound,
  renderRequestForm,
  renderRequestSent,
} from './request-form-page.js';

/** Per client address, HTML form and API together: a person sends a request or two; a script stops soon. */
const PER_CLIENT = { name: 'request-form-client', max: 10, timeWindow: '10 minutes' };
/** Per email address, whatever the client: nobody floods one inbox with acknowledgements. */
const PER_EMAIL = { name: 'request-form-email', max: 5, timeWindow: '1 hour' };

/** What the API answers, like the page: the ticket and its link reach only the address's owner. */
const REQUEST_RECEIVED = translator(DEFAULT_LANGUAGE)('form.thanksText');

interface LoadedForm extends RequestFormPage {
  customer?: PortalCustomer | undefined;
  /** A language learned from this request, to keep on a signed-in customer who has none. */
  learned: Language | null;
}

const isNotFound = (err: unknown) => err instanceof AppError && err.code === 'NOT_FOUND';

/** The account, the project, who is signed in and the page's language; null when there is no such form. */
async function loadForm(
  ctx: AppContext,
  request: FastifyRequest,
  accountId: string,
  projectId: string | undefined,
): Promise<LoadedForm | null> {
  let account: AccountBrand;
  let project: { id: string; name: string };
  try {
    account = await getAccountBrand(ctx.db, accountId);
    project = await getFormProject(ctx.db, accountId, projectId);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  const customer = (await findPortalCustomer(ctx, request, account.id)) ?? undefined;
  const { language, learned } = chooseLanguage(request, customer?.language, account.defaultLanguage);
  return { account, project, customer, language, learned };
}

function sendFormMissing(request: FastifyRequest, reply: FastifyReply, accountId: string) {
  const { language } = chooseLanguage(request, null, DEFAULT_LANGUAGE);
  return sendHtml(reply, 404, renderFormNotFound(language, formSwitchPath(accountId, undefined)));
}

/** The first problem of a refused form in the page's language; what no browser sends keeps the schema's words. */
function formProblem(t: Translate, language: Language, error: z.ZodError) {
  const issue = error.issues[0];
  const max = (n: number) => ({ max: new Intl.NumberFormat(language).format(n) });
  if (issue?.message === NUL_MESSAGE) return firstProblem(error);
  switch (issue?.path[0]) {
    case 'name':
      return t('form.error.name');
    case 'email':
      return t('form.error.email');
    case 'subject':
      return t('form.error.subject', max(MAX_SUBJECT_LENGTH));
    case 'body':
      return t('form.error.message', max(MAX_MESSAGE_LENGTH));
    case 'altcha':
      return t('form.error.captcha');
    default:
      return firstProblem(error);
  }
}

const emailKey = (email: string) => createHash('sha256').update(email.toLowerCase()).digest('hex');

export function registerRequestFormRoutes(app: Api, ctx: AppContext) {
  const storage = attachmentStorage(ctx.config);
  const tooLargeText = (t: Translate, language: Language) =>
    t('form.error.tooLarge', attachmentLimits(language, storage));
  const countClient = createKeyedRateLimit(app, PER_CLIENT);
  const countEmail = createKeyedRateLimit(app, PER_EMAIL);

  /**
   * The one way a request is filed, from the page or the API. A signed-in customer writes as
   * themselves (their record's name and address). The client's count comes first; a filled
   * honeypot is answered as a success and writes nothing; the files are spooled before the
   * transaction (it holds the project's next ticket number, which must not wait on an upload); the
   * captcha is spent, and the address counted, in the transaction that files the ticket, so a
   * refusal leaves nothing behind and an unsolved captcha never uses up someone's address.
   */
  async function fileRequest(
    request: FastifyRequest,
    form: LoadedForm,
    input: RequestInput & { altcha: string; website?: string | undefined },
    files: AsyncIterable<UploadedFile>,
  ) {
    await countClient(request, request.ip);
    if (isHoneypotFilled(input.website)) {
      logHoneypotDiscard(request, 'portal.request_form');
      return;
    }
    const who = form.customer ?? input;
    const spooled = await spoolUploads(files, storage);
    try {
      await inTransaction(ctx.db, async (tx) => {
        await verifyCaptcha(tx, ctx.clock, input.altcha);
        await countEmail(request, emailKey(who.email));
        await submitRequest(
          scopeOf(ctx, tx),
          { accountId: form.account.id, projectId: form.project.id },
          { name: who.name, email: who.email, subject: input.subject, body: input.body },
          { storage, uploads: spooled.uploads() },
          form.language,
        );
      });
    } finally {
      await spooled.cleanup();
    }
  }

  app.get(
    '/portal/:accountId/new',
    { config: publicPage, schema: { hide: true, params: accountParams, querystring: requestFormQuery } },
    async (request, reply) => {
      const { accountId } = request.params;
      const form = await loadForm(ctx, request, accountId, request.query.project);
      if (!form) return sendFormMissing(request, reply, accountId);
      if (form.customer && form.learned) {
        const { learned, customer } = form;
        await inTransaction(ctx.db, (tx) => rememberCustomerLanguage(tx, customer.id, learned));
      }
      if (request.query.sent !== undefined) {
        const { acknowledge } = await getIntakeSettings(ctx.db, form.project.id);
        return sendHtml(reply, 200, renderRequestSent(form, acknowledge));
      }
      return sendHtml(reply, 200, renderRequestForm(form, {}, storage));
    },
  );

  app.post(
    '/portal/:accountId/new',
    {
      config: publicForm,
      schema: { hide: true, params: accountParams, querystring: requestFormQuery },
      preValidation: readMultipartFields,
    },
    async (request, reply) => {
      const { accountId } = request.params;
      const form = await loadForm(ctx, request, accountId, request.query.project);
      if (!form) return sendFormMissing(request, reply, accountId);
      const t = translator(form.language);
      const typed = {
        name: typedText(request.body, 'name'),
        email: typedText(request.body, 'email'),
        subject: typedText(request.body, 'subject'),
        body: typedText(request.body, 'body'),
      };
      const again = (status: number, error: string) =>
        sendHtml(reply, status, renderRequestForm(form, { ...typed, error }, storage));
      const parsed = requestFormBody.safeParse(request.body ?? {});
      if (!parsed.success) return again(400, formProblem(t, form.language, parsed.error));
      try {
        await fileRequest(request, form, parsed.data, uploadedFiles(request));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.code.startsWith('CAPTCHA_')) return again(err.statusCode, t('form.error.captcha'));
        if (err.code === 'RATE_LIMITED') return again(err.statusCode, t('form.error.rateLimited'));
        if (err.code === 'ATTACHMENT_TOO_LARGE') return again(err.statusCode, tooLargeText(t, form.language));
        return again(err.statusCode, err.message);
      }
      // Real and discarded requests land on the same page.
      return reply.redirect(`${formPath(accountId, form.project.id)}&sent=1`, 303);
    },
  );

  // The switcher (refused from another site): kept on a signed-in customer, else in a cookie.
  app.post(
    '/portal/:accountId/new/language',
    {
      config: publicForm,
      schema: { hide: true, params: accountParams, querystring: requestFormQuery, body: languageBody },
    },
    async (request, reply) => {
      assertSameOrigin(request);
      const { accountId } = request.params;
      const { project } = request.query;
      const customer = await findPortalCustomer(ctx, request, accountId);
      if (customer) {
        await inTransaction(ctx.db, (tx) => setCustomerLanguage(tx, customer.id, request.body.language));
      } else {
        setLanguageCookie(reply, request.body.language);
      }
      const back = project ? formPath(accountId, project) : `/portal/${accountId}/new`;
      return reply.redirect(back, 303);
    },
  );

  app.post(
    '/api/v1/portal/accounts/:accountId/requests',
    {
      config: publicForm,
      schema: {
        tags: ['portal'],
        summary:
          "Send a request as the public form does: it becomes a ticket of the customer with this address, who gets a mail with its link. The answer never names the ticket. With a portal session the customer's own name and address are used. Rate limited per client address and per email address (RATE_LIMITED).",
        consumes: ['application/json', 'multipart/form-data'],
        description:
          'JSON, or multipart/form-data with the same fields first and then the files (at most 20; ATTACHMENT_MAX_BYTES each, ATTACHMENT_MESSAGE_MAX_BYTES in all, else 413 ATTACHMENT_TOO_LARGE and nothing is kept).',
        security: [],
        params: accountParams,
        body: requestApiBody,
        response: { 202: z.object({ message: z.string() }), ...errorResponses, 413: errorResponse },
      },
      preValidation: readMultipartFields,
    },
    async (request, reply) => {
      const form = await loadForm(ctx, request, request.params.accountId, request.body.projectId);
      if (!form) throw new AppError('NOT_FOUND', 'Form not found.');
      await fileRequest(request, form, request.body, uploadedFiles(request));
      return reply.status(202).send({ message: REQUEST_RECEIVED });
    },
  );
}
