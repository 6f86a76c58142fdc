import { z } from 'zod';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { type Api, errorResponses } from '../../lib/http.js';
import { authenticate } from './auth.routes.js';
import { changePasswordBody, passwordResetBody, passwordResetRequestBody } from './auth.schemas.js';
import * as passwords from './password.service.js';

export function registerPasswordRoutes(app: Api, ctx: AppContext) {
  app.post(
    '/api/v1/me/password',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary:
          'Change your password (the current one is required). Your other sessions end and open reset links die.',
        body: changePasswordBody,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) =>
        passwords.changePassword(tx, ctx.clock, ctx.config.passwordCost, actor, request.body),
      );
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password-reset',
    {
      config: { rateLimit: { max: 5, timeWindow: '15 minutes' } },
      schema: {
        tags: ['auth'],
        summary: `Mail a password reset link (single use, ${passwords.PASSWORD_RESET_MINUTES} minutes) to a staff address. The answer is the same whether or not the address is known.`,
        security: [],
        body: passwordResetRequestBody,
        response: { 202: z.object({ message: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      await inTransaction(ctx.db, (tx) =>
        passwords.requestPasswordReset(scopeOf(ctx, tx), request.body.email),
      );
      return reply
        .status(202)
        .send({ message: 'If this address belongs to a staff member, a reset link is on its way.' });
    },
  );

  app.post(
    '/api/v1/auth/password-reset/complete',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary:
          'Set a new password with the token of a reset link; every session of the user ends. 400 RESET_LINK_INVALID for a forged, used or expired link.',
        security: [],
        body: passwordResetBody,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await inTransaction(ctx.db, (tx) =>
        passwords.resetPassword(tx, ctx.clock, ctx.links, ctx.config.passwordCost, request.body),
      );
      return reply.status(204).send(null);
    },
  );
}
