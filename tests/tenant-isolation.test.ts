import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Staff, type Tenant } from './helpers/factories.js';

let t: TestApp;
let a: Tenant;
let b: Tenant;
/** Account A's data that B goes after. */
let aStaff: Staff;
let aTicket: { id: string; reference: string };
let aMessageId: string;
let aRoleId: string;
let aTokenId: string;
/** B's own things, used to smuggle A's ids in. */
let bStaff: Staff;
let bTicket: { id: string; reference: string };

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Res = { statusCode: number; body: string };
const call = (as: Staff, method: Method, url: string, payload?: object) =>
  t.app.inject({ method, url, headers: as.headers, ...(payload && { payload }) });
const expectError = (res: Res, status: number, code: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(JSON.parse(res.body).error.code).toBe(code);
};
/** A PNG (by its signature) that carries this text. */
const pngOf = (text: string) => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from(text)]);
const putLogo = (as: Staff, payload: Buffer) =>
  t.app.inject({
    method: 'PUT',
    url: '/api/v1/account/logo',
    headers: { ...as.headers, 'content-type': 'image/png' },
    payload,
  });
const logoOf = (tenant: Tenant) =>
  t.app.inject({ method: 'GET', url: `/api/v1/accounts/${tenant.accountId}/logo` });

/** Everything A's owner can read about account A: compared before and after B's attempts. */
async function snapshotOfA() {
  const get = async (url: string) => (await call(a.owner, 'GET', url)).json();
  const project = `/api/v1/projects/${a.projectId}`;
  return {
    me: await get('/api/v1/me'),
    members: await get(`${project}/members`),
    roles: await get(`${project}/roles`),
    tickets: await get(`${project}/tickets?limit=100`),
    ticket: await get(`/api/v1/tickets/${aTicket.id}`),
    tokens: await get('/api/v1/me/api-tokens'),
    logo: (await logoOf(a)).rawPayload.toString('base64'),
  };
}

beforeAll(async () => {
  t = await createTestApp();
  a = await buildAccount(t, { name: 'Account A', projectKey: 'AAA' });
  b = await buildAccount(t, { name: 'Account B', projectKey: 'BBB' });
  aStaff = await buildMember(t, a, { role: 'staff', name: 'Alice of A' });
  bStaff = await buildMember(t, b, { role: 'staff', name: 'Bob of B' });
  aTicket = await buildTicket(t, a, { subject: 'Secret of A', assigneeId: aStaff.userId, tags: ['a-only'] });
  await buildTicket(t, a, { subject: 'Another secret of A' });
  bTicket = await buildTicket(t, b, { subject: 'Ticket of B' });
  const reply = await call(aStaff, 'POST', `/api/v1/tickets/${aTicket.id}/messages`, { body: 'A reply' });
  aMessageId = reply.json().id;
  await call(aStaff, 'POST', `/api/v1/tickets/${aTicket.id}/messages`, { body: 'A note', internal: true });
  await call(a.owner, 'PUT', `/api/v1/tickets/${aTicket.id}/watchers/${aStaff.userId}`);
  const role = await call(a.owner, 'POST', `/api/v1/projects/${a.projectId}/roles`, {
    name: 'A custom',
    permissions: ['tickets.view_all'],
  });
  aRoleId = role.json().id;
  expect((await putLogo(a.owner, pngOf('logo of A'))).statusCode).toBe(204);
  aTokenId = (await call(a.owner, 'GET', '/api/v1/me/api-tokens')).json().tokens[0].id;
});

