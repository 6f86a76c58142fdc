import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { bearer, buildAccount, buildMember, type Tenant } from '../../../../tests/helpers/factories.js';
import { hashPassword, PASSWORD_COST } from '../../lib/tokens.js';
import { LOCKOUT_ATTEMPTS, LOCKOUT_WINDOW_MS, MAX_SLOWDOWN_MS, SLOWDOWN_AFTER } from './auth.service.js';

let t: TestApp;
let tenant: Tenant;
const OWNER_PASSWORD = 'owner-password';
const MEMBER_PASSWORD = 'member-password';

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
});

// Sign-in is rate limited per client address; each test signs in from an address of its own so
// the limit does not get in the way of the rules under test.
let clients = 0;
const newClient = () => `10.0.0.${++clients}`;

const signIn = (email: string, password: string, client: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email, password },
    remoteAddress: client,
  });

const sessionOf = (res: { cookies: { name: string; value: string }[] }) => {
  const cookie = res.cookies.find((c) => c.name === 'clearline_session');
  if (!cookie) throw new Error('no session cookie');
  return cookie.value;
};

const me = (cookie: string) =>
  t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { clearline_session: cookie } });

describe('sign-in with email and password', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie that authenticates', async () => {
    const res = await signIn(tenant.owner.email, OWNER_PASSWORD, newClient());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ userId: tenant.owner.userId, accountId: tenant.accountId });
    const cookie = res.cookies.find((c) => c.name === 'clearline_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const who = await me(cookie?.value ?? '');
    expect(who.statusCode).toBe(200);
    expect(who.json().user.id).toBe(tenant.owner.userId);
  });

  it('accepts the email in any letter case', async () => {
    const res = await signIn(tenant.owner.email.toUpperCase(), OWNER_PASSWORD, newClient());
    expect(res.statusCode).toBe(200);
  });

  it('a wrong password is a 401 without a cookie, and an unknown email gets exactly the same answer', async () => {
    const client = newClient();
    const wrong = await signIn(tenant.owner.email, 'not-the-password', client);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('UNAUTHENTICATED');
    expect(wrong.cookies).toEqual([]);
    const unknown = await signIn('nobody-at-all@example.com', 'not-the-password', client);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(unknown.cookies).toEqual([]);
  });

  it('sign-out ends the session on the server, not only in the browser', async () => {
    const cookie = sessionOf(await signIn(tenant.owner.email, OWNER_PASSWORD, newClient()));
    expect((await me(cookie)).statusCode).toBe(200);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-out',
      cookies: { clearline_session: cookie },
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'clearline_session')?.value).toBe('');
    const after = await me(cookie);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('stores passwords only as salted scrypt hashes', async () => {
    const member = await buildMember(t, tenant);
    const rows = await t.db.execute<{ email: string; password_hash: string }>(
      sql`SELECT email, password_hash FROM users WHERE email IN (${tenant.owner.email}, ${member.email})`,
    );
    expect(rows.rows).toHaveLength(2);
    for (const row of rows.rows) {
      expect(row.password_hash).toMatch(/^scrypt\$N=\d+,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(row.password_hash).not.toContain(OWNER_PASSWORD);
      expect(row.password_hash).not.toContain(MEMBER_PASSWORD);
    }
    const owner = rows.rows.find((r) => r.email === tenant.owner.email);
    const again = await buildAccount(t);
    const [second] = (
      await t.db.execute<{ password_hash: string }>(
        sql`SELECT password_hash FROM users WHERE email = ${again.owner.email}`,
      )
    ).rows;
    // Same password, different salt.
    expect(second?.password_hash).not.toBe(owner?.password_hash);
  });
});

