import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Staff, type Tenant } from './helpers/factories.js';
import { allBut, expectError, permissionHelpers } from './helpers/permissions.js';

let t: TestApp;
let tenant: Tenant;
/** A Staff member: "someone else" for the members under test. */
let colleague: Staff;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
  colleague = await buildMember(t, tenant, { role: 'staff', name: 'Cole Colleague' });
});

const { call, member } = permissionHelpers(() => ({ t, tenant }));

/** The owner's full view of a ticket (thread and watchers included): "nothing changed" compares it. */
const ownerView = async (ticketId: string) =>
  (await call(tenant.owner, 'GET', `/api/v1/tickets/${ticketId}`)).json();

describe('watchers', () => {
  const watcherIds = async (ticketId: string) =>
    (await ownerView(ticketId)).watchers.map((w: { id: string }) => w.id).sort();

  it('anyone who sees a ticket may watch and unwatch it themselves, without tickets.update', async () => {
    const viewer = await member(['tickets.view_all']);
    const ticket = await buildTicket(t, tenant);
    const url = `/api/v1/tickets/${ticket.id}/watchers/${viewer.userId}`;
    expect((await call(viewer, 'PUT', url)).statusCode).toBe(204);
    expect(await watcherIds(ticket.id)).toEqual([viewer.userId]);
    expect((await call(viewer, 'DELETE', url)).statusCode).toBe(204);
    expect(await watcherIds(ticket.id)).toEqual([]);
  });

  it('adding or removing someone else as a watcher needs tickets.update', async () => {
    const ticket = await buildTicket(t, tenant);
    const url = `/api/v1/tickets/${ticket.id}/watchers/${colleague.userId}`;
    const denied = await member(allBut('tickets.update'));
    expectError(await call(denied, 'PUT', url), 403, 'FORBIDDEN');
    expect(await watcherIds(ticket.id)).toEqual([]);

    const allowed = await member(['tickets.view_all', 'tickets.update']);
    expect((await call(allowed, 'PUT', url)).statusCode).toBe(204);
    expect(await watcherIds(ticket.id)).toEqual([colleague.userId]);

    expectError(await call(denied, 'DELETE', url), 403, 'FORBIDDEN');
    expect(await watcherIds(ticket.id)).toEqual([colleague.userId]);
    expect((await call(allowed, 'DELETE', url)).statusCode).toBe(204);
    expect(await watcherIds(ticket.id)).toEqual([]);
  });
});

