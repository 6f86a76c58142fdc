import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, type Staff, type Tenant } from '../../../../tests/helpers/factories.js';
import { expectError } from '../../../../tests/helpers/permissions.js';
import { linksIn, startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { sendDeliveryJob } from '../delivery/index.js';

let t: TestApp;
let tenant: Tenant;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t);
});

// Sign-in and reset requests are rate limited per client address: each call comes from its own.
const client = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const signIn = (email: string, password: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email, password },
    remoteAddress: client(),
  });

async function sessionOf(email: string, password: string) {
  const res = await signIn(email, password);
  const cookie = res.cookies.find((c) => c.name === 'clearline_session');
  if (!cookie) throw new Error(`no session: ${res.body}`);
  return cookie.value;
}

const me = (cookie: string) =>
  t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { clearline_session: cookie } });

const changePassword = (cookie: string, currentPassword: string, newPassword: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/me/password',
    cookies: { clearline_session: cookie },
    payload: { currentPassword, newPassword },
  });

const askReset = (email: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password-reset',
    payload: { email },
    remoteAddress: client(),
  });

const completeReset = (token: string, password: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password-reset/complete',
    payload: { token, password },
    remoteAddress: client(),
  });

const resetMails = async (email: string) =>
  (
    await t.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM deliveries WHERE kind = 'password_reset' AND recipient = ${email}`,
    )
  ).rows[0]?.n;

/** The token of the newest reset link mailed to the member, as the SMTP server received it. */
async function latestResetToken(as: Staff) {
  await t.runJobs(sendDeliveryJob);
  const mail = smtp.to(as.email).at(-1);
  const link = linksIn(mail?.parsed.text ?? '').find((l) =>
    new URL(l).pathname.startsWith('/app/reset-password/'),
  );
  if (!link) throw new Error('no reset link');
  return new URL(link).pathname.split('/').at(-1) as string;
}

describe('changing a password', () => {
  it('a password change needs the current password and ends other sessions', async () => {
    const member = await buildMember(t, tenant, { role: 'staff' });
    const [here, elsewhere] = [
      await sessionOf(member.email, 'member-password'),
      await sessionOf(member.email, 'member-password'),
    ];

    const wrong = await changePassword(here, 'not my password', 'a brand new password');
    expectError(wrong, 400, 'VALIDATION_ERROR');
    expect(wrong.json().error.details).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
    expect((await me(elsewhere)).statusCode).toBe(200);

    expect((await changePassword(here, 'member-password', 'a brand new password')).statusCode).toBe(204);
    expect((await me(here)).statusCode).toBe(200);
    expect((await me(elsewhere)).statusCode).toBe(401);
    expect((await signIn(member.email, 'member-password')).statusCode).toBe(401);
    expect((await signIn(member.email, 'a brand new password')).statusCode).toBe(200);
  });

  it('refuses a new password shorter than 8 characters', async () => {
    const cookie = await sessionOf(tenant.owner.email, 'owner-password');
    expectError(await changePassword(cookie, 'owner-password', 'short'), 400, 'VALIDATION_ERROR');
  });
});

describe('resetting a forgotten password', () => {
  it('a reset link works once, expires after 30 minutes, and the same answer is given for unknown addresses', async () => {
    const member = await buildMember(t, tenant, { role: 'staff' });
    const known = await askReset(member.email);
    const unknown = await askReset('nobody-here@example.com');
    expect(known.statusCode).toBe(202);
    expect([unknown.statusCode, unknown.body]).toEqual([known.statusCode, known.body]);
    expect(await resetMails('nobody-here@example.com')).toBe(0);
    expect(await resetMails(member.email)).toBe(1);

    const session = await sessionOf(member.email, 'member-password');
    const token = await latestResetToken(member);
    expectError(
      await completeReset(`${token.slice(0, -2)}AA`, 'chosen after reset'),
      400,
      'RESET_LINK_INVALID',
    );
    expect((await completeReset(token, 'chosen after reset')).statusCode).toBe(204);
    // Every session ends: whoever asked for the link may not be the one who was signed in.
    expect((await me(session)).statusCode).toBe(401);
    expect((await signIn(member.email, 'chosen after reset')).statusCode).toBe(200);
    expectError(await completeReset(token, 'second use'), 400, 'RESET_LINK_INVALID');
    expect((await signIn(member.email, 'second use')).statusCode).toBe(401);

    await askReset(member.email);
    const late = await latestResetToken(member);
    t.clock.advance(30 * 60_000 + 1000);
    expectError(await completeReset(late, 'too late'), 400, 'RESET_LINK_INVALID');
    expect((await signIn(member.email, 'chosen after reset')).statusCode).toBe(200);
  });

  it('a password change revokes the open reset links', async () => {
    const member = await buildMember(t, tenant, { role: 'staff' });
    await askReset(member.email);
    const token = await latestResetToken(member);
    const cookie = await sessionOf(member.email, 'member-password');
    expect((await changePassword(cookie, 'member-password', 'changed meanwhile')).statusCode).toBe(204);
    expectError(await completeReset(token, 'from the old link'), 400, 'RESET_LINK_INVALID');
  });

  it('sends at most 3 reset links per address in 30 minutes', async () => {
    const member = await buildMember(t, tenant, { role: 'staff' });
    for (let i = 0; i < 5; i++) expect((await askReset(member.email)).statusCode).toBe(202);
    expect(await resetMails(member.email)).toBe(3);
  });

  it('the reset mail names the person and when the link expires', async () => {
    const member = await buildMember(t, tenant, { role: 'staff', name: 'Rhea Reset' });
    await askReset(member.email);
    await latestResetToken(member);
    const mail = smtp.to(member.email).at(-1);
    expect(mail?.parsed.subject).toMatch(/^Reset your .+ password$/);
    expect(mail?.parsed.text).toContain('Hello Rhea Reset');
    expect(mail?.parsed.text).toMatch(/It works once and expires at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  });
});
