import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import helmet from 'helmet';
import type { AppContext } from './app-context.js';
import { registerAssets } from './assets.js';
import type { Config } from './config.js';
import { AppError, type ErrorCode, errorStatus } from './lib/errors.js';
import { parseFormBody } from './lib/http.js';
import { logSerializers } from './lib/log.js';
import { registerMultipart } from './lib/multipart.js';
import { registerAccountRoutes } from './modules/accounts/index.js';
import { registerAnalyticsRoutes } from './modules/analytics/index.js';
import { registerAuthRoutes, registerPasswordRoutes, registerSessionRoutes } from './modules/auth/index.js';
import { registerCsatRoutes } from './modules/csat/index.js';
import { registerDiscordInteractionRoute, registerDiscordRoutes } from './modules/discord/index.js';
import { registerInboundRoutes } from './modules/inbound/index.js';
import { registerMailRoutes } from './modules/mail/index.js';
import { registerMailboxRoutes } from './modules/mailboxes/index.js';
import { registerMemberRoutes } from './modules/members/index.js';
import { registerNotificationRoutes } from './modules/notifications/index.js';
import { registerPortalRoutes } from './modules/portal/index.js';
import { registerSpamRoutes } from './modules/spam/index.js';
import { registerTicketRoutes } from './modules/tickets/index.js';
import { registerWebhookRoutes } from './modules/webhooks/index.js';
import { registerRateLimits } from './rate-limits.js';
import { registerStaffApp } from './staff-app.js';

/** One megabyte: a 10,000-character message fits many times; anything larger is refused with 413. */
const BODY_LIMIT = 1024 * 1024;

/** Where and how much to log; `stream` lets tests read what was logged. */
export interface LogOptions {
  level: string;
  stream?: { write(line: string): void };
}

/** Builds the HTTP app from the modules. It does not listen: main.ts and the tests do that. */
export async function buildApp(ctx: AppContext, options: { logger?: LogOptions } = {}) {
  const logger: FastifyServerOptions['logger'] = options.logger
    ? { ...options.logger, serializers: logSerializers }
    : false;
  const app = Fastify({
    logger,
    bodyLimit: BODY_LIMIT,
    trustProxy: toFastifyTrustProxy(ctx.config.trustProxy),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(errorBody('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });

  // The security headers of every answer, built once (helmet's defaults plus these CSP directives):
  // @fastify/helmet rebuilt the whole middleware, every directive parsed again, on each request.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        'worker-src': ["'self'", 'blob:'],
        'img-src': ["'self'", 'data:'],
        // "Link Discord" posts to us, and we redirect to Discord's consent page: form-action covers redirects.
        'form-action': ["'self'", new URL(ctx.config.discordAuthorizeUrl).origin],
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));
  await app.register(cookie);
  await app.register(formbody, { parser: parseFormBody });
  await registerMultipart(app, BODY_LIMIT);
  await registerRateLimits(app, ctx.config);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Clearline API', version: '1' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token.' },
          session: { type: 'apiKey', in: 'cookie', name: 'clearline_session' },
          portalSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'clearline_portal',
            description: 'A customer signed in to the portal with an emailed link (portal routes only).',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (plugin) => {
    const api = plugin.withTypeProvider<ZodTypeProvider>();
    registerAuthRoutes(api, ctx);
    registerPasswordRoutes(api, ctx);
    registerSessionRoutes(api, ctx);
    registerAccountRoutes(api, ctx);
    registerMemberRoutes(api, ctx);
    registerTicketRoutes(api, ctx);
    registerCsatRoutes(api, ctx);
    registerMailRoutes(api, ctx);
    registerMailboxRoutes(api, ctx);
    registerNotificationRoutes(api, ctx);
    registerAnalyticsRoutes(api, ctx);
    registerSpamRoutes(api, ctx);
    registerPortalRoutes(api, ctx);
    registerDiscordRoutes(api, ctx);
    registerInboundRoutes(api, ctx);
    registerDiscordInteractionRoute(api, ctx);
    registerWebhookRoutes(api, ctx);
  });
  registerAssets(app);
  registerStaffApp(app);
  return app;
}

/**
 * Fastify reads a number as "trust nothing"; a hop count means: the socket's peer and the next
 * n - 1 addresses leftwards in X-Forwarded-For are proxies, the one after them is the client.
 */
function toFastifyTrustProxy(trust: Config['trustProxy']) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
}

function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_ERROR',
};

/**
 * A value the request schemas let through but PostgreSQL refused. A backstop that answers 400, not a
 * validation: each of these is a missing check in a schema, and the fuzz test fails on any of them.
 */
export const VALUE_REFUSED_BY_DATABASE = 'A value has a form or size the database cannot store.';

const pgCodes: Record<string, [ErrorCode, string]> = {
  '23505': ['CONFLICT', 'This conflicts with an existing record.'],
  '23503': ['CONFLICT', 'This refers to a record that does not exist or is still in use.'],
  // Invalid text representation, untranslatable character (a NUL in text), numeric value out of
  // range, invalid datetime format, datetime field overflow.
  ...Object.fromEntries(
    ['22P02', '22P05', '22021', '22003', '22007', '22008'].map((code) => [
      code,
      ['VALIDATION_ERROR', VALUE_REFUSED_BY_DATABASE] as [ErrorCode, string],
    ]),
  ),
  '40001': ['CONFLICT', 'A concurrent change got in the way; retry.'],
  '40P01': ['CONFLICT', 'A concurrent change got in the way; retry.'],
};

function handleError(
  this: FastifyInstance,
  error: FastifyError,
  request: import('fastify').FastifyRequest,
  reply: import('fastify').FastifyReply,
) {
  if (error instanceof AppError) {
    const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    return reply.status(error.statusCode).send(errorBody(error.code, error.message, error.details));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || error.validationContext || 'body',
      in: error.validationContext,
      message: v.message,
    }));
    const fields = [...new Set(details.map((d) => d.field))].join(', ');
    // One problem is said in full (an empty PATCH says what it could have carried).
    const message =
      details.length === 1
        ? `Invalid value for ${fields}: ${details[0]?.message}`
        : `Invalid value for: ${fields}.`;
    return reply.status(400).send(errorBody('VALIDATION_ERROR', message, details));
  }
  const fastifyCode = error.code ? fastifyCodes[error.code] : undefined;
  if (fastifyCode) {
    return reply.status(errorStatus[fastifyCode]).send(errorBody(fastifyCode, error.message));
  }
  // Drizzle wraps the driver's error in a DrizzleQueryError: the SQLSTATE is on its cause.
  const pgError = (error.cause ?? error) as { code?: string; constraint?: string; table?: string };
  const mapped = pgError.code ? pgCodes[pgError.code] : undefined;
  if (mapped) {
    // Not the error itself: its message carries the query's parameters (a password hash, say).
    const { code, constraint, table } = pgError;
    request.log.warn({ code, constraint, table }, 'database constraint refused a write');
    return reply.status(errorStatus[mapped[0]]).send(errorBody(mapped[0], mapped[1]));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode =
      status === 401
        ? 'UNAUTHENTICATED'
        : status === 403
          ? 'FORBIDDEN'
          : status === 404
            ? 'NOT_FOUND'
            : 'VALIDATION_ERROR';
    return reply.status(status).send(errorBody(code, error.message));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply
    .status(500)
    .send(errorBody('INTERNAL', 'Something went wrong on our side. It has been logged.'));
}