describe('messages', () => {
  const post = (as: Staff, ticketId: string, payload: object) =>
    call(as, 'POST', `/api/v1/tickets/${ticketId}/messages`, payload);
  const thread = async (ticketId: string) =>
    (await ownerView(ticketId)).thread as {
      id: string;
      kind: string;
      body: string;
      editedAt: string | null;
    }[];

  it.each([
    { what: 'a reply', permission: 'messages.create' as const, payload: { body: 'A reply' }, kind: 'public' },
    {
      what: 'an internal note',
      permission: 'messages.create_internal' as const,
      payload: { body: 'A note', internal: true },
      kind: 'internal',
    },
  ])('posting $what needs $permission', async ({ permission, payload, kind }) => {
    const ticket = await buildTicket(t, tenant);
    const denied = await member(allBut(permission));
    expectError(await post(denied, ticket.id, payload), 403, 'FORBIDDEN');
    expect(await thread(ticket.id)).toHaveLength(1);

    const allowed = await member(['tickets.view_all', permission]);
    const res = await post(allowed, ticket.id, payload);
    expect(res.statusCode, res.body).toBe(201);
    expect((await thread(ticket.id)).at(-1)).toMatchObject({ id: res.json().id, kind, body: payload.body });
  });

  it('editing a message needs messages.edit_own, and only for your own', async () => {
    const ticket = await buildTicket(t, tenant);
    const author = await member(['tickets.view_all', 'messages.create', 'messages.edit_own']);
    const lacking = await member(allBut('messages.edit_own'));
    const own = (await post(author, ticket.id, { body: 'Original' })).json().id;
    const lackingOwn = (await post(lacking, ticket.id, { body: 'Mine too' })).json().id;
    const edit = (as: Staff, id: string) =>
      call(as, 'PATCH', `/api/v1/tickets/${ticket.id}/messages/${id}`, { body: 'Edited' });

    const before = await thread(ticket.id);
    expectError(await edit(lacking, lackingOwn), 403, 'FORBIDDEN');
    expectError(await edit(author, lackingOwn), 403, 'FORBIDDEN');
    expectError(await edit(tenant.owner, own), 403, 'FORBIDDEN');
    expect(await thread(ticket.id)).toEqual(before);

    expect((await edit(author, own)).statusCode).toBe(204);
    const edited = (await thread(ticket.id)).find((m) => m.id === own);
    expect(edited?.body).toBe('Edited');
    expect(edited?.editedAt).not.toBeNull();
  });

  it('deleting needs messages.delete_own for your own message, messages.delete_any for anyone else’s', async () => {
    const ticket = await buildTicket(t, tenant);
    const ownOnly = await member(['tickets.view_all', 'messages.create', 'messages.delete_own']);
    const lacking = await member(allBut('messages.delete_own', 'messages.delete_any'));
    const anyOne = await member(['tickets.view_all', 'messages.delete_any']);
    const ownOnlyMessage = (await post(ownOnly, ticket.id, { body: 'By ownOnly' })).json().id;
    const lackingMessage = (await post(lacking, ticket.id, { body: 'By lacking' })).json().id;
    const requesterMessage = (await thread(ticket.id))[0]?.id as string;
    const remove = (as: Staff, id: string) =>
      call(as, 'DELETE', `/api/v1/tickets/${ticket.id}/messages/${id}`);
    const ids = async () => (await thread(ticket.id)).map((m) => m.id);

    const before = await ids();
    expectError(await remove(lacking, lackingMessage), 403, 'FORBIDDEN');
    expectError(await remove(ownOnly, lackingMessage), 403, 'FORBIDDEN');
    expectError(await remove(ownOnly, requesterMessage), 403, 'FORBIDDEN');
    expect(await ids()).toEqual(before);

    expect((await remove(ownOnly, ownOnlyMessage)).statusCode).toBe(204);
    expect((await remove(anyOne, lackingMessage)).statusCode).toBe(204);
    expect((await remove(anyOne, requesterMessage)).statusCode).toBe(204);
    expect(await ids()).toEqual([]);
  });
});

describe('message abilities', () => {
  it.each([
    {
      role: 'built-in Staff',
      build: async () => colleague,
      requester: { edit: false, delete: false },
      own: { edit: true, delete: true },
    },
    {
      role: 'built-in Admin',
      build: () => buildMember(t, tenant, { role: 'admin' }),
      requester: { edit: false, delete: true },
      own: { edit: true, delete: true },
    },
  ])('match what the server enforces for $role', async ({ build, requester, own }) => {
    const actor = await build();
    const ticket = await buildTicket(t, tenant);
    await call(actor, 'POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'My reply' });
    const thread = (await call(actor, 'GET', `/api/v1/tickets/${ticket.id}`)).json().thread;
    expect(thread.map((m: { abilities: object }) => m.abilities)).toEqual([requester, own]);
    for (const message of thread) {
      const url = `/api/v1/tickets/${ticket.id}/messages/${message.id}`;
      const edit = await call(actor, 'PATCH', url, { body: 'Edited' });
      expect(edit.statusCode, edit.body).toBe(message.abilities.edit ? 204 : 403);
      const remove = await call(actor, 'DELETE', url);
      expect(remove.statusCode, remove.body).toBe(message.abilities.delete ? 204 : 403);
    }
  });
});