describe("account B's owner, on account A", () => {
  const project = () => `/api/v1/projects/${a.projectId}`;
  const ticket = () => `/api/v1/tickets/${aTicket.id}`;
  const attempts: [string, () => [Method, string, object?]][] = [
    ['list the members', () => ['GET', `${project()}/members`]],
    [
      'add a member',
      () => [
        'POST',
        `${project()}/members`,
        { email: 'x@example.com', name: 'X', password: 'password1', roleId: aRoleId },
      ],
    ],
    ["change a member's role", () => ['PATCH', `${project()}/members/${aStaff.userId}`, { roleId: aRoleId }]],
    ['remove a member', () => ['DELETE', `${project()}/members/${aStaff.userId}`]],
    ['list the roles', () => ['GET', `${project()}/roles`]],
    ['create a role', () => ['POST', `${project()}/roles`, { name: 'Planted', permissions: [] }]],
    ['edit a role', () => ['PATCH', `${project()}/roles/${aRoleId}`, { permissions: [] }]],
    ['delete a role', () => ['DELETE', `${project()}/roles/${aRoleId}`]],
    ['rename the project', () => ['PATCH', project(), { name: 'Taken over' }]],
    ['delete the project', () => ['DELETE', project()]],
    ['list the tickets', () => ['GET', `${project()}/tickets`]],
    [
      'create a ticket',
      () => [
        'POST',
        `${project()}/tickets`,
        { subject: 'S', body: 'B', requester: { email: 'r@example.com', name: 'R' } },
      ],
    ],
    ['read a ticket', () => ['GET', ticket()]],
    ['change its subject', () => ['PATCH', ticket(), { subject: 'Changed by B' }]],
    ['change its status', () => ['PATCH', ticket(), { status: 'resolved' }]],
    ['assign it to themselves', () => ['PATCH', ticket(), { assigneeId: b.owner.userId }]],
    ['delete it', () => ['DELETE', ticket()]],
    ['watch it', () => ['PUT', `${ticket()}/watchers/${b.owner.userId}`]],
    ['remove its watcher', () => ['DELETE', `${ticket()}/watchers/${aStaff.userId}`]],
    ['reply on it', () => ['POST', `${ticket()}/messages`, { body: 'From B' }]],
    ['add an internal note', () => ['POST', `${ticket()}/messages`, { body: 'From B', internal: true }]],
    ['edit a message', () => ['PATCH', `${ticket()}/messages/${aMessageId}`, { body: 'Edited by B' }]],
    ['delete a message', () => ['DELETE', `${ticket()}/messages/${aMessageId}`]],
    [
      "edit A's message through B's ticket",
      () => ['PATCH', `/api/v1/tickets/${bTicket.id}/messages/${aMessageId}`, { body: 'x' }],
    ],
    [
      "delete A's message through B's ticket",
      () => ['DELETE', `/api/v1/tickets/${bTicket.id}/messages/${aMessageId}`],
    ],
    ["revoke A's API token", () => ['DELETE', `/api/v1/me/api-tokens/${aTokenId}`]],
  ];

  let before: Awaited<ReturnType<typeof snapshotOfA>>;
  beforeAll(async () => {
    before = await snapshotOfA();
  });

  it.each(attempts)('cannot %s: 404, as if it did not exist', async (_what, attempt) => {
    expectError(await call(b.owner, ...attempt()), 404, 'NOT_FOUND');
  });

  it('gets the same answer for A’s ticket as for one that never existed', async () => {
    const real = await call(b.owner, 'GET', `/api/v1/tickets/${aTicket.id}`);
    const missing = await call(b.owner, 'GET', `/api/v1/tickets/${randomUUID()}`);
    expect(real.statusCode).toBe(404);
    expect(real.body).toBe(missing.body);
  });

  it("left all of A's data unchanged, and A's token still works", async () => {
    expect(await snapshotOfA()).toEqual(before);
    expect(before.ticket).toMatchObject({ subject: 'Secret of A', status: 'open' });
    expect(before.ticket.thread).toHaveLength(3);
    expect(before.ticket.watchers).toEqual([{ id: aStaff.userId, name: 'Alice of A' }]);
  });
});

describe("account-wide settings stay each account's own", () => {
  it("B's account and logo changes touch only account B", async () => {
    const aBefore = (await call(a.owner, 'GET', '/api/v1/me')).json().account;
    const renamed = await call(b.owner, 'PATCH', '/api/v1/account', {
      name: 'B renamed',
      timezone: 'Asia/Tokyo',
    });
    expect(renamed.json()).toMatchObject({ id: b.accountId, name: 'B renamed' });
    expect((await putLogo(b.owner, pngOf('logo of B'))).statusCode).toBe(204);
    expect((await logoOf(a)).rawPayload).toEqual(pngOf('logo of A'));
    expect((await call(b.owner, 'DELETE', '/api/v1/account/logo')).statusCode).toBe(204);
    expect((await logoOf(a)).rawPayload).toEqual(pngOf('logo of A'));
    expect((await logoOf(b)).statusCode).toBe(404);
    expect((await call(a.owner, 'GET', '/api/v1/me')).json().account).toEqual(aBefore);
  });

  it("B's lists never contain A's projects, tickets or tokens", async () => {
    const projects = (await call(b.owner, 'GET', '/api/v1/projects')).json().projects;
    expect(projects.map((p: { id: string }) => p.id)).toEqual([b.projectId]);
    const tokens = (await call(b.owner, 'GET', '/api/v1/me/api-tokens')).json().tokens;
    expect(tokens.map((x: { id: string }) => x.id)).not.toContain(aTokenId);
    const queries = [
      '',
      '?q=Secret',
      `?q=${aTicket.reference}`,
      '?q=1',
      `?assignee=${aStaff.userId}`,
      '?tag=a-only',
    ];
    for (const query of queries) {
      const res = await call(b.owner, 'GET', `/api/v1/projects/${b.projectId}/tickets${query}`);
      expect(res.statusCode, res.body).toBe(200);
      for (const listed of res.json().tickets) expect(listed.projectId, query).toBe(b.projectId);
    }
    const all = (await call(b.owner, 'GET', `/api/v1/projects/${b.projectId}/tickets`)).json().tickets;
    expect(all.map((x: { id: string }) => x.id)).toEqual([bTicket.id]);
  });
});

