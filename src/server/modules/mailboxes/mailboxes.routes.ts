import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { type Api, errorResponses } from '../../lib/http.js';
import { authenticate } from '../auth/index.js';
import { getMember } from '../members/index.js';
import { mailboxBody, mailboxResponse } from './mailboxes.schemas.js';
import * as mailboxes from './mailboxes.service.js';

const params = z.object({ projectId: z.uuid() });

export function registerMailboxRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/v1/projects/:projectId/mailbox',
    {
      schema: {
        tags: ['mailbox'],
        summary: "The project's IMAP mailbox, without its password (settings.manage).",
        params,
        response: { 200: mailboxResponse, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return mailboxes.readMailbox(ctx.db, await getMember(ctx.db, actor, request.params.projectId));
    },
  );

  app.put(
    '/api/v1/projects/:projectId/mailbox',
    {
      schema: {
        tags: ['mailbox'],
        summary:
          'Set the IMAP mailbox Clearline reads mail from (settings.manage). It signs in first: refused settings are a 400 MAILBOX_UNREACHABLE with the reason.',
        params,
        body: mailboxBody,
        response: { 200: mailboxResponse, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      return mailboxes.saveMailbox(ctx, member, request.body);
    },
  );

  app.delete(
    '/api/v1/projects/:projectId/mailbox',
    {
      schema: {
        tags: ['mailbox'],
        summary: 'Stop reading the mailbox and forget its settings (settings.manage).',
        params,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, async (tx) =>
        mailboxes.removeMailbox(tx, await getMember(tx, actor, request.params.projectId)),
      );
      return reply.status(204).send(null);
    },
  );
}
