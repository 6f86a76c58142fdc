import { beforeAll, describe, expect, it } from 'vitest';
import type { Permission } from '../src/shared/tickets.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Staff, type Tenant } from './helpers/factories.js';
import { allBut, expectError, type Method, permissionHelpers } from './helpers/permissions.js';

let t: TestApp;
let tenant: Tenant;
/** A Staff member tickets get assigned to: "someone else" for the members under test. */
let colleague: Staff;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
  colleague = await buildMember(t, tenant, { role: 'staff', name: 'Cole Colleague' });
});

const { call, member } = permissionHelpers(() => ({ t, tenant }));
/** Holds no tickets.view_all: sees only what is assigned to it. */
const narrowMember = () => member(['tickets.create', 'tickets.assign', 'tickets.update']);

/** The owner's full view of a ticket (thread and watchers included): "nothing changed" compares it. */
const ownerView = async (ticketId: string) =>
  (await call(tenant.owner, 'GET', `/api/v1/tickets/${ticketId}`)).json();
const ticketsUrl = () => `/api/v1/projects/${tenant.projectId}/tickets`;

describe('tickets.view_all', () => {
  it('a member without tickets.view_all gets 404 for a ticket assigned to someone else, on every ticket route', async () => {
    const narrow = await member(allBut('tickets.view_all'));
    const assigned = await buildTicket(t, tenant, { assigneeId: colleague.userId });
    const unassigned = await buildTicket(t, tenant);
    for (const ticket of [assigned, unassigned]) {
      const before = await ownerView(ticket.id);
      const url = `/api/v1/tickets/${ticket.id}`;
      const messageUrl = `${url}/messages/${before.thread[0].id}`;
      const attempts: [Method, string, object?][] = [
        ['GET', url],
        ['PATCH', url, { subject: 'Seen it' }],
        ['PATCH', url, { assigneeId: narrow.userId }],
        ['DELETE', url],
        ['PUT', `${url}/watchers/${narrow.userId}`],
        ['POST', `${url}/messages`, { body: 'Hello' }],
        ['PATCH', messageUrl, { body: 'Changed' }],
        ['DELETE', messageUrl],
      ];
      for (const [method, path, payload] of attempts) {
        expectError(await call(narrow, method, path, payload), 404, 'NOT_FOUND');
      }
      expect(await ownerView(ticket.id)).toEqual(before);
    }
  });

  it('a member without tickets.view_all never sees a ticket assigned to someone else in a list, whatever the filter', async () => {
    const narrow = await narrowMember();
    const mine = [
      await buildTicket(t, tenant, { assigneeId: narrow.userId, subject: 'Needle one' }),
      await buildTicket(t, tenant, { assigneeId: narrow.userId, subject: 'Needle two' }),
    ];
    const other = await buildTicket(t, tenant, { assigneeId: colleague.userId, subject: 'Needle three' });
    await buildTicket(t, tenant, { subject: 'Needle four' });
    const queries = [
      '',
      '?status=open',
      '?q=Needle',
      `?q=${other.reference}`,
      `?assignee=${colleague.userId}`,
      '?assignee=none',
      '?assignee=me',
    ];
    for (const query of queries) {
      const res = await call(narrow, 'GET', `${ticketsUrl()}${query}`);
      expect(res.statusCode, res.body).toBe(200);
      for (const listed of res.json().tickets) expect(listed.assignee?.id, query).toBe(narrow.userId);
    }
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await call(narrow, 'GET', `${ticketsUrl()}?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.json().tickets.map((x: { id: string }) => x.id));
      cursor = page.json().nextCursor;
    }
    const assignedToNarrow = await call(
      tenant.owner,
      'GET',
      `${ticketsUrl()}?assignee=${narrow.userId}&limit=100`,
    );
    const expected = assignedToNarrow.json().tickets.map((x: { id: string }) => x.id);
    expect(expected).toEqual(expect.arrayContaining(mine.map((x) => x.id)));
    expect(expected).not.toContain(other.id);
    expect(seen.sort()).toEqual(expected.sort());
  });

  it('a member without tickets.view_all sees and works on a ticket assigned to them', async () => {
    const narrow = await narrowMember();
    const ticket = await buildTicket(t, tenant, { assigneeId: narrow.userId });
    expect((await call(narrow, 'GET', `/api/v1/tickets/${ticket.id}`)).statusCode).toBe(200);
    const res = await call(narrow, 'PATCH', `/api/v1/tickets/${ticket.id}`, { subject: 'Mine to fix' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await ownerView(ticket.id)).subject).toBe('Mine to fix');
  });

  it('a member with tickets.view_all sees every ticket of the project, by id and in the list', async () => {
    const viewer = await member(['tickets.view_all']);
    const ticket = await buildTicket(t, tenant, { assigneeId: colleague.userId });
    expect((await call(viewer, 'GET', `/api/v1/tickets/${ticket.id}`)).statusCode).toBe(200);
    const listed = (await call(viewer, 'GET', `${ticketsUrl()}?limit=100`)).json().tickets;
    expect(listed.map((x: { id: string }) => x.id)).toContain(ticket.id);
  });
});

describe('creating tickets', () => {
  const listAll = async () =>
    (await call(tenant.owner, 'GET', `${ticketsUrl()}?limit=100`))
      .json()
      .tickets.map((x: { id: string }) => x.id);
  const newTicket = (assigneeId?: string) => ({
    subject: 'Created under test',
    body: 'Body',
    requester: { email: 'rita@example.com', name: 'Rita Requester' },
    ...(assigneeId && { assigneeId }),
  });

  it('needs tickets.create', async () => {
    const allowed = await member(['tickets.create']);
    const created = await call(allowed, 'POST', ticketsUrl(), newTicket());
    expect(created.statusCode, created.body).toBe(201);
    expect(await listAll()).toContain(created.json().id);

    const denied = await member(allBut('tickets.create'));
    const before = await listAll();
    expectError(await call(denied, 'POST', ticketsUrl(), newTicket()), 403, 'FORBIDDEN');
    expect(await listAll()).toEqual(before);
  });

  it('with an assignee also needs tickets.assign', async () => {
    const allowed = await narrowMember();
    const created = await call(allowed, 'POST', ticketsUrl(), newTicket(colleague.userId));
    expect(created.statusCode, created.body).toBe(201);
    expect((await ownerView(created.json().id)).assignee.id).toBe(colleague.userId);

    const denied = await member(allBut('tickets.assign'));
    const before = await listAll();
    expectError(await call(denied, 'POST', ticketsUrl(), newTicket(colleague.userId)), 403, 'FORBIDDEN');
    expect(await listAll()).toEqual(before);
  });
});

describe('changing a ticket', () => {
  const cases: {
    field: string;
    permission: Permission;
    payload: () => object;
    check: (v: TicketView) => unknown;
  }[] = [
    {
      field: 'status',
      permission: 'tickets.change_status',
      payload: () => ({ status: 'in_progress' }),
      check: (v) => v.status,
    },
    {
      field: 'priority',
      permission: 'tickets.change_priority',
      payload: () => ({ priority: 'urgent' }),
      check: (v) => v.priority,
    },
    {
      field: 'assigneeId',
      permission: 'tickets.assign',
      payload: () => ({ assigneeId: colleague.userId }),
      check: (v) => v.assignee?.id,
    },
    {
      field: 'subject',
      permission: 'tickets.update',
      payload: () => ({ subject: 'Renamed' }),
      check: (v) => v.subject,
    },
    { field: 'tags', permission: 'tickets.update', payload: () => ({ tags: ['vip'] }), check: (v) => v.tags },
  ];
  type TicketView = {
    status: string;
    priority: string;
    subject: string;
    tags: string[];
    assignee: { id: string } | null;
  };

  it.each(cases)('$field needs $permission', async ({ permission, payload, check }) => {
    const allowed = await member(['tickets.view_all', permission]);
    const ticket = await buildTicket(t, tenant);
    const before = await ownerView(ticket.id);
    const res = await call(allowed, 'PATCH', `/api/v1/tickets/${ticket.id}`, payload());
    expect(res.statusCode, res.body).toBe(200);
    const after = await ownerView(ticket.id);
    expect(check(after)).not.toEqual(check(before));
    expect(check(res.json())).toEqual(check(after));

    const denied = await member(allBut(permission));
    const untouched = await buildTicket(t, tenant);
    const snapshot = await ownerView(untouched.id);
    expectError(await call(denied, 'PATCH', `/api/v1/tickets/${untouched.id}`, payload()), 403, 'FORBIDDEN');
    expect(await ownerView(untouched.id)).toEqual(snapshot);
  });

  it('a change with one forbidden field changes nothing at all', async () => {
    const denied = await member(allBut('tickets.change_status'));
    const ticket = await buildTicket(t, tenant);
    const before = await ownerView(ticket.id);
    const payload = { subject: 'Half done', priority: 'high', tags: ['x'], status: 'resolved' };
    expectError(await call(denied, 'PATCH', `/api/v1/tickets/${ticket.id}`, payload), 403, 'FORBIDDEN');
    expect(await ownerView(ticket.id)).toEqual(before);
  });

  it('deleting a ticket needs tickets.delete', async () => {
    const denied = await member(allBut('tickets.delete'));
    const ticket = await buildTicket(t, tenant);
    const before = await ownerView(ticket.id);
    expectError(await call(denied, 'DELETE', `/api/v1/tickets/${ticket.id}`), 403, 'FORBIDDEN');
    expect(await ownerView(ticket.id)).toEqual(before);

    const allowed = await member(['tickets.view_all', 'tickets.delete']);
    expect((await call(allowed, 'DELETE', `/api/v1/tickets/${ticket.id}`)).statusCode).toBe(204);
    expectError(await call(tenant.owner, 'GET', `/api/v1/tickets/${ticket.id}`), 404, 'NOT_FOUND');
  });
});

describe('ticket abilities', () => {
  /** Each ability and the request it promises; run on a fresh ticket so a delete spoils nothing. */
  const actions: Record<string, (ticketId: string) => [Method, string, object?]> = {
    update: (id) => ['PATCH', `/api/v1/tickets/${id}`, { subject: 'Via ability' }],
    delete: (id) => ['DELETE', `/api/v1/tickets/${id}`],
    assign: (id) => ['PATCH', `/api/v1/tickets/${id}`, { assigneeId: colleague.userId }],
    changeStatus: (id) => ['PATCH', `/api/v1/tickets/${id}`, { status: 'pending' }],
    changePriority: (id) => ['PATCH', `/api/v1/tickets/${id}`, { priority: 'low' }],
    reply: (id) => ['POST', `/api/v1/tickets/${id}/messages`, { body: 'Reply' }],
    addInternalNote: (id) => ['POST', `/api/v1/tickets/${id}/messages`, { body: 'Note', internal: true }],
  };

  it.each([
    { role: 'built-in Staff', build: async () => colleague },
    { role: 'built-in Admin', build: () => buildMember(t, tenant, { role: 'admin' }) },
    {
      role: 'a narrow custom role',
      build: () => member(['tickets.view_all', 'tickets.update', 'messages.create_internal']),
    },
  ])('match what the server enforces for $role', async ({ build }) => {
    const actor = await build();
    const probe = await buildTicket(t, tenant);
    const abilities = (await call(actor, 'GET', `/api/v1/tickets/${probe.id}`)).json().abilities;
    expect(Object.keys(abilities).sort()).toEqual(Object.keys(actions).sort());
    for (const [name, action] of Object.entries(actions)) {
      const ticket = await buildTicket(t, tenant);
      const res = await call(actor, ...action(ticket.id));
      if (abilities[name]) expect(res.statusCode, `${name}: ${res.body}`).toBeLessThan(300);
      else expectError(res, 403, 'FORBIDDEN');
    }
  });
});
