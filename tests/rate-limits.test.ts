import { randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount, buildTicket } from './helpers/factories.js';
import { portalLinkOf, postForm, signInCustomer } from './helpers/portal.js';
import { waitFor } from './helpers/server-process.js';

// The setup API refuses an empty body with a 400, after its rate limit (10 a minute) has counted it.
const SETUP_LIMIT = 10;
const postSetup = (t: TestApp, remoteAddress: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: {}, remoteAddress, headers });

describe('TRUST_PROXY', () => {
  it('with a hop count of 1 the client is the right-most X-Forwarded-For address: a forged left-most one does not dodge the limit', async () => {
    const t = await createTestApp({ trustProxy: loadConfig({ TRUST_PROXY: '1' }).trustProxy });
    const viaProxy = (forged: string, client: string) =>
      postSetup(t, '10.0.0.1', { 'x-forwarded-for': `${forged}, ${client}` });
    for (let i = 0; i < SETUP_LIMIT; i++) {
      expect((await viaProxy(`198.51.100.${i}`, '203.0.113.7')).statusCode).toBe(400);
    }
    const limited = await viaProxy('198.51.100.99', '203.0.113.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    // Another client behind the same proxy has a limit of its own.
    expect((await viaProxy('198.51.100.0', '203.0.113.8')).statusCode).toBe(400);
  });

  it("with a list of proxies the client is the right-most address no listed proxy added; an unlisted peer's header is ignored", async () => {
    const t = await createTestApp({
      trustProxy: loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy,
    });
    for (let i = 0; i < SETUP_LIMIT; i++) {
      const res = await postSetup(t, '10.1.1.1', {
        'x-forwarded-for': `192.0.2.${i}, 203.0.113.9, 10.2.2.2`,
      });
      expect(res.statusCode).toBe(400);
    }
    expect(
      (await postSetup(t, '10.1.1.1', { 'x-forwarded-for': '192.0.2.99, 203.0.113.9, 10.2.2.2' })).statusCode,
    ).toBe(429);
    // Not a proxy: its X-Forwarded-For is the client's own claim, so its own address is counted.
    expect((await postSetup(t, '192.0.2.50', { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(400);
  });
});

describe('the setup form', () => {
  it('has the same rate limit as the setup API', async () => {
    const t = await createTestApp();
    for (let i = 0; i < SETUP_LIMIT; i++) {
      expect((await postForm(t, '/setup', {}, {}, '10.3.3.3')).statusCode).toBe(400);
    }
    const limited = await postForm(t, '/setup', {}, {}, '10.3.3.3');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
  });
});

describe('public pages: limited per link or portal session, and per client address', () => {
  // RATE_LIMIT_PUBLIC_PER_MINUTE per credential (forms a third of it), RATE_LIMIT_PER_MINUTE per address.
  const PER_LINK = 6;
  const PER_ADDRESS = 40;
  const NAT = '203.0.113.50';
  const build = async () => {
    const t = await createTestApp({ rateLimitPublicPerMinute: PER_LINK, rateLimitPerMinute: PER_ADDRESS });
    const tenant = await buildAccount(t, { projectKey: 'RL' });
    const ticketOf = async (email: string) =>
      (await buildTicket(t, tenant, { requester: { email, name: email } })).id;
    return { t, tenant, ticketOf };
  };
  const load = (t: TestApp, url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, remoteAddress, headers });

  it('colleagues behind one company address each keep their own allowance: one exhausted link does not lock out another', async () => {
    const { t, ticketOf } = await build();
    const mine = portalLinkOf(t, await ticketOf('ann@acme.example'));
    const colleague = portalLinkOf(t, await ticketOf('bob@acme.example'));
    for (let i = 0; i < PER_LINK; i++) expect((await load(t, mine, NAT)).statusCode).toBe(200);
    const limited = await load(t, mine, NAT);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await load(t, colleague, NAT)).statusCode).toBe(200);
    // The link's JSON twin shares the link's allowance.
    const token = mine.slice('/p/'.length);
    expect((await load(t, `/api/v1/portal/${token}`, NAT)).json().error.code).toBe('RATE_LIMITED');
  });

  it('a single link cannot be hammered from many addresses', async () => {
    const { t, ticketOf } = await build();
    const link = portalLinkOf(t, await ticketOf('cy@acme.example'));
    for (let i = 0; i < PER_LINK; i++) expect((await load(t, link, `198.51.100.${i}`)).statusCode).toBe(200);
    const limited = await load(t, link, '198.51.100.200');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
  });

  it('one address is still bounded, far higher, whatever links it presents (RATE_LIMIT_PER_MINUTE on each route)', async () => {
    const { t } = await build();
    // Unknown survey links: each a credential of its own, so only the per-address limit counts them.
    const bogus = (i: number) => `/s/${randomBytes(24).toString('base64url')}${i}`;
    for (let i = 0; i < PER_ADDRESS; i++) expect((await load(t, bogus(i), NAT)).statusCode).toBe(404);
    expect((await load(t, bogus(PER_ADDRESS), NAT)).statusCode).toBe(429);
    expect((await load(t, bogus(0), '203.0.113.51')).statusCode).toBe(404);
  });

  it('forms are allowed a third of the page allowance per link', async () => {
    const { t, ticketOf } = await build();
    const link = portalLinkOf(t, await ticketOf('di@acme.example'));
    // An empty reply is refused with 400 after the limits have counted it.
    const reply = () => postForm(t, `${link}/reply`, {}, {}, NAT);
    for (let i = 0; i < PER_LINK / 3; i++) expect((await reply()).statusCode).toBe(400);
    expect((await reply()).statusCode).toBe(429);
    // The pages of the same link are counted apart from its forms.
    expect((await load(t, link, NAT)).statusCode).toBe(200);
  });

  it("a signed-in portal customer is counted by their session, not by the company's address", async () => {
    const { t, tenant, ticketOf } = await build();
    await ticketOf('eve@acme.example');
    await ticketOf('fay@acme.example');
    const eve = await signInCustomer(t, tenant.accountId, 'eve@acme.example');
    const fay = await signInCustomer(t, tenant.accountId, 'fay@acme.example');
    const home = `/portal/${tenant.accountId}`;
    for (let i = 0; i < PER_LINK; i++) expect((await load(t, home, NAT, eve)).statusCode).toBe(200);
    expect((await load(t, home, NAT, eve)).statusCode).toBe(429);
    expect((await load(t, home, NAT, fay)).statusCode).toBe(200);
  });
});

describe('rate limits while Redis is unreachable', () => {
  it('are skipped, so the app keeps serving, and the app still closes', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const t = await createTestApp({ redisUrl: `redis://127.0.0.1:${port}`, rateLimitPerMinute: 2 });
    for (let i = 0; i < 5; i++) {
      expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    }
    await t.app.close();
  });

  it('a Redis that accepts connections but never answers holds up neither the start nor the requests', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const t = await createTestApp({ redisUrl: `redis://127.0.0.1:${port}`, rateLimitPerMinute: 2 });
      for (let i = 0; i < 3; i++) {
        expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
      }
      await t.app.close();
    } finally {
      silent.close();
    }
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl)
  console.warn('TEST_REDIS_URL is not set: skipping the tests of rate limits shared through Redis.');

describe.skipIf(!redisUrl)('rate limits shared through Redis (needs TEST_REDIS_URL)', () => {
  const redis = new Redis(redisUrl ?? '', { lazyConnect: true });
  const keyPrefix = `clearline-test-${randomBytes(4).toString('hex')}:`;
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('two instances sharing one Redis share every limit: the sum across both is the limit', async () => {
    const shared = { redisUrl, redisKeyPrefix: keyPrefix, rateLimitPerMinute: 6 };
    const instances = [await createTestApp(shared), await createTestApp(shared)];
    const at = (i: number) => instances[i % 2] as TestApp;

    // A route's own limit (setup: 10 a minute), hit on each instance in turn.
    for (let i = 0; i < SETUP_LIMIT; i++) expect((await postSetup(at(i), '10.4.4.4')).statusCode).toBe(400);
    expect((await postSetup(at(0), '10.4.4.4')).statusCode).toBe(429);
    expect((await postSetup(at(1), '10.4.4.4')).statusCode).toBe(429);

    // The global limit, on a route without its own.
    const health = (i: number) =>
      at(i).app.inject({ method: 'GET', url: '/api/health', remoteAddress: '10.5.5.5' });
    for (let i = 0; i < 6; i++) expect((await health(i)).statusCode).toBe(200);
    expect((await health(0)).statusCode).toBe(429);
    expect((await health(1)).statusCode).toBe(429);

    expect((await redis.keys(`${keyPrefix}rate-limit:*`)).length).toBeGreaterThan(0);
  });

  it('closing the app closes its Redis connection', async () => {
    const prefix = `${keyPrefix}close-${randomBytes(2).toString('hex')}:`;
    const t = await createTestApp({ redisUrl, redisKeyPrefix: prefix });
    const connectionsNamed = async () =>
      ((await redis.client('LIST')) as string)
        .split('\n')
        .filter((line) => line.includes(` name=${prefix} `));
    expect(await connectionsNamed()).toHaveLength(1);
    await t.app.close();
    // Redis drops a connection just after it answers QUIT.
    await waitFor(async () => (await connectionsNamed()).length === 0, 10_000);
  });
});
