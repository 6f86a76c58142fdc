import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaptchaChallenge } from '../src/server/modules/spam/index.js';
import { solveCaptchaChallenge } from './helpers/portal.js';
import {
  cleanUpClearline,
  makeDataDir,
  type RunningServer,
  spawnClearline,
  startClearline,
  startWorker,
  waitFor,
} from './helpers/server-process.js';
import { linksIn, startSmtpServer } from './helpers/smtp.js';

// Three real processes on one external PostgreSQL and one Redis: two `clearline start` with
// RUN_WORKERS=false and one `clearline worker`. The database is a fresh one on the server the suite
// uses when it is external (TEST_DATABASE_URL), else on the PostgreSQL service: the bundled one is
// private to the suite's own process.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) {
  console.warn(
    'TEST_REDIS_URL is not set: skipping the multi-instance test (two app instances and a worker sharing PostgreSQL and Redis).',
  );
}

describe.skipIf(!redisUrl)('several instances, one database and one Redis (needs TEST_REDIS_URL)', () => {
  const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `clearline_mi_${randomBytes(4).toString('hex')}`;
  const databaseUrl = Object.assign(new URL(server), { pathname: `/${database}` }).toString();
  const keyPrefix = `clearline-mi-${randomBytes(4).toString('hex')}:`;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let db: pg.Pool;
  let one: RunningServer;
  let two: RunningServer;
  let owner: { token: string; accountId: string; projectId: string };

  const adminQuery = async (text: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    await client.query(text).finally(() => client.end());
  };
  const call = async <T = Record<string, unknown>>(
    instance: RunningServer,
    method: string,
    path: string,
    body?: object,
  ) => {
    const res = await fetch(`${instance.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${owner?.token}`,
        ...(body && { 'content-type': 'application/json' }),
      },
      body: body && JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${database}`);
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    smtp = await startSmtpServer();
    // The same settings on every process, as a deployment has them.
    const settings = {
      DATABASE_URL: databaseUrl,
      SECRET_KEY: randomBytes(32).toString('hex'),
      REDIS_URL: redisUrl as string,
      REDIS_KEY_PREFIX: keyPrefix,
      RATE_LIMIT_PER_MINUTE: '1000',
      CAPTCHA_MAX_NUMBER: '20',
    };
    const migrate = spawnClearline('migrate', makeDataDir(), settings);
    expect((await migrate.exited).code, migrate.stderr()).toBe(0);
    const web = { ...settings, RUN_WORKERS: 'false' };
    [one, two] = await Promise.all([
      startClearline(makeDataDir(), 90_000, web),
      startClearline(makeDataDir(), 90_000, web),
      startWorker(makeDataDir(), { ...settings, SMTP_URL: smtp.url }),
    ]);
    const setup = await call<typeof owner>(one, 'POST', '/api/v1/setup', {
      accountName: 'Acme Support',
      projectName: 'Help desk',
      name: 'Ada Owner',
      email: 'ada@example.com',
      password: 'correct horse battery',
    });
    expect(setup.status, JSON.stringify(setup.body)).toBe(201);
    owner = setup.body;
  });

  afterAll(async () => {
    await cleanUpClearline();
    await smtp?.close();
    await db?.end();
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    const redis = new Redis(redisUrl as string);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('a ticket resolved through instance 1 gets exactly one invitation, sent by the worker, and its answer through instance 2 is seen by instance 1', async () => {
    const requester = `casey-${randomBytes(4).toString('hex')}@example.com`;
    const ticket = await call<{ id: string }>(one, 'POST', `/api/v1/projects/${owner.projectId}/tickets`, {
      subject: 'The printer is on fire',
      body: 'Please help.',
      requester: { email: requester, name: 'Casey Customer' },
    });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    const resolved = await call(one, 'PATCH', `/api/v1/tickets/${ticket.body.id}`, { status: 'resolved' });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);

    const surveyLinks = () =>
      smtp
        .to(requester)
        .flatMap((mail) => linksIn(mail.parsed.text ?? ''))
        .map((link) => new URL(link).pathname)
        .filter((path) => path.startsWith('/s/'));
    await waitFor(() => surveyLinks().length > 0, 60_000);
    // Once nothing is left to deliver, count what arrived: a second send would have happened by now.
    await waitFor(async () => {
      const queued = await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'queued'`);
      return queued.rows[0].n === 0;
    }, 60_000);
    const invitations = smtp
      .to(requester)
      .filter((mail) =>
        linksIn(mail.parsed.text ?? '').some((link) => new URL(link).pathname.startsWith('/s/')),
      );
    expect(invitations).toHaveLength(1);

    const token = (surveyLinks()[0] as string).slice('/s/'.length);
    const challenge = (await (await fetch(`${two.url}/api/v1/captcha/challenge`)).json()) as CaptchaChallenge;
    // The customer answers with no staff credentials at all.
    const answered = await fetch(`${two.url}/api/v1/surveys/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rating: 5,
        comment: 'Fixed in minutes',
        altcha: await solveCaptchaChallenge(challenge),
      }),
    });
    expect(answered.status, await answered.clone().text()).toBe(200);

    const seen = await call(one, 'GET', `/api/v1/tickets/${ticket.body.id}/surveys`);
    expect(seen.status).toBe(200);
    expect(seen.body.surveys).toEqual([
      expect.objectContaining({ state: 'submitted', rating: 5, comment: 'Fixed in minutes' }),
    ]);
  });

  it('rate limits are shared: requests to each instance in turn trip the limit at its configured number', async () => {
    // Asking for a portal sign-in link: 10 a minute per client address.
    const ask = (instance: RunningServer) =>
      fetch(`${instance.url}/api/v1/portal/accounts/${owner.accountId}/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com' }),
      });
    for (let i = 0; i < 10; i++) expect((await ask(i % 2 ? two : one)).status).toBe(202);
    expect((await ask(one)).status).toBe(429);
    expect((await ask(two)).status).toBe(429);
  });
});
