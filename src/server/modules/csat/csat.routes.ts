import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { asLanguage, DEFAULT_LANGUAGE, type Translate } from '../../../shared/i18n/index.js';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { sendHtml } from '../../lib/html.js';
import { type Api, errorResponse, errorResponses, firstProblem, text, typedText } from '../../lib/http.js';
import {
  chooseLanguage,
  languageBody,
  type PageLocale,
  pageLocale,
  setLanguageCookie,
} from '../../lib/language.js';
import { publicForm, publicPage } from '../../rate-limits.js';
import { logoPathOf } from '../accounts/index.js';
import { assertNotStaffOf, assertSameOrigin, authenticate } from '../auth/index.js';
import { getMember } from '../members/index.js';
import { isHoneypotFilled, logHoneypotDiscard, verifyCaptcha } from '../spam/index.js';
import { portalPath, reference, rememberCustomerLanguage, setCustomerLanguage } from '../tickets/index.js';
import type { CsatChannel } from './csat.repo.js';
import {
  followUpBody,
  followUpSchema,
  MAX_COMMENT_LENGTH,
  publicSurveySchema,
  ratingSchema,
  settingsBody,
  settingsSchema,
  staffSurveySchema,
  surveyAnswerBody,
  surveyLinkChannel,
} from './csat.schemas.js';
import * as csat from './csat.service.js';
import { completeFollowUp } from './csat-follow-up.service.js';
import {
  renderSurveyAnswered,
  renderSurveyExpired,
  renderSurveyForm,
  renderSurveyNotFound,
  renderSurveyThanks,
  renderSurveyWithdrawn,
  type SurveyPageData,
} from './survey-page.js';

type SurveyPage = Awaited<ReturnType<typeof csat.getSurveyByToken>>;
const tokenParams = z.object({ token: text().min(1).max(200) });
/** The survey page's form: the API's answer, with the channel in the hidden `via` field. */
const surveyFormBody = surveyAnswerBody.extend({ via: surveyLinkChannel });

const pageData = (
  row: SurveyPage,
  locale: PageLocale = pageLocale(DEFAULT_LANGUAGE, ''),
): SurveyPageData => ({
  locale,
  accountName: row.accountName,
  logoUrl: logoPathOf({ id: row.accountId, hasLogo: row.hasLogo }),
  brandColor: row.brandColor,
  reference: reference(row.projectKey, row.number),
  subject: row.subject,
});

const answerOf = (s: SurveyPage['survey']) =>
  s.submittedAt && s.rating
    ? { rating: s.rating, comment: s.comment, reason: s.reason, submittedAt: s.submittedAt }
    : null;

interface AnswerInput {
  rating: number;
  comment: string | null;
  reason: string | null;
  altcha: string;
  website?: string | undefined;
  channel: CsatChannel;
}

/**
 * Both ways of answering (JSON API and the HTML form) come here. A filled honeypot gets exactly the
 * success a real answer gets, and nothing is written; otherwise the captcha and the answer commit together.
 */
async function answerSurvey(ctx: AppContext, request: FastifyRequest, row: SurveyPage, input: AnswerInput) {
  // Answered or expired surveys say so before any captcha check (a reloaded form shows the answer).
  csat.assertAnswerable(row.survey, ctx.clock.now());
  await assertNotStaffOf(ctx, request, row.accountId);
  if (isHoneypotFilled(input.website)) {
    logHoneypotDiscard(request, 'csat.survey');
    return { rating: input.rating, comment: input.comment, reason: null, submittedAt: ctx.clock.now() };
  }
  const survey = await inTransaction(ctx.db, async (tx) => {
    await verifyCaptcha(tx, ctx.clock, input.altcha);
    return csat.submitSurvey(scopeOf(ctx, tx), row.survey.id, {
      rating: input.rating,
      comment: input.comment,
      reason: input.reason,
      channel: input.channel,
    });
  });
  return {
    rating: input.rating,
    comment: survey.comment,
    reason: survey.reason,
    submittedAt: survey.submittedAt ?? ctx.clock.now(),
  };
}

