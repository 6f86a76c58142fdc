import { z } from 'zod';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { type Api, errorResponse, errorResponses } from '../../lib/http.js';
import { readMultipartFields } from '../../lib/multipart.js';
import { publicForm, publicPage } from '../../rate-limits.js';
import { attachmentStorage, sendAttachment } from '../attachments/index.js';
import { authenticate } from '../auth/index.js';
import { resetPortalLink } from '../tickets/index.js';
import {
  portalReplyBody,
  portalReplyResponse,
  portalSurveyBody,
  portalSurveyResponse,
  portalTicketSchema,
  portalTokenParams,
} from './portal.schemas.js';
import {
  getPortalAttachment,
  getPortalTicketByToken,
  openTicketView,
  sendPortalLink,
} from './portal.service.js';
import { answerPortalSurvey, closePortalTicket, sendPortalReply } from './portal-actions.js';

/** The JSON face of the ticket page: what `/p/{token}` shows and does, for API clients. */
export function registerPortalApiRoutes(app: Api, ctx: AppContext) {
  const byToken = (token: string) => getPortalTicketByToken(ctx.db, ctx.links, token);
  const viewOf = async (token: string) => {
    const row = await byToken(token);
    return openTicketView(ctx, row);
  };

  app.get(
    '/api/v1/portal/:token',
    {
      config: publicPage,
      schema: {
        tags: ['portal'],
        summary:
          'A ticket by its secret portal link: branding, status, public thread (never internal notes), pending survey. Reads its reply notifications.',
        security: [],
        params: portalTokenParams,
        response: { 200: portalTicketSchema, 404: errorResponse, 429: errorResponse },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return viewOf(request.params.token);
    },
  );

  app.post(
    '/api/v1/portal/:token/messages',
    {
      config: publicForm,
      schema: {
        tags: ['portal'],
        summary:
          'Reply as the requester (Markdown, captcha). Reopens a pending or resolved ticket; a closed one refuses with TICKET_CLOSED.',
        description:
          'JSON, or multipart/form-data with the same fields first and then the files (at most 20; ATTACHMENT_TOO_LARGE past the size limits).',
        consumes: ['application/json', 'multipart/form-data'],
        security: [],
        params: portalTokenParams,
        body: portalReplyBody,
        response: { 201: portalReplyResponse, ...errorResponses, 413: errorResponse },
      },
      preValidation: readMultipartFields,
    },
    async (request, reply) => {
      const row = await byToken(request.params.token);
      const { body, altcha, website } = request.body;
      return reply.status(201).send(await sendPortalReply(ctx, request, row, { body, altcha, website }));
    },
  );

  app.get(
    '/api/v1/portal/:token/attachments/:attachmentId',
    {
      config: publicPage,
      schema: {
        tags: ['portal'],
        summary:
          "Download a file of the ticket's public messages by its portal link (an internal note's file is not found).",
        security: [],
        params: portalTokenParams.extend({ attachmentId: z.uuid() }),
        response: { 200: z.unknown().describe('The file.'), 404: errorResponse, 429: errorResponse },
      },
    },
    async (request, reply) => {
      const row = await byToken(request.params.token);
      const attachment = await getPortalAttachment(ctx.db, row, request.params.attachmentId);
      return sendAttachment(reply, ctx.db, attachmentStorage(ctx.config), attachment);
    },
  );

  app.post(
    '/api/v1/portal/:token/close',
    {
      config: publicForm,
      schema: {
        tags: ['portal'],
        summary:
          '"Close my ticket": asks for closure (pending_closure, the survey is offered at once); with a closure scheduled, closes now.',
        security: [],
        params: portalTokenParams,
        response: { 200: portalTicketSchema, ...errorResponses },
      },
    },
    async (request) => {
      await closePortalTicket(ctx, request, await byToken(request.params.token));
      return viewOf(request.params.token);
    },
  );

  app.post(
    '/api/v1/portal/:token/survey',
    {
      config: publicForm,
      schema: {
        tags: ['portal'],
        summary:
          "Answer the ticket's pending satisfaction survey (1–5 stars, optional comment, on a low score an optional reason, captcha).",
        security: [],
        params: portalTokenParams,
        body: portalSurveyBody,
        response: { 200: portalSurveyResponse, ...errorResponses, 410: errorResponse },
      },
    },
    async (request) => {
      const row = await byToken(request.params.token);
      const { rating, comment, reason, altcha, website } = request.body;
      const answer = await answerPortalSurvey(ctx, request, row, {
        rating,
        comment,
        reason,
        altcha,
        website,
      });
      return { state: 'submitted' as const, answer };
    },
  );

  app.post(
    '/api/v1/tickets/:ticketId/portal-link',
    {
      schema: {
        tags: ['tickets'],
        summary:
          "Replace the ticket's portal link (tickets.update); the old link stops working at once. The link is never shown to staff: send it to the requester.",
        params: z.object({ ticketId: z.uuid() }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) => resetPortalLink(scopeOf(ctx, tx), actor, request.params.ticketId));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/tickets/:ticketId/portal-link/mail',
    {
      schema: {
        tags: ['tickets'],
        summary:
          "Mail the ticket's portal link to its requester (tickets.update); audited. The mail shows on the ticket's mails.",
        params: z.object({ ticketId: z.uuid() }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) => sendPortalLink(scopeOf(ctx, tx), actor, request.params.ticketId));
      return reply.status(204).send(null);
    },
  );
}