describe('lockout after failed sign-ins', () => {
  // A success resets the count: buildMember signs in, so let time pass before the failures.
  const buildFreshMember = async () => {
    const member = await buildMember(t, tenant);
    t.clock.advance(1000);
    return member;
  };

  it('five failures within 15 minutes lock the email out, even with the right password, until 15 minutes pass', async () => {
    const member = await buildFreshMember();
    const client = newClient();
    for (let i = 0; i < 5; i++) {
      t.clock.advance(60_000);
      const res = await signIn(member.email, `wrong-${i}`, client);
      expect(res.statusCode).toBe(401);
    }
    const locked = await signIn(member.email, MEMBER_PASSWORD, client);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(locked.json().error.message).toMatch(
      /too many failed sign-in attempts.*try again in \d+ minutes?/i,
    );
    expect(locked.cookies).toEqual([]);

    // The first failure leaves the window 15 minutes after it happened; the others still count
    // until then, so check both sides of the boundary.
    t.clock.advance(10 * 60_000);
    expect((await signIn(member.email, MEMBER_PASSWORD, client)).statusCode).toBe(429);
    t.clock.advance(15 * 60_000);
    const open = await signIn(member.email, MEMBER_PASSWORD, client);
    expect(open.statusCode, open.body).toBe(200);
    expect(sessionOf(open)).toBeTruthy();
  });

  it('the lockout applies to an email in any letter case', async () => {
    const member = await buildFreshMember();
    const client = newClient();
    for (let i = 0; i < 5; i++)
      await signIn(i % 2 ? member.email.toUpperCase() : member.email, 'nope', client);
    const locked = await signIn(member.email.toUpperCase(), MEMBER_PASSWORD, client);
    expect(locked.statusCode).toBe(429);
    t.clock.advance(15 * 60_000 + 1);
  });

  it('failures spread over more than 15 minutes do not lock the email', async () => {
    const member = await buildFreshMember();
    const client = newClient();
    for (let i = 0; i < 4; i++) await signIn(member.email, 'nope', client);
    t.clock.advance(15 * 60_000 + 1);
    expect((await signIn(member.email, 'nope', client)).statusCode).toBe(401);
    expect((await signIn(member.email, MEMBER_PASSWORD, client)).statusCode).toBe(200);
  });

  it("locking one email out does not lock anyone else's", async () => {
    const victim = await buildFreshMember();
    const client = newClient();
    for (let i = 0; i < 5; i++) await signIn(victim.email, 'nope', client);
    expect((await signIn(victim.email, MEMBER_PASSWORD, client)).statusCode).toBe(429);
    expect((await signIn(tenant.owner.email, OWNER_PASSWORD, client)).statusCode).toBe(200);
    t.clock.advance(15 * 60_000 + 1);
  });
});