describe("A's people cannot be pulled into account B", () => {
  const bMembers = async () =>
    (await call(b.owner, 'GET', `/api/v1/projects/${b.projectId}/members`)).json().members;
  const bStaffRole = async () =>
    (await call(b.owner, 'GET', `/api/v1/projects/${b.projectId}/roles`))
      .json()
      .roles.find((r: { kind: string }) => r.kind === 'staff').id;
  const aMemberships = async () => (await call(aStaff, 'GET', '/api/v1/projects')).json().projects;

  it("B cannot add A's user as a member, by email or by id", async () => {
    const [membersBefore, aBefore] = [await bMembers(), await aMemberships()];
    const roleId = await bStaffRole();
    const byEmail = await call(b.owner, 'POST', `/api/v1/projects/${b.projectId}/members`, {
      email: aStaff.email,
      roleId,
    });
    expectError(byEmail, 400, 'VALIDATION_ERROR');
    const withPassword = await call(b.owner, 'POST', `/api/v1/projects/${b.projectId}/members`, {
      email: aStaff.email,
      name: 'Hijacked',
      password: 'hijack-password',
      roleId,
    });
    // Staff emails are unique across the instance (sign-in is by email alone), so this is refused too.
    expectError(withPassword, 409, 'CONFLICT');
    const byId = await call(b.owner, 'PATCH', `/api/v1/projects/${b.projectId}/members/${aStaff.userId}`, {
      roleId,
    });
    expectError(byId, 404, 'NOT_FOUND');
    expect(await bMembers()).toEqual(membersBefore);
    expect(await aMemberships()).toEqual(aBefore);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: aStaff.email, password: 'hijack-password' },
    });
    expectError(signIn, 401, 'UNAUTHENTICATED');
  });

  it("B cannot give one of A's roles to its own members", async () => {
    const membersBefore = await bMembers();
    const url = `/api/v1/projects/${b.projectId}/members`;
    const add = await call(b.owner, 'POST', url, {
      email: 'n@example.com',
      name: 'N',
      password: 'password1',
      roleId: aRoleId,
    });
    expectError(add, 404, 'NOT_FOUND');
    expectError(
      await call(b.owner, 'PATCH', `${url}/${bStaff.userId}`, { roleId: aRoleId }),
      404,
      'NOT_FOUND',
    );
    expect(await bMembers()).toEqual(membersBefore);
  });

  it("B cannot assign A's user to a B ticket, nor make them a watcher", async () => {
    const view = async () => (await call(b.owner, 'GET', `/api/v1/tickets/${bTicket.id}`)).json();
    const before = await view();
    const assign = await call(b.owner, 'PATCH', `/api/v1/tickets/${bTicket.id}`, {
      assigneeId: aStaff.userId,
    });
    expectError(assign, 400, 'VALIDATION_ERROR');
    const watch = await call(b.owner, 'PUT', `/api/v1/tickets/${bTicket.id}/watchers/${aStaff.userId}`);
    expectError(watch, 400, 'VALIDATION_ERROR');
    expect(await view()).toEqual(before);
    const listBefore = (await call(b.owner, 'GET', `/api/v1/projects/${b.projectId}/tickets`)).json();
    const create = await call(b.owner, 'POST', `/api/v1/projects/${b.projectId}/tickets`, {
      subject: 'For A',
      body: 'B',
      requester: { email: 'r@example.com', name: 'R' },
      assigneeId: aStaff.userId,
    });
    expectError(create, 400, 'VALIDATION_ERROR');
    expect((await call(b.owner, 'GET', `/api/v1/projects/${b.projectId}/tickets`)).json()).toEqual(
      listBefore,
    );
  });
});

describe('API tokens', () => {
  it('a revoked API token gets 401 everywhere, and the other tokens keep working', async () => {
    const created = await call(aStaff, 'POST', '/api/v1/me/api-tokens', { name: 'to revoke' });
    const revoked = { ...aStaff, headers: { authorization: `Bearer ${created.json().token}` } };
    expect((await call(revoked, 'GET', `/api/v1/tickets/${aTicket.id}`)).statusCode).toBe(200);
    expect((await call(aStaff, 'DELETE', `/api/v1/me/api-tokens/${created.json().id}`)).statusCode).toBe(204);
    for (const [method, url, payload] of [
      ['GET', `/api/v1/tickets/${aTicket.id}`],
      ['GET', '/api/v1/projects'],
      ['POST', `/api/v1/tickets/${aTicket.id}/messages`, { body: 'After revocation' }],
      ['POST', '/api/v1/me/api-tokens', { name: 'replacement' }],
    ] as [Method, string, object?][]) {
      expectError(await call(revoked, method, url, payload), 401, 'UNAUTHENTICATED');
    }
    const thread = (await call(aStaff, 'GET', `/api/v1/tickets/${aTicket.id}`)).json().thread;
    expect(thread.map((m: { body: string }) => m.body)).not.toContain('After revocation');
  });
});
