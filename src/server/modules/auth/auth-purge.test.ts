import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, type Tenant } from '../../../../tests/helpers/factories.js';
import { purgeExpiredSignInsJob } from './index.js';

let t: TestApp;
let tenant: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
});

const signIn = (password: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: tenant.owner.email, password },
  });
const count = async (table: 'sessions' | 'login_attempts') =>
  (await t.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`)).rows[0]
    ?.n;

describe('the hourly purge of staff sign-ins', () => {
  it('deletes ended sessions and day-old attempts, and keeps what still counts', async () => {
    const old = await signIn('owner-password');
    expect(old.statusCode).toBe(200);
    await signIn('wrong password');
    t.clock.advance(31 * 86_400_000);
    const fresh = await signIn('owner-password');
    const freshCookie = fresh.cookies.find((c) => c.name === 'clearline_session')?.value ?? '';
    expect(await count('sessions')).toBe(2);
    expect(await count('login_attempts')).toBe(3);

    await purgeExpiredSignInsJob.handle(t.ctx, {});

    // The first session ended after 30 days; the attempts of a month ago no longer count anywhere.
    expect(await count('sessions')).toBe(1);
    expect(await count('login_attempts')).toBe(1);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      cookies: { clearline_session: freshCookie },
    });
    expect(me.statusCode).toBe(200);
  });
});
