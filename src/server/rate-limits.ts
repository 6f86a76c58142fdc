import cluster from 'node:cluster';
import { createHash } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ClusterRateLimitStore } from './cluster-ipc.js';
import type { Config } from './config.js';
import { AppError } from './lib/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page or form customers reach without a staff credential: see {@link registerRateLimits}. */
    publicRateLimit?: 'page' | 'form';
  }
}

/** Route config of a public page (or its JSON twin), and of a public form or write. */
export const publicPage = { publicRateLimit: 'page' } as const;
export const publicForm = { publicRateLimit: 'form' } as const;

/** The cookie of a signed-in portal customer (the portal module sets it). */
const PORTAL_COOKIE = 'clearline_portal';

/**
 * What a public request presents: the secret token of its path (portal or survey link), else the
 * portal session cookie; hashed, so no secret is kept as a key. Null without either.
 */
function credentialOf(request: FastifyRequest): string | null {
  const token = (request.params as { token?: unknown } | undefined)?.token;
  const secret = typeof token === 'string' ? token : request.cookies?.[PORTAL_COOKIE];
  return secret ? createHash('sha256').update(secret).digest('base64url').slice(0, 22) : null;
}

/**
 * Registers the rate limits: the global one here, each route's own in its `config.rateLimit`.
 * Public pages and forms (`publicPage`, `publicForm`) keep the global limit per client address
 * (RATE_LIMIT_PER_MINUTE on each route) and add one per credential: a link or a portal session may
 * load pages RATE_LIMIT_PUBLIC_PER_MINUTE times a minute and send forms a third as often, across
 * all public routes. So colleagues behind one company address each have their own allowance, and
 * one token still cannot be hammered.
 * With REDIS_URL every limit is counted in Redis, shared by all instances; without it, in memory:
 * the process's own, or in a web worker of `clearline start` the cluster primary's, which all the
 * machine's workers ask, so a limit stays exact whatever WEB_CONCURRENCY is.
 *
 * While Redis is unreachable or hung, requests are served without limits (skipOnError) and the
 * outage is logged: a help desk should keep answering customers; the sign-in lockout and the sign-in link
 * cap live in PostgreSQL and still hold.
 */
export async function registerRateLimits(app: FastifyInstance, config: Config) {
  const redis = config.redisUrl ? await connectRedis(app, config.redisUrl, config.redisKeyPrefix) : undefined;
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    ...(redis
      ? { redis, nameSpace: `${config.redisKeyPrefix}rate-limit:`, skipOnError: true }
      : cluster.isWorker && { store: ClusterRateLimitStore }),
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} seconds.`),
  });
  const perCredential = {
    page: config.rateLimitPublicPerMinute,
    form: Math.ceil(config.rateLimitPublicPerMinute / 3),
  };
  const limiters = {
    page: app.createRateLimit({ max: perCredential.page, timeWindow: '1 minute', keyGenerator: pageKey }),
    form: app.createRateLimit({ max: perCredential.form, timeWindow: '1 minute', keyGenerator: formKey }),
  };
  app.addHook('onRoute', (route) => {
    const kind = route.config?.publicRateLimit;
    if (!kind) return;
    const limit: onRequestHookHandler = async (request, reply) => {
      if (!credentialOf(request)) return;
      const result = await limiters[kind](request);
      if (result.isAllowed || !result.isExceeded) return;
      reply.header('retry-after', result.ttlInSeconds);
      throw new AppError(
        'RATE_LIMITED',
        `Too many requests with this link; retry in ${result.ttlInSeconds} seconds.`,
      );
    };
    const hooks = route.onRequest;
    route.onRequest = [...(Array.isArray(hooks) ? hooks : hooks ? [hooks] : []), limit];
  });
}

const pageKey = (request: FastifyRequest) => `public-page:${credentialOf(request)}`;
const formKey = (request: FastifyRequest) => `public-form:${credentialOf(request)}`;
/**
 * A limit on a key the handler learns only from the body (an email address), counted in the same
 * store as the route limits: Redis when configured, shared by all instances. The returned check
 * counts one request for the key and throws RATE_LIMITED past `max` within `timeWindow`.
 */
export function createKeyedRateLimit(
  app: FastifyInstance,
  options: { name: string; max: number; timeWindow: string },
) {
  // The plugin derives keys from the request alone; this hands it the handler's key.
  const keys = new WeakMap<FastifyRequest, string>();
  const limit = app.createRateLimit({
    max: options.max,
    timeWindow: options.timeWindow,
    keyGenerator: (request) => `${options.name}:${keys.get(request)}`,
  });
  return async (request: FastifyRequest, key: string) => {
    keys.set(request, key);
    const result = await limit(request);
    if (!result.isAllowed && result.isExceeded) {
      throw new AppError('RATE_LIMITED', `Too many requests; retry in ${result.ttlInSeconds} seconds.`);
    }
  };
}

/** How long a start waits for Redis, and a request for a Redis answer, before going on without. */
const REDIS_WAIT_MS = 1000;

/** One connection for the app's lifetime, closed with it. Waits briefly for the first connect. */
async function connectRedis(app: FastifyInstance, url: string, keyPrefix: string) {
  // Loaded only with REDIS_URL.
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    // Fail fast while disconnected or hung instead of queueing: a request must not wait for Redis.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: REDIS_WAIT_MS,
    lazyConnect: true,
    // Names the deployment in Redis's CLIENT LIST (a name may not hold spaces).
    connectionName: keyPrefix.replace(/[^!-~]/g, '_'),
  });
  let reachable = true;
  redis.on('error', (err: Error) => {
    if (!reachable) return;
    reachable = false;
    app.log.warn({ err: err.message }, 'Redis is unreachable: rate limits are not enforced until it is back');
  });
  redis.on('ready', () => {
    if (reachable) return;
    reachable = true;
    app.log.info('Redis is reachable again: rate limits are enforced');
  });
  app.addHook('onClose', async () => {
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
  });
  await Promise.race([redis.connect().catch(() => {}), setTimeout(REDIS_WAIT_MS)]);
  return redis;
}
