import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { type Api, errorResponses, uuidParam } from '../../lib/http.js';
import { authenticate, SESSION_COOKIE } from './auth.routes.js';
import { sessionSchema } from './auth.schemas.js';
import * as sessions from './sessions.service.js';

export function registerSessionRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/v1/me/sessions',
    {
      schema: {
        tags: ['auth'],
        summary: 'Your open sessions, most recently used first; the one of this request is marked current.',
        response: { 200: z.object({ sessions: z.array(sessionSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return { sessions: await sessions.listSessions(ctx.db, ctx.clock, actor) };
    },
  );

  app.delete(
    '/api/v1/me/sessions',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out everywhere: ends all your sessions, this one included (API tokens stay).',
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) => sessions.endAllSessions(tx, actor.userId));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/me/sessions/:sessionId',
    {
      schema: {
        tags: ['auth'],
        summary: 'End one of your sessions.',
        params: uuidParam('sessionId'),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) => sessions.endSessionById(tx, actor, request.params.sessionId));
      if (request.params.sessionId === actor.sessionId) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );
}
