import { Readable } from 'node:stream';
import { z } from 'zod';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { notFound } from '../../lib/errors.js';
import { type Api, errorResponses } from '../../lib/http.js';
import { authenticate } from '../auth/index.js';
import { getMember } from '../members/index.js';
import {
  inboundMessageSchema,
  inboundParams,
  listQuery,
  projectParams,
  reviewBody,
  settingsBody,
  settingsSchema,
} from './inbound.schemas.js';
import * as inbound from './inbound.service.js';

type Listed = NonNullable<Awaited<ReturnType<typeof inbound.findInbound>>>;
const present = (row: Listed) => ({
  id: row.id,
  messageId: row.messageIdHeader,
  from: row.fromAddress,
  subject: row.subject,
  status: row.status,
  reason: row.reason,
  ticketId: row.ticketId,
  size: row.size,
  receivedAt: row.receivedAt,
});

export function registerInboundRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/v1/projects/:projectId/inbound/settings',
    {
      schema: {
        tags: ['mail intake'],
        summary: "The project's inbound address, flood limit and acknowledgement mail (settings.manage).",
        params: projectParams,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      return inbound.readSettings(ctx.db, member);
    },
  );

  app.put(
    '/api/v1/projects/:projectId/inbound/settings',
    {
      schema: {
        tags: ['mail intake'],
        summary: 'Change the inbound address, flood limit and acknowledgement mail (settings.manage).',
        params: projectParams,
        body: settingsBody,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return inTransaction(ctx.db, async (tx) => {
        const member = await getMember(tx, actor, request.params.projectId);
        return inbound.updateSettings(scopeOf(ctx, tx), member, request.body);
      });
    },
  );

  app.get(
    '/api/v1/projects/:projectId/inbound/messages',
    {
      schema: {
        tags: ['mail intake'],
        summary: 'Mail that came in, by outcome (default: held for review), newest 200 (tickets.view_all).',
        params: projectParams,
        querystring: listQuery,
        response: { 200: z.object({ messages: z.array(inboundMessageSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      const rows = await inbound.listInbound(ctx.db, member, request.query.status);
      return { messages: rows.map(present) };
    },
  );

  app.get(
    '/api/v1/inbound/messages/:inboundId/raw',
    {
      schema: {
        tags: ['mail intake'],
        summary: 'The mail as received (.eml), for download (tickets.view_all).',
        params: inboundParams,
        response: {
          200: { description: 'The raw mail.', content: { 'message/rfc822': { schema: z.string() } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const row = await inbound.findInbound(ctx.db, request.params.inboundId);
      if (!row || row.accountId !== actor.accountId) throw notFound('Inbound mail');
      const member = await getMember(ctx.db, actor, row.projectId);
      const raw = Readable.from(inbound.readRaw(ctx.db, member)(row.id));
      return reply
        .header('Content-Type', 'message/rfc822')
        .header('Content-Length', row.size)
        .header('Content-Disposition', `attachment; filename="mail-${row.id}.eml"`)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Cache-Control', 'no-store')
        .send(raw as unknown as string);
    },
  );

  app.post(
    '/api/v1/inbound/messages/:inboundId/review',
    {
      schema: {
        tags: ['mail intake'],
        summary:
          'Release a held or automatic mail (threaded or a new ticket, past the screens) or discard it (tickets.create).',
        params: inboundParams,
        body: reviewBody,
        response: { 200: inboundMessageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const row = await inbound.findInbound(ctx.db, request.params.inboundId);
      if (!row || row.accountId !== actor.accountId) throw notFound('Inbound mail');
      const result = await inTransaction(ctx.db, async (tx) => {
        const member = await getMember(tx, actor, row.projectId);
        return inbound.reviewInbound(ctx, tx, member, row.id, request.body.action);
      });
      return present(result);
    },
  );
}
