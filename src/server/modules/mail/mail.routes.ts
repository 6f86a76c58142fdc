import { z } from 'zod';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { type Api, errorResponses } from '../../lib/http.js';
import { authenticate } from '../auth/index.js';
import { mailSummarySchema, outgoingMailQuery, outgoingMailSchema } from './mail.schemas.js';
import * as mail from './mail.service.js';
import { renderOutgoingMailError, renderOutgoingMailPage } from './outgoing-mail-page.js';

export function registerMailRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/v1/tickets/:ticketId/mails',
    {
      schema: {
        tags: ['mail'],
        summary: "A ticket's mails and their delivery state (failed ones with their last error).",
        params: z.object({ ticketId: z.uuid() }),
        response: { 200: z.object({ mails: z.array(mailSummarySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return { mails: await mail.listTicketMails(ctx.db, actor, request.params.ticketId) };
    },
  );

  app.post(
    '/api/v1/tickets/:ticketId/surveys/:surveyId/invitation',
    {
      schema: {
        tags: ['mail'],
        summary:
          "Send a pending survey's invitation again, with the same link, when its delivery failed (tickets.update); otherwise 409 INVITATION_NOT_FAILED.",
        params: z.object({ ticketId: z.uuid(), surveyId: z.uuid() }),
        response: { 202: z.object({ mailId: z.uuid() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const { ticketId, surveyId } = request.params;
      const mailId = await inTransaction(ctx.db, (tx) =>
        mail.resendSurveyInvitation(scopeOf(ctx, tx), actor, ticketId, surveyId),
      );
      return reply.status(202).send({ mailId });
    },
  );

  app.get(
    '/api/v1/outgoing-mail',
    {
      schema: {
        tags: ['mail'],
        summary:
          'The outgoing mail of your projects, newest first; kept mails (no SMTP configured: demo mode) rendered in full. Account owner only (account.manage); customer sign-in links only for customers whose tickets are all in your projects; password reset links never.',
        querystring: outgoingMailQuery,
        response: {
          200: z.object({ mails: z.array(outgoingMailSchema), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const page = await mail.listOutgoingMails(ctx, actor, request.query);
      reply.header('Cache-Control', 'no-store');
      return {
        mails: page.mails.map(({ rendered, ...m }) => ({
          ...m,
          content: rendered && { subject: rendered.subject, text: rendered.text, html: rendered.html },
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  // The same list as a page for the account owner, signed in with their session.
  app.get(
    '/admin/outgoing-mail',
    { schema: { hide: true, querystring: outgoingMailQuery } },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store').type('text/html; charset=utf-8');
      try {
        const actor = await authenticate(ctx, request);
        const page = await mail.listOutgoingMails(ctx, actor, request.query);
        const delivery = ctx.config.smtpUrl ? 'smtp' : 'kept';
        return reply.send(renderOutgoingMailPage(page.mails, page.nextCursor, delivery));
      } catch (err) {
        if (!(err instanceof AppError) || err.statusCode >= 500) throw err;
        return reply.status(err.statusCode).send(renderOutgoingMailError(err.message));
      }
    },
  );
}
