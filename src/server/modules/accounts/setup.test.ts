import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { bearer } from '../../../../tests/helpers/factories.js';

// Setup only runs on an empty database: every describe block gets a fresh app of its own and
// nothing here builds an account through the factories.

const setupInput = {
  accountName: 'Acme Corp',
  projectName: 'Acme Support',
  name: 'Olive Owner',
  email: 'olive@acme.example',
  password: 'correct horse battery',
};

const countAccounts = async (t: TestApp) =>
  (await t.db.execute(sql`SELECT count(*)::int AS n FROM accounts`)).rows[0]?.n;

const getRoot = (t: TestApp) => t.app.inject({ method: 'GET', url: '/' });

const postForm = (t: TestApp, values: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/setup',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(values).toString(),
  });

function expectSetupForm(html: string) {
  expect(html).toContain('<form method="post" action="/setup">');
  for (const name of ['accountName', 'projectName', 'name', 'email', 'password']) {
    expect(html).toMatch(new RegExp(`<input id="${name}" name="${name}"`));
  }
  expect(html).toMatch(/name="password" type="password"/);
}

describe('setup through the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });

  it('while no account exists, GET / shows the setup form as HTML', async () => {
    const res = await getRoot(t);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expectSetupForm(res.body);
    expect(res.body).toContain('Account name');
    expect(res.body).toContain('First project');
  });

  it('an invalid setup is a 400 naming the field and creates nothing', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { ...setupInput, email: 'not-an-email', password: 'short' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_ERROR');
    const fields = res.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'password']));
    expect(await countAccounts(t)).toBe(0);
  });

  it('POST /api/v1/setup creates the account, project and owner and returns a working token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: setupInput });
    expect(res.statusCode, res.body).toBe(201);
    const result = res.json();
    expect(Object.keys(result).sort()).toEqual(['accountId', 'projectId', 'token', 'userId']);
    expect(result.token).toMatch(/^cl_/);

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(result.token) });
    expect(me.statusCode, me.body).toBe(200);
    // The person who sets the account up is its owner, with the account-wide permissions.
    expect(me.json().user).toEqual({
      id: result.userId,
      name: 'Olive Owner',
      email: 'olive@acme.example',
      accountRole: 'owner',
    });
    expect(me.json().account).toMatchObject({
      id: result.accountId,
      name: 'Acme Corp',
      timezone: 'UTC',
      abilities: { update: true, viewOutgoingMail: true },
    });
    expect(me.json().projects).toEqual([
      expect.objectContaining({
        id: result.projectId,
        name: 'Acme Support',
        key: 'ACME',
        role: expect.objectContaining({ kind: 'owner' }),
      }),
    ]);
  });

  it('once set up, setup answers 409 SETUP_DONE and creates nothing', async () => {
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { ...setupInput, email: 'mallory@evil.example', accountName: 'Takeover' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('SETUP_DONE');
    const form = await postForm(t, { ...setupInput, email: 'mallory@evil.example' });
    expect(form.statusCode).toBe(409);
    expect(form.cookies.find((c) => c.name === 'clearline_session')).toBeUndefined();
    expect(await countAccounts(t)).toBe(1);
    const users = await t.db.execute(sql`SELECT email FROM users`);
    expect(users.rows).toEqual([{ email: 'olive@acme.example' }]);
  });

  it('once set up, GET / no longer shows the setup form but sends to the staff app', async () => {
    const res = await getRoot(t);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/app/');
    expect(res.body).not.toContain('action="/setup"');
    expect(res.body).not.toContain('name="password"');
  });
});

describe('setup through the HTML form', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });

  it('invalid input re-renders the form with the typed values escaped and a message', async () => {
    const typed = {
      ...setupInput,
      accountName: '<script>alert("x")</script> & Co',
      email: 'not-an-email',
    };
    const res = await postForm(t, typed);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expectSetupForm(res.body);
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).toContain('value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"');
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).toContain(`value="${setupInput.projectName}"`);
    expect(res.body).toMatch(/role="alert">email: [^<]+</);
    // The password is never sent back.
    expect(res.body).not.toContain(setupInput.password);
    expect(await countAccounts(t)).toBe(0);
    expectSetupForm((await getRoot(t)).body);
  });

  it('a valid form creates the account, signs the owner in and redirects with 303', async () => {
    const res = await postForm(t, setupInput);
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = res.cookies.find((c) => c.name === 'clearline_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      cookies: { clearline_session: cookie?.value ?? '' },
    });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json().user.email).toBe(setupInput.email);
    expect(me.json().account.name).toBe('Acme Corp');
    expect(await countAccounts(t)).toBe(1);
    expect((await getRoot(t)).body).not.toContain('action="/setup"');
  });
});

describe('concurrent setups', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });

  it('two setups at the same moment create exactly one account', async () => {
    const attempt = (n: number) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { ...setupInput, accountName: `Racer ${n}`, email: `racer${n}@example.com` },
      });
    const results = await Promise.all([attempt(1), attempt(2), attempt(3)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    expect(await countAccounts(t)).toBe(1);
  });
});
