import { setTimeout } from 'node:timers/promises';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import { AppError } from './lib/errors.js';

/**
 * Registers the rate limits: the global one here, each route's own in its `config.rateLimit`.
 * With REDIS_URL every limit is counted in Redis, shared by all instances; without it, in memory.
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
    ...(redis && { redis, nameSpace: `${config.redisKeyPrefix}rate-limit:`, skipOnError: true }),
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} seconds.`),
  });
}

/** How long a start waits for Redis, and a request for a Redis answer, before going on without. */
const REDIS_WAIT_MS = 1000;

/** One connection for the app's lifetime, closed with it. Waits briefly for the first connect. */
async function connectRedis(app: FastifyInstance, url: string, keyPrefix: string) {
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
