import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../tests/helpers/app.js';
import { buildApp } from '../app.js';
import { redactUrl } from './log.js';

let t: TestApp;
let app: FastifyInstance;
const lines: string[] = [];
const logged = () => lines.join('');

/** A value shaped like a link token (base64url, 65 characters), unique to this run. */
const fakeToken = () => randomBytes(48).toString('base64url').slice(0, 65);
const queryParameter = `param-${randomBytes(8).toString('hex')}`;

beforeAll(async () => {
  t = await createTestApp();
  // The same app as in production, logging at info level into memory.
  app = await buildApp(t.ctx, { logger: { level: 'info', stream: { write: (line) => lines.push(line) } } });
  // A query that fails with a parameter (a password hash, say) the log must not show.
  app.get('/test/failing-query', async () => {
    await t.db.execute(sql`SELECT ${queryParameter}::text AS s, 1 / 0 AS boom`);
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe('request logging', () => {
  it('tokens of /s/, /p/, sign-in and reset paths never reach the request log', async () => {
    const accountId = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
    const tokens = Array.from({ length: 8 }, fakeToken);
    const urls = [
      `/s/${tokens[0]}?rating=4&via=email`,
      `/p/${tokens[1]}`,
      `/portal/${accountId}/sign-in/${tokens[2]}`,
      `/app/reset-password/${tokens[3]}`,
      `/api/v1/surveys/${tokens[4]}`,
      `/api/v1/portal/${tokens[5]}/messages`,
      `/portal/${accountId}?token=${tokens[6]}`,
      `/api/v1/me?cursor=abc&reset_token=${tokens[7]}`,
    ];
    for (const url of urls) await app.inject({ method: 'GET', url });
    const text = logged();
    expect(text).toContain('"url":"/s/[redacted]?rating=4&via=email"');
    expect(text).toContain(`"url":"/portal/${accountId}/sign-in/[redacted]"`);
    expect(text).toContain('"url":"/api/v1/portal/[redacted]/messages"');
    expect(text).toContain('"url":"/api/v1/me?cursor=abc&reset_token=[redacted]"');
    for (const token of tokens) expect(text).not.toContain(token);
  });

  it('keeps the paths that carry no secret as they are', () => {
    for (const url of [
      '/api/v1/portal/accounts/x/sign-in',
      '/portal/x/tickets/y',
      '/app/p/x/inbox?q=printer',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});

describe('error logging', () => {
  it('error logs carry no SQL parameters', async () => {
    const res = await app.inject({ method: 'GET', url: '/test/failing-query' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain(queryParameter);
    const text = logged();
    expect(text).toContain('unhandled error');
    expect(text).toContain('division by zero');
    expect(text).not.toContain(queryParameter);
  });
});