describe('lockout under concurrency, and by client address', () => {
  const buildFreshMember = async () => {
    const member = await buildMember(t, tenant);
    t.clock.advance(1000);
    return member;
  };
  const checkedAttempts = async (email: string) =>
    (
      await t.db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM login_attempts WHERE email = ${email.toLowerCase()}`,
      )
    ).rows[0]?.n;

  it('30 concurrent wrong passwords from one address get at most 5 password checks', async () => {
    // 30 is what the route's rate limit admits from one address in a minute.
    const member = await buildFreshMember();
    const client = newClient();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(member.email, `wrong-${i}`, client)),
    );
    expect(answers.filter((r) => r.statusCode === 401)).toHaveLength(LOCKOUT_ATTEMPTS);
    expect(answers.filter((r) => r.statusCode === 429).map((r) => r.json().error.code)).toEqual(
      Array(30 - LOCKOUT_ATTEMPTS).fill('ACCOUNT_LOCKED'),
    );
    expect(await checkedAttempts(member.email)).toBe(LOCKOUT_ATTEMPTS);
    t.clock.advance(LOCKOUT_WINDOW_MS + 1);
  });

  it('50 concurrent wrong passwords from 50 addresses get at most 10 password checks before the slowdown', async () => {
    const member = await buildFreshMember();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => signIn(member.email, `wrong-${i}`, newClient())),
    );
    expect(answers.filter((r) => r.statusCode === 401)).toHaveLength(SLOWDOWN_AFTER);
    expect(answers.filter((r) => r.statusCode === 429).map((r) => r.json().error.code)).toEqual(
      Array(50 - SLOWDOWN_AFTER).fill('SIGN_IN_SLOWED'),
    );
    expect(await checkedAttempts(member.email)).toBe(SLOWDOWN_AFTER);
    t.clock.advance(LOCKOUT_WINDOW_MS + 1);
  });

  it("a stranger's failures lock out the stranger's address, not the owner signing in from another", async () => {
    const member = await buildFreshMember();
    const stranger = newClient();
    for (let i = 0; i < LOCKOUT_ATTEMPTS; i++) await signIn(member.email, `guess-${i}`, stranger);
    const locked = await signIn(member.email, MEMBER_PASSWORD, stranger);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBe(LOCKOUT_WINDOW_MS / 1000);

    const owner = await signIn(member.email, MEMBER_PASSWORD, newClient());
    expect(owner.statusCode, owner.body).toBe(200);
    // The owner's success elsewhere does not unlock the stranger's address.
    expect((await signIn(member.email, MEMBER_PASSWORD, stranger)).json().error.code).toBe('ACCOUNT_LOCKED');
    t.clock.advance(LOCKOUT_WINDOW_MS + 1);
  });

  it('failures from many addresses slow the email down for at most a minute, then the owner signs in', async () => {
    const member = await buildFreshMember();
    const strangers = [newClient(), newClient(), newClient(), newClient()];
    for (const stranger of strangers) {
      for (let i = 0; i < LOCKOUT_ATTEMPTS; i++) {
        t.clock.advance(MAX_SLOWDOWN_MS);
        await signIn(member.email, `guess-${i}`, stranger);
      }
    }
    const slowed = await signIn(member.email, MEMBER_PASSWORD, newClient());
    expect(slowed.statusCode).toBe(429);
    expect(slowed.json().error.code).toBe('SIGN_IN_SLOWED');
    const wait = Number(slowed.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(MAX_SLOWDOWN_MS / 1000);

    t.clock.advance(wait * 1000);
    const owner = await signIn(member.email, MEMBER_PASSWORD, newClient());
    expect(owner.statusCode, owner.body).toBe(200);
    for (const stranger of strangers.slice(-2)) {
      expect((await signIn(member.email, MEMBER_PASSWORD, stranger)).json().error.code).toBe(
        'ACCOUNT_LOCKED',
      );
    }
    t.clock.advance(LOCKOUT_WINDOW_MS + 1);
  });
});

describe('personal API tokens', () => {
  it('are shown once, listed without the secret, record their last use and stop working when revoked', async () => {
    const member = await buildMember(t, tenant);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/api-tokens',
      headers: member.headers,
      payload: { name: 'CI script' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^cl_[A-Za-z0-9_-]{43}$/);

    const list = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/me/api-tokens', headers: member.headers })).json()
        .tokens as Record<string, unknown>[];
    const before = (await list()).find((x) => x.id === id);
    expect(before).toMatchObject({ name: 'CI script', lastUsedAt: null, revokedAt: null });
    expect(before).not.toHaveProperty('token');
    expect(JSON.stringify(await list())).not.toContain(token);

    t.clock.advance(5 * 60_000);
    const usedAt = t.clock.now().toISOString();
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) })).statusCode,
    ).toBe(200);
    expect((await list()).find((x) => x.id === id)?.lastUsedAt).toBe(usedAt);

    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/api-tokens/${id}`,
      headers: member.headers,
    });
    expect(revoke.statusCode).toBe(204);
    const refused = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('UNAUTHENTICATED');
    expect((await list()).find((x) => x.id === id)?.revokedAt).toBe(usedAt);
    // The token the member signed in with is untouched.
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: member.headers })).statusCode,
    ).toBe(200);
  });

  it("cannot revoke another user's token", async () => {
    const member = await buildMember(t, tenant);
    const [mine] = (
      await t.app.inject({ method: 'GET', url: '/api/v1/me/api-tokens', headers: member.headers })
    ).json().tokens;
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/api-tokens/${mine.id}`,
      headers: tenant.owner.headers,
    });
    expect(res.statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: member.headers })).statusCode,
    ).toBe(200);
  });

  it('only a hash of each secret is stored: a database dump reveals no token or session', async () => {
    const cookie = sessionOf(await signIn(tenant.owner.email, OWNER_PASSWORD, newClient()));
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/api-tokens',
      headers: tenant.owner.headers,
      payload: { name: 'dump probe' },
    });
    const secret: string = created.json().token;
    const dump = await t.db.execute<{ row: string }>(sql`
      SELECT row_to_json(a)::text AS row FROM api_tokens a
      UNION ALL SELECT row_to_json(s)::text FROM sessions s`);
    const text = dump.rows.map((r) => r.row).join('\n');
    for (const value of [secret, secret.slice(3), tenant.owner.token, tenant.owner.token.slice(3), cookie]) {
      expect(text).not.toContain(value);
    }
    const stored = await t.db.execute(sql`SELECT token_hash FROM api_tokens WHERE id = ${created.json().id}`);
    expect(stored.rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('cookie-authenticated writes check the Origin', () => {
  const host = 'desk.example.com';

  it('a write from another origin is a 403 BAD_ORIGIN and writes nothing; the same origin works', async () => {
    const cookie = sessionOf(await signIn(tenant.owner.email, OWNER_PASSWORD, newClient()));
    const createToken = (origin: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/me/api-tokens',
        headers: { host, origin },
        cookies: { clearline_session: cookie },
        payload: { name: `from ${origin}` },
      });
    const count = async () =>
      (
        await t.db.execute(
          sql`SELECT count(*)::int AS n FROM api_tokens WHERE user_id = ${tenant.owner.userId}`,
        )
      ).rows[0]?.n;
    const before = await count();

    const foreign = await createToken('https://evil.example.net');
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('BAD_ORIGIN');
    const lookalike = await createToken(`https://${host}.evil.example.net`);
    expect(lookalike.statusCode).toBe(403);
    expect(await count()).toBe(before);

    const same = await createToken(`http://${host}`);
    expect(same.statusCode, same.body).toBe(201);
    expect(await count()).toBe((before as number) + 1);
  });

  it('an Origin with another scheme or port is refused', async () => {
    const cookie = sessionOf(await signIn(tenant.owner.email, OWNER_PASSWORD, newClient()));
    const createToken = (hostHeader: string, origin: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/me/api-tokens',
        headers: { host: hostHeader, origin },
        cookies: { clearline_session: cookie },
        payload: { name: `from ${origin}` },
      });
    // The app is reached over plain http here (no TLS, no trusted proxy).
    for (const [hostHeader, origin] of [
      [`${host}:8080`, `https://${host}:8080`],
      [host, `https://${host}`],
      [`${host}:8080`, `http://${host}:8081`],
      [`${host}:8080`, `http://${host}`],
      [host, 'null'],
    ] as const) {
      const res = await createToken(hostHeader, origin);
      expect(res.statusCode, `${origin} on ${hostHeader}`).toBe(403);
      expect(res.json().error.code).toBe('BAD_ORIGIN');
    }
    expect((await createToken(`${host}:8080`, `http://${host}:8080`)).statusCode).toBe(201);
    expect((await createToken(`${host}:80`, `http://${host}`)).statusCode).toBe(201);
  });

  it('sign-out checks Origin', async () => {
    const cookie = sessionOf(await signIn(tenant.owner.email, OWNER_PASSWORD, newClient()));
    const signOut = (origin: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-out',
        headers: { host, origin },
        cookies: { clearline_session: cookie },
      });
    const me = () =>
      t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { clearline_session: cookie } });
    const foreign = await signOut('https://evil.example.net');
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('BAD_ORIGIN');
    expect((await me()).statusCode).toBe(200);
    expect((await signOut(`http://${host}`)).statusCode).toBe(204);
    expect((await me()).statusCode).toBe(401);
  });

  it('reads with a session cookie and writes with an API token are not origin-checked', async () => {
    const cookie = sessionOf(await signIn(tenant.owner.email, OWNER_PASSWORD, newClient()));
    const read = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { host, origin: 'https://evil.example.net' },
      cookies: { clearline_session: cookie },
    });
    expect(read.statusCode).toBe(200);
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/api-tokens',
      headers: { ...tenant.owner.headers, host, origin: 'https://integration.example.net' },
      payload: { name: 'server to server' },
    });
    expect(write.statusCode).toBe(201);
  });
});

describe('the password check holds no database connection', () => {
  it('no transaction stays open while scrypt checks a password, so slow checks cannot exhaust the pool', async () => {
    // A production-cost hash makes the check last long enough (about half a second here) to be watched
    // from another connection; a transaction idle for 100 ms is one waiting on something outside it.
    const member = await buildMember(t, tenant);
    const slowHash = await hashPassword(MEMBER_PASSWORD, PASSWORD_COST);
    await t.db.execute(sql`UPDATE users SET password_hash = ${slowHash} WHERE id = ${member.userId}`);
    let done = false;
    const signedIn = signIn(member.email, MEMBER_PASSWORD, newClient()).finally(() => {
      done = true;
    });
    let looks = 0;
    let openTransactions = 0;
    while (!done) {
      const { rows } = await t.db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'idle in transaction'
              AND clock_timestamp() - state_change > interval '100 milliseconds'`,
      );
      openTransactions = Math.max(openTransactions, rows[0]?.n ?? 0);
      looks++;
    }
    expect((await signedIn).statusCode).toBe(200);
    expect(looks).toBeGreaterThan(2);
    expect(openTransactions).toBe(0);
  });
});