export function registerCsatRoutes(app: Api, ctx: AppContext) {
  const projectParams = z.object({ projectId: z.uuid() });

  app.get(
    '/api/v1/projects/:projectId/csat/settings',
    {
      schema: {
        tags: ['csat'],
        summary: "The project's CSAT settings (csat.view or csat.manage).",
        params: projectParams,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      return csat.readSettings(ctx.db, member);
    },
  );

  app.put(
    '/api/v1/projects/:projectId/csat/settings',
    {
      schema: {
        tags: ['csat'],
        summary: 'Change the CSAT settings (csat.manage).',
        params: projectParams,
        body: settingsBody,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return inTransaction(ctx.db, async (tx) => {
        const member = await getMember(tx, actor, request.params.projectId);
        return csat.updateSettings(tx, ctx.clock, member, request.body);
      });
    },
  );

  app.post(
    '/api/v1/projects/:projectId/csat/follow-ups/:surveyId',
    {
      schema: {
        tags: ['csat'],
        summary:
          '"Follow-up done" on a low score of the project, with an optional note; recorded once, with who and when (csat.follow_up).',
        description:
          "A low score is an answer at or below the project's threshold when it was given. 404 for a survey that is not a low score of this project; 409 CONFLICT when it was followed up already. The answer itself never changes.",
        params: z.object({ projectId: z.uuid(), surveyId: z.uuid() }),
        body: followUpBody,
        response: { 200: followUpSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return inTransaction(ctx.db, async (tx) => {
        const member = await getMember(tx, actor, request.params.projectId);
        return completeFollowUp(tx, ctx.clock, member, request.params.surveyId, request.body.note);
      });
    },
  );

  app.get(
    '/api/v1/tickets/:ticketId/surveys',
    {
      schema: {
        tags: ['csat'],
        summary: "A ticket's surveys, one per resolution, with state, agent and answer (csat.view).",
        params: z.object({ ticketId: z.uuid() }),
        response: { 200: z.object({ surveys: z.array(staffSurveySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return { surveys: await csat.listTicketSurveys(ctx.db, ctx.clock, actor, request.params.ticketId) };
    },
  );

  app.get(
    '/api/v1/surveys/:token',
    {
      config: publicPage,
      schema: {
        tags: ['surveys'],
        summary: 'A survey by its secret link token: state, ticket, branding and the previous answer.',
        security: [],
        params: tokenParams,
        response: { 200: publicSurveySchema, 404: errorResponse, 410: errorResponse },
      },
    },
    async (request, reply) => {
      const row = await csat.getSurveyByToken(ctx.db, ctx.links, request.params.token);
      const d = pageData(row);
      reply.header('Cache-Control', 'no-store');
      return {
        state: csat.surveyState(row.survey, ctx.clock.now()),
        ticket: { reference: d.reference, subject: d.subject },
        account: { name: d.accountName, logoUrl: d.logoUrl },
        expiresAt: row.survey.expiresAt,
        lowScore: await csat.getLowScoreOptions(ctx.db, row.survey.projectId),
        answer: answerOf(row.survey),
      };
    },
  );

  app.post(
    '/api/v1/surveys/:token',
    {
      config: publicForm,
      schema: {
        tags: ['surveys'],
        summary:
          'Answer a survey: 1–5 stars, an optional comment, on a low score an optional reason, the captcha solution. One answer per survey.',
        security: [],
        params: tokenParams,
        body: surveyAnswerBody.extend({
          channel: surveyLinkChannel.describe('How the customer reached the survey.'),
        }),
        response: {
          200: z.object({ state: z.literal('submitted'), answer: publicSurveySchema.shape.answer.unwrap() }),
          ...errorResponses,
          410: errorResponse,
        },
      },
    },
    async (request) => {
      const row = await csat.getSurveyByToken(ctx.db, ctx.links, request.params.token);
      const { rating, comment, reason, channel, altcha, website } = request.body;
      const answer = await answerSurvey(ctx, request, row, {
        rating,
        comment,
        reason,
        channel,
        altcha,
        website,
      });
      return { state: 'submitted' as const, answer };
    },
  );

  // The survey page: server-rendered, works without signing in; only the submit records an answer.
  app.get(
    '/s/:token',
    {
      config: publicPage,
      schema: {
        hide: true,
        params: tokenParams,
        querystring: z.object({ rating: text().optional(), via: text().optional() }),
      },
    },
    async (request, reply) => {
      const row = await findPage(ctx, request.params.token);
      if (!row || row === 'withdrawn') return sendMissing(request, reply, request.params.token, row);
      const d = pageData(row, await surveyLocale(ctx, request, request.params.token, row, true));
      const state = csat.surveyState(row.survey, ctx.clock.now());
      const answer = answerOf(row.survey);
      if (answer) return sendHtml(reply, 200, renderSurveyAnswered(d, answer));
      if (state === 'expired') return sendHtml(reply, 410, renderSurveyExpired(d));
      const preselected = ratingSchema.safeParse(request.query.rating);
      return sendHtml(
        reply,
        200,
        renderSurveyForm(d, {
          action: `/s/${request.params.token}`,
          rating: preselected.success ? preselected.data : undefined,
          via: request.query.via === 'email' ? 'email' : 'link',
          lowScore: await csat.getLowScoreOptions(ctx.db, row.survey.projectId),
        }),
      );
    },
  );

  app.post(
    '/s/:token',
    { config: publicForm, schema: { hide: true, params: tokenParams } },
    async (request, reply) => {
      const row = await findPage(ctx, request.params.token);
      if (!row || row === 'withdrawn') return sendMissing(request, reply, request.params.token, row);
      const d = pageData(row, await surveyLocale(ctx, request, request.params.token, row, false));
      const parsed = surveyFormBody.safeParse(request.body ?? {});
      const rating = ratingSchema.safeParse(typedText(request.body, 'rating'));
      const comment = typedText(request.body, 'comment');
      const via = typedText(request.body, 'via') === 'email' ? 'email' : 'link';
      const lowScore = await csat.getLowScoreOptions(ctx.db, row.survey.projectId);
      const again = (status: number, error: string) =>
        sendHtml(
          reply,
          status,
          renderSurveyForm(d, {
            action: `/s/${request.params.token}`,
            rating: rating.success ? rating.data : undefined,
            comment,
            reason: typedText(request.body, 'reason'),
            via,
            lowScore,
            error,
          }),
        );
      if (!parsed.success) return again(400, formProblem(d.locale.t, parsed.error, comment));
      try {
        const { via: channel, ...answer } = parsed.data;
        const answered = await answerSurvey(ctx, request, row, { ...answer, channel });
        // The thank-you page links back to the ticket, through its portal link (the requester's own).
        const ticketUrl = portalPath(ctx.links, {
          id: row.ticketId,
          portalTokenVersion: row.portalTokenVersion,
        });
        return sendHtml(reply, 200, renderSurveyThanks(d, answered, ticketUrl));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.code === 'ALREADY_SUBMITTED') {
          const current = await findPage(ctx, request.params.token);
          const previous = current && current !== 'withdrawn' && answerOf(current.survey);
          if (previous) return sendHtml(reply, 409, renderSurveyAnswered(d, previous));
        }
        if (err.code === 'SURVEY_EXPIRED') return sendHtml(reply, 410, renderSurveyExpired(d));
        if (err.code === 'NOT_FOUND') return sendHtml(reply, 404, renderSurveyNotFound(d.locale));
        if (err.code === 'SURVEY_WITHDRAWN') return sendHtml(reply, 410, renderSurveyWithdrawn(d.locale));
        return again(
          err.statusCode,
          err.code.startsWith('CAPTCHA_') ? d.locale.t('survey.error.captcha') : err.message,
        );
      }
    },
  );

  // The switcher (refused from another site): stored on the requester when the link is good, else kept in a cookie.
  app.post(
    '/s/:token/language',
    { config: publicForm, schema: { hide: true, params: tokenParams, body: languageBody } },
    async (request, reply) => {
      assertSameOrigin(request);
      const row = await findPage(ctx, request.params.token);
      const { language } = request.body;
      if (row && row !== 'withdrawn') {
        await inTransaction(ctx.db, (tx) => setCustomerLanguage(tx, row.requesterId, language));
      } else {
        setLanguageCookie(reply, language);
      }
      return reply.redirect(`/s/${encodeURIComponent(request.params.token)}`, 303);
    },
  );
}

/**
 * The survey page's language, the requester's (see chooseLanguage). On first contact (`remember`,
 * the page's GET) the browser's language is stored on the requester.
 */
async function surveyLocale(
  ctx: AppContext,
  request: FastifyRequest,
  token: string,
  row: SurveyPage,
  remember: boolean,
) {
  const { language, learned } = chooseLanguage(
    request,
    row.requesterLanguage,
    asLanguage(row.defaultLanguage),
  );
  if (remember && learned) {
    await inTransaction(ctx.db, (tx) => rememberCustomerLanguage(tx, row.requesterId, learned));
  }
  return pageLocale(language, switchPath(token));
}

/** The survey behind a page's link: its row, 'withdrawn' (the link was good), or null (unknown or forged). */
async function findPage(ctx: AppContext, token: string): Promise<SurveyPage | 'withdrawn' | null> {
  try {
    return await csat.getSurveyByToken(ctx.db, ctx.links, token);
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
    if (err instanceof AppError && err.code === 'SURVEY_WITHDRAWN') return 'withdrawn';
    throw err;
  }
}

/**
 * The form's first problem in the page's language; what no browser sends (a NUL, a non-string) keeps
 * the schema's own message.
 */
function formProblem(t: Translate, error: z.ZodError, comment: string | undefined) {
  const issue = error.issues[0];
  const field = issue?.path[0];
  if (field === 'rating') return t('survey.error.rating');
  if (field === 'comment' && issue?.code === 'too_big') {
    return t('survey.error.comment', { max: MAX_COMMENT_LENGTH, length: comment?.length ?? 0 });
  }
  if (field === 'altcha' && issue?.code !== 'custom') return t('survey.error.captcha');
  return firstProblem(error);
}

const switchPath = (token: string) => `/s/${encodeURIComponent(token)}/language`;

/** Without a survey row no customer is known: the visitor's cookie or browser decides the language. */
function sendMissing(request: FastifyRequest, reply: FastifyReply, token: string, found: 'withdrawn' | null) {
  const { language } = chooseLanguage(request, null, DEFAULT_LANGUAGE);
  const locale = pageLocale(language, switchPath(token));
  return found === 'withdrawn'
    ? sendHtml(reply, 410, renderSurveyWithdrawn(locale))
    : sendHtml(reply, 404, renderSurveyNotFound(locale));
}
