import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { type Api, errorResponses, setSessionCookie, uuidParam } from '../../lib/http.js';
import { apiTokenSchema, createApiTokenBody, createdApiToken, signInBody } from './auth.schemas.js';
import * as auth from './auth.service.js';
import { rehashIfOutdated } from './password.service.js';

export const SESSION_COOKIE = 'clearline_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the staff actor from a Bearer API token or the session cookie. Cookie-authenticated
 * writes must come from our own origin (SameSite=Lax plus this check).
 */
export async function authenticate(ctx: AppContext, request: FastifyRequest): Promise<auth.StaffActor> {
  const header = request.headers.authorization;
  if (header) {
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const actor = token ? await auth.resolveApiToken(ctx.db, ctx.clock, token) : null;
    if (!actor) throw new AppError('UNAUTHENTICATED', 'The API token is invalid or has been revoked.');
    return actor;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (!token)
    throw new AppError('UNAUTHENTICATED', 'Sign in, or send an API token as "Authorization: Bearer …".');
  const actor = await auth.resolveSession(ctx.db, ctx.clock, token);
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Your session has ended; sign in again.');
  if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
  return actor;
}

/**
 * The second line behind "staff never hold a requester's secret": a requester's write (survey answer,
 * portal reply or closing) that arrives with a valid staff session of the account the ticket belongs
 * to is refused, so staff cannot answer for the customer even with a link they obtained.
 */
export async function assertNotStaffOf(ctx: AppContext, request: FastifyRequest, accountId: string) {
  const token = request.cookies[SESSION_COOKIE];
  const actor = token ? await auth.resolveSession(ctx.db, ctx.clock, token) : null;
  if (actor?.accountId === accountId) {
    throw new AppError(
      'STAFF_CANNOT_ANSWER',
      'You are signed in as staff of this help desk, and staff cannot answer for the requester. Sign out (or use a private window) if you are the requester.',
    );
  }
}

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * Refuses a cookie-authenticated write sent from another site (SameSite=Lax is the first defence).
 * Scheme, host and port must all match: https://host:3000 is another origin than http://host:3000.
 */
export function assertSameOrigin(request: FastifyRequest) {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  // request.protocol and request.host honour X-Forwarded-Proto and -Host only when TRUST_PROXY is on.
  const ours = originOf(`${request.protocol}://${request.host}`);
  if (ours === null || originOf(origin) !== ours) {
    throw new AppError('BAD_ORIGIN', 'This request came from another site and was refused.');
  }
}

/** What a session remembers of where it was opened, for its owner's list of sessions. */
export const sessionClientOf = (request: FastifyRequest): auth.SessionClient => ({
  userAgent: request.headers['user-agent'],
  ipAddress: request.ip,
});

export function registerAuthRoutes(app: Api, ctx: AppContext) {
  app.post(
    '/api/v1/auth/sign-in',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie.',
        security: [],
        body: signInBody,
        response: { 200: z.object({ userId: z.uuid(), accountId: z.uuid() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const cost = ctx.config.passwordCost;
      const { attemptId, user } = await inTransaction(ctx.db, (tx) =>
        auth.beginSignInAttempt(tx, ctx.clock, { email, clientAddress: request.ip }),
      );
      if (!user || !(await auth.checkPassword(cost, user, password))) {
        throw new AppError('UNAUTHENTICATED', 'The email or password is incorrect.');
      }
      const storeRehash = await rehashIfOutdated(cost, user, password);
      const session = await inTransaction(ctx.db, async (tx) => {
        await auth.recordSignInSuccess(tx, attemptId);
        await storeRehash?.(tx);
        const staff = { userId: user.id, accountId: user.accountId };
        return auth.createSession(tx, ctx.clock, staff, ctx.config.sessionDays, sessionClientOf(request));
      });
      setSessionCookie(reply, request, SESSION_COOKIE, session);
      return { userId: user.id, accountId: user.accountId };
    },
  );

  app.post(
    '/api/v1/auth/sign-out',
    {
      schema: {
        tags: ['auth'],
        summary: 'End the current session (refused from another origin: 403 BAD_ORIGIN).',
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      // Another site must not sign you out either.
      if (token) assertSameOrigin(request);
      if (token) await inTransaction(ctx.db, (tx) => auth.endSession(tx, token));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me/api-tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Your personal API tokens, with their last use.',
        response: { 200: z.object({ tokens: z.array(apiTokenSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return { tokens: await auth.listApiTokens(ctx.db, actor) };
    },
  );

  app.post(
    '/api/v1/me/api-tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create a personal API token. The secret is in this response only.',
        body: createApiTokenBody,
        response: { 201: createdApiToken, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const created = await inTransaction(ctx.db, (tx) =>
        auth.createApiToken(tx, ctx.clock, actor, request.body.name),
      );
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/api/v1/me/api-tokens/:tokenId',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke one of your API tokens.',
        params: uuidParam('tokenId'),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) => auth.revokeApiToken(tx, ctx.clock, actor, request.params.tokenId));
      return reply.status(204).send(null);
    },
  );
}
