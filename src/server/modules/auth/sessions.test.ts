import { randomInt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, type Staff, type Tenant } from '../../../../tests/helpers/factories.js';
import { expectError } from '../../../../tests/helpers/permissions.js';

let t: TestApp;
let tenant: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
});

interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string | null;
  userAgent: string | null;
  ipAddress: string | null;
  current: boolean;
}

async function signIn(
  as: Staff,
  password: string,
  userAgent: string,
  ip = `10.2.${randomInt(256)}.${randomInt(1, 255)}`,
) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    headers: { 'user-agent': userAgent },
    payload: { email: as.email, password },
    remoteAddress: ip,
  });
  const cookie = res.cookies.find((c) => c.name === 'clearline_session');
  if (!cookie) throw new Error(`no session: ${res.body}`);
  return cookie.value;
}

const asCookie = (cookie: string, method: 'GET' | 'DELETE', url: string) =>
  t.app.inject({ method, url, cookies: { clearline_session: cookie } });
const works = async (cookie: string) => (await asCookie(cookie, 'GET', '/api/v1/me')).statusCode === 200;
const listSessions = async (cookie: string): Promise<SessionView[]> =>
  (await asCookie(cookie, 'GET', '/api/v1/me/sessions')).json().sessions;

describe('a member’s own sessions', () => {
  it('a member can list sessions and sign out everywhere', async () => {
    const member = await buildMember(t, tenant, { role: 'staff' });
    const laptop = await signIn(member, 'member-password', 'Laptop Firefox', '10.9.9.1');
    t.clock.advance(5 * 60_000);
    const phone = await signIn(member, 'member-password', 'Phone Safari', '10.9.9.2');
    t.clock.advance(5 * 60_000);
    expect(await works(laptop)).toBe(true);

    const seen = await listSessions(laptop);
    expect(seen.map((s) => [s.userAgent, s.ipAddress, s.current])).toEqual([
      ['Laptop Firefox', '10.9.9.1', true],
      ['Phone Safari', '10.9.9.2', false],
    ]);
    // The laptop was just used: its last-seen time moved, the phone's is its sign-in time.
    const [laptopView, phoneView] = seen;
    expect(new Date(laptopView?.lastSeenAt ?? 0).getTime()).toBe(t.clock.now().getTime());
    expect(phoneView?.lastSeenAt).toBe(phoneView?.createdAt);

    const everywhere = await asCookie(phone, 'DELETE', '/api/v1/me/sessions');
    expect(everywhere.statusCode).toBe(204);
    expect(everywhere.cookies.find((c) => c.name === 'clearline_session')?.value).toBe('');
    expect(await works(laptop)).toBe(false);
    expect(await works(phone)).toBe(false);
  });

  it('a member can end one session, not someone else’s', async () => {
    const member = await buildMember(t, tenant, { role: 'staff' });
    const other = await buildMember(t, tenant, { role: 'staff' });
    const a = await signIn(member, 'member-password', 'A');
    const b = await signIn(member, 'member-password', 'B');
    const theirs = await signIn(other, 'member-password', 'C');
    const bId = (await listSessions(a)).find((s) => !s.current)?.id as string;
    const theirId = (await listSessions(theirs))[0]?.id as string;
    expectError(await asCookie(a, 'DELETE', `/api/v1/me/sessions/${theirId}`), 404, 'NOT_FOUND');
    expect(await works(theirs)).toBe(true);
    expect((await asCookie(a, 'DELETE', `/api/v1/me/sessions/${bId}`)).statusCode).toBe(204);
    expect([await works(a), await works(b)]).toEqual([true, false]);
  });
});

describe('resetting a member’s sessions', () => {
  const reset = (as: Staff, userId: string) =>
    t.app.inject({
      method: 'DELETE',
      url: `/api/v1/projects/${tenant.projectId}/members/${userId}/sessions`,
      headers: as.headers,
    });

  it('an admin can reset a member’s sessions', async () => {
    const admin = await buildMember(t, tenant, { role: 'admin' });
    const member = await buildMember(t, tenant, { role: 'staff' });
    const cookies = [
      await signIn(member, 'member-password', 'A'),
      await signIn(member, 'member-password', 'B'),
    ];
    const members = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${tenant.projectId}/members`,
      headers: admin.headers,
    });
    const view = members.json().members.find((m: { userId: string }) => m.userId === member.userId);
    expect(view.abilities).toEqual({ resetSessions: true });

    const res = await reset(admin, member.userId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ended: 2 });
    for (const cookie of cookies) expect(await works(cookie)).toBe(false);
  });

  it('needs members.manage, and leaves the account owner’s sessions alone', async () => {
    const staff = await buildMember(t, tenant, { role: 'staff' });
    const admin = await buildMember(t, tenant, { role: 'admin' });
    const victim = await buildMember(t, tenant, { role: 'staff' });
    const cookie = await signIn(victim, 'member-password', 'A');
    expectError(await reset(staff, victim.userId), 403, 'FORBIDDEN');
    expect(await works(cookie)).toBe(true);

    const ownerCookie = await signIn(tenant.owner, 'owner-password', 'Owner');
    expectError(await reset(admin, tenant.owner.userId), 403, 'FORBIDDEN');
    expect(await works(ownerCookie)).toBe(true);
    const stranger = await buildAccount(t);
    expectError(await reset(admin, stranger.owner.userId), 404, 'NOT_FOUND');
  });
});
