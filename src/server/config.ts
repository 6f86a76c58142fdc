import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { PASSWORD_COST, type PasswordCost } from './lib/tokens.js';

/** Names proxy-addr (Fastify's trustProxy) understands for whole address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * `true`/`false`, a hop count (trust that many proxies in front: the client is the address that
 * many entries from the right of X-Forwarded-For), or the proxies' addresses and CIDRs.
 */
const trustProxySchema = z
  .string()
  .default('false')
  .transform((value, ctx): boolean | number | string[] => {
    const v = value.trim();
    if (v === 'true' || v === 'false') return v === 'true';
    if (/^\d+$/.test(v)) return Number(v);
    const entries = v.split(',').map((e) => e.trim());
    const bad = entries.filter((e) => !isProxyAddress(e));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected true, false, a hop count or a comma-separated list of proxy IP addresses/CIDRs (or loopback, linklocal, uniquelocal); not an address: ${bad.map((e) => JSON.stringify(e)).join(', ')}`,
      });
      return z.NEVER;
    }
    return entries;
  });

/** Every setting, with its default. README.md lists the same table. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CAPTCHA_MAX_NUMBER: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  CAPTCHA_EXPIRES_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
  SECRET_KEY: z.string().min(32, 'SECRET_KEY must be at least 32 characters').optional(),
  TRUST_PROXY: trustProxySchema,
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'REDIS_URL must be a redis:// or rediss:// URL' })
    .optional(),
  REDIS_KEY_PREFIX: z.string().min(1).default('clearline:'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.email().optional(),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(16),
  // At most the delivery lease (120 s) less a margin for recording the result.
  DELIVERY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(100).default(100),
  DISCORD_API_URL: z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
  DISCORD_AUTHORIZE_URL: z.url({ protocol: /^https?$/ }).default('https://discord.com/oauth2/authorize'),
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  INBOUND_SMTP_HOST: z.string().default('0.0.0.0'),
  INBOUND_SMTP_TLS_CERT: z.string().optional(),
  INBOUND_SMTP_TLS_KEY: z.string().optional(),
  INBOUND_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
  ATTACHMENTS_DIR: z.string().min(1).optional(),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(25 * 1024 * 1024),
  ATTACHMENT_MESSAGE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(40 * 1024 * 1024),
  ATTACHMENT_MAIL_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(10 * 1024 * 1024),
  MAIL_INBOUND_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, 'MAIL_INBOUND_DOMAIN must be a domain name')
    .optional(),
  WEBHOOKS_ALLOW_HTTP: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  WEBHOOKS_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  RUN_WORKERS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(availableParallelism()),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  rateLimitPerMinute: number;
  /** Public page loads per minute per link or portal session (forms: a third of it). */
  rateLimitPublicPerMinute: number;
  sessionDays: number;
  runWorkers: boolean;
  /** `start`'s HTTP worker processes (Node's cluster); 1 serves from the one process. */
  webConcurrency: number;
  /**
   * Behind reverse proxies: take the client address and host from X-Forwarded-* headers. `true`
   * trusts every hop (the left-most address, which a client can forge); a hop count or the proxies'
   * addresses take the right-most address no trusted proxy added.
   */
  trustProxy: boolean | number | string[];
  /** Shares every rate limit between instances. Unset: limits are kept in memory per process. */
  redisUrl: string | undefined;
  /** Prefix of every key Clearline writes in Redis, so deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  /**
   * Captcha difficulty: the proof of work's secret counter is drawn from [max/2, max] and each try
   * is a PBKDF2 of 1,000 rounds, so the work grows linearly with it (5,000: about a second on one core).
   */
  captchaMaxNumber: number;
  /** How long a captcha challenge can be solved and used. */
  captchaExpiresSeconds: number;
  /** Signs secret links. Unset with the bundled database: generated into DATA_DIR/secret.key. */
  secretKey: string | undefined;
  /** Where mail goes (smtp:// or smtps://, credentials in the URL). Unset: mails are kept for the Outgoing mail page. */
  smtpUrl: string | undefined;
  /** The sender address of every mail; the account's name is its display name. */
  mailFrom: string;
  /** How many deliveries (mails, later DMs and webhooks) each worker process sends at once. */
  deliveryConcurrency: number;
  /** How long one send may take before it is abandoned, its connection closed, and retried later. */
  deliveryTimeoutSeconds: number;
  /** Discord's API base (without /v10); every Discord call goes there. Tests point it at a fake. */
  discordApiUrl: string;
  /** Discord's OAuth2 authorization page, where "Link Discord" sends the customer. */
  discordAuthorizeUrl: string;
  /** The built-in SMTP listener for incoming mail: off unless a port is set. */
  inboundSmtp: { port: number; host: string; tls: { cert: string; key: string } | null } | null;
  /** The largest incoming mail accepted (declared SIZE and DATA); 552 past it. */
  inboundMaxBytes: number;
  /** Where attachment bytes go: unset, in PostgreSQL (`attachment_chunks`); set, in files in this directory. */
  attachmentsDir: string | undefined;
  /** The largest file one attachment may be; 413 ATTACHMENT_TOO_LARGE past it. */
  attachmentMaxBytes: number;
  /** The most all attachments of one message may add up to; 413 ATTACHMENT_TOO_LARGE past it. */
  attachmentMessageMaxBytes: number;
  /** A public reply's mail carries its files while they add up to at most this; above, it links to them. */
  attachmentMailMaxBytes: number;
  /** The domain of reply+{token}@ addresses our mails carry in Reply-To. Unset: no Reply-To. */
  mailInboundDomain: string | undefined;
  /** Webhook endpoints may be plain http:// (else https:// only). */
  webhooksAllowHttp: boolean;
  /** Webhooks may go to loopback, private, link-local and metadata addresses (else refused). */
  webhooksAllowPrivate: boolean;
  /**
   * scrypt parameters of new password hashes. Always PASSWORD_COST from the environment; only the
   * test harness sets a cheaper one, so the suite stays fast.
   */
  passwordCost: PasswordCost;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    publicUrl,
    logLevel: e.LOG_LEVEL,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    rateLimitPublicPerMinute: e.RATE_LIMIT_PUBLIC_PER_MINUTE,
    sessionDays: e.SESSION_DAYS,
    runWorkers: e.RUN_WORKERS,
    webConcurrency: e.WEB_CONCURRENCY,
    trustProxy: e.TRUST_PROXY,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    captchaMaxNumber: e.CAPTCHA_MAX_NUMBER,
    captchaExpiresSeconds: e.CAPTCHA_EXPIRES_SECONDS,
    secretKey: e.SECRET_KEY,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? `clearline@${new URL(publicUrl).hostname}`,
    deliveryConcurrency: e.DELIVERY_CONCURRENCY,
    deliveryTimeoutSeconds: e.DELIVERY_TIMEOUT_SECONDS,
    discordApiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
    discordAuthorizeUrl: e.DISCORD_AUTHORIZE_URL,
    inboundSmtp:
      e.INBOUND_SMTP_PORT === undefined
        ? null
        : {
            port: e.INBOUND_SMTP_PORT,
            host: e.INBOUND_SMTP_HOST,
            tls:
              e.INBOUND_SMTP_TLS_CERT && e.INBOUND_SMTP_TLS_KEY
                ? { cert: e.INBOUND_SMTP_TLS_CERT, key: e.INBOUND_SMTP_TLS_KEY }
                : null,
          },
    inboundMaxBytes: e.INBOUND_MAX_BYTES,
    attachmentsDir: e.ATTACHMENTS_DIR === undefined ? undefined : resolve(e.ATTACHMENTS_DIR),
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    attachmentMessageMaxBytes: e.ATTACHMENT_MESSAGE_MAX_BYTES,
    attachmentMailMaxBytes: e.ATTACHMENT_MAIL_MAX_BYTES,
    mailInboundDomain: e.MAIL_INBOUND_DOMAIN?.toLowerCase(),
    webhooksAllowHttp: e.WEBHOOKS_ALLOW_HTTP,
    webhooksAllowPrivate: e.WEBHOOKS_ALLOW_PRIVATE,
    passwordCost: PASSWORD_COST,
  };
}
