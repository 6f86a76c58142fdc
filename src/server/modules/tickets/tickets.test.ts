import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildMember,
  buildTicket,
  type Staff,
  type Tenant,
} from '../../../../tests/helpers/factories.js';

let t: TestApp;
let tenant: Tenant;
let staff: Staff;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
  staff = await buildMember(t, tenant, { role: 'staff', name: 'Sam Staff' });
});

type Summary = { id: string; reference: string; subject: string; requester: { id: string } };
type Message = { id: string; kind: string; body: string; bodyHtml: string; editedAt: string | null };

/** A project of its own, so list tests see only their tickets. */
async function buildProject(key: string): Promise<Tenant> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/projects',
    headers: tenant.owner.headers,
    payload: { name: `Project ${key}`, key },
  });
  expect(res.statusCode, res.body).toBe(201);
  const projectId = res.json().id;
  const added = await t.app.inject({
    method: 'POST',
    url: `/api/v1/projects/${projectId}/members`,
    headers: tenant.owner.headers,
    payload: { email: staff.email, roleId: await staffRole(projectId) },
  });
  if (added.statusCode !== 201) throw new Error(`staff not added: ${added.body}`);
  return { ...tenant, projectId };
}

async function staffRole(projectId: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/projects/${projectId}/roles`,
    headers: tenant.owner.headers,
  });
  return res.json().roles.find((r: { kind: string }) => r.kind === 'staff').id as string;
}

const getTicket = (id: string, as: Staff = tenant.owner) =>
  t.app.inject({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: as.headers });

const patchTicket = (id: string, payload: object, as: Staff = tenant.owner) =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${id}`, headers: as.headers, payload });

const postMessage = (id: string, payload: object, as: Staff = tenant.owner) =>
  t.app.inject({ method: 'POST', url: `/api/v1/tickets/${id}/messages`, headers: as.headers, payload });

const threadOf = async (id: string) => (await getTicket(id)).json().thread as Message[];

async function list(project: Tenant, query: string, as: Staff = tenant.owner) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/projects/${project.projectId}/tickets?${query}`,
    headers: as.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { tickets: Summary[]; nextCursor: string | null };
}

const referencesOf = async (project: Tenant, query: string) =>
  (await list(project, query)).tickets.map((x) => x.reference);

describe('creating tickets', () => {
  it('numbers tickets per project: KEY-1, KEY-2 in each project independently', async () => {
    const one = await buildProject('ONE');
    const two = await buildProject('TWO');
    expect((await buildTicket(t, one)).reference).toBe('ONE-1');
    expect((await buildTicket(t, one)).reference).toBe('ONE-2');
    expect((await buildTicket(t, two)).reference).toBe('TWO-1');
    expect((await buildTicket(t, one)).reference).toBe('ONE-3');
  });

  it('numbers tickets created at the same time in one project gap-free, once each, the audit event agreeing', async () => {
    const project = await buildProject('RUSH');
    const created = await Promise.all(Array.from({ length: 24 }, () => buildTicket(t, project)));
    const numbers = created.map((c) => Number(c.reference.split('-')[1])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    const audit = await t.db.execute<{ reference: string; number: number }>(sql`
      SELECT 'RUSH-' || t.number AS reference, (a.data->>'number')::int AS number
        FROM audit_events a JOIN tickets t ON t.id = a.ticket_id
       WHERE t.project_id = ${project.projectId} AND a.type = 'ticket.created'`);
    expect(audit.rows).toHaveLength(24);
    for (const row of audit.rows) expect(row.reference).toBe(`RUSH-${row.number}`);
  });

  it('leaves no gap in the numbers when a creation rolls back after taking its number', async () => {
    const project = await buildProject('UNDO');
    t.ctx.bus.subscribe('ticket.created', async (s, event) => {
      const [row] = (
        await s.tx.execute<{ subject: string }>(sql`SELECT subject FROM tickets WHERE id = ${event.ticketId}`)
      ).rows;
      if (row?.subject === 'Roll me back') throw new Error('a subscriber failed');
    });
    expect((await buildTicket(t, project)).reference).toBe('UNDO-1');
    await expect(buildTicket(t, project, { subject: 'Roll me back' })).rejects.toThrow();
    expect((await buildTicket(t, project)).reference).toBe('UNDO-2');
  });

  it('keeps one requester per email per account, matched without regard to case', async () => {
    const first = await buildTicket(t, tenant, { requester: { email: 'Pat.Doe@Example.com', name: 'Pat' } });
    const second = await buildTicket(t, tenant, {
      requester: { email: 'pat.doe@example.COM', name: 'Patricia' },
    });
    const a = (await getTicket(first.id)).json().requester;
    const b = (await getTicket(second.id)).json().requester;
    expect(b).toEqual(a);
    expect(a).toMatchObject({ email: 'Pat.Doe@Example.com', name: 'Pat' });

    const other = await buildAccount(t, { projectKey: 'OTH' });
    const elsewhere = await buildTicket(t, other, {
      requester: { email: 'pat.doe@example.com', name: 'Pat' },
    });
    const c = (await getTicket(elsewhere.id, other.owner)).json().requester;
    expect(c.id).not.toBe(a.id);
  });

  it("opens with the requester's message first in the thread", async () => {
    const created = await buildTicket(t, tenant, {
      subject: 'Cannot log in',
      body: 'Since this morning.',
      requester: { email: 'first@example.com', name: 'Fran First' },
    });
    const ticket = (await getTicket(created.id)).json();
    expect(ticket).toMatchObject({
      subject: 'Cannot log in',
      status: 'open',
      priority: 'normal',
      assignee: null,
    });
    expect(ticket.thread).toHaveLength(1);
    expect(ticket.thread[0]).toMatchObject({
      kind: 'public',
      body: 'Since this morning.',
      author: { type: 'requester', id: ticket.requester.id, name: 'Fran First' },
      editedAt: null,
    });
  });

  it('renders Markdown without raw HTML: tags are escaped and javascript: links are not links', async () => {
    const body = [
      '**Bold** and [docs](https://example.com/docs)',
      '<script>alert("x")</script> <img src=x onerror=alert(1)>',
      '[click me](javascript:alert(1)) <javascript:alert(2)>',
    ].join('\n\n');
    const created = await buildTicket(t, tenant, { body });
    await postMessage(created.id, { body });
    const thread = await threadOf(created.id);
    expect(thread).toHaveLength(2);
    for (const message of thread) {
      expect(message.body).toBe(body);
      const html = message.bodyHtml;
      expect(html).toContain('<strong>Bold</strong>');
      expect(html).toMatch(/<a href="https:\/\/example\.com\/docs" rel="noopener noreferrer nofollow"/);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).toContain('&lt;script&gt;');
      expect(html).not.toMatch(/href\s*=\s*"?\s*javascript:/i);
      expect(html.match(/<a /g)).toHaveLength(1);
    }
  });

  it('refuses an assignee who is not a member of the project, naming the field', async () => {
    const outsider = await buildAccount(t, { projectKey: 'OUT' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${tenant.projectId}/tickets`,
      headers: tenant.owner.headers,
      payload: {
        subject: 'Assigned away',
        body: 'Hi',
        requester: { email: 'away@example.com', name: 'Away' },
        assigneeId: outsider.owner.userId,
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([expect.objectContaining({ field: 'assigneeId' })]);
  });
});

describe('listing tickets', () => {
  let project: Tenant;
  beforeAll(async () => {
    project = await buildProject('FLT');
    await buildTicket(t, project, {
      subject: 'Printer jams on page two',
      requester: { email: 'alice@example.com', name: 'Alice' },
      assigneeId: tenant.owner.userId,
      tags: ['hardware'],
    });
    const vpn = await buildTicket(t, project, {
      subject: 'VPN drops every hour',
      requester: { email: 'bob@example.com', name: 'Bob' },
      assigneeId: staff.userId,
      tags: ['network', 'Remote'],
    });
    const invoice = await buildTicket(t, project, {
      subject: 'Invoice question',
      requester: { email: 'carol@example.com', name: 'Carol' },
    });
    await buildTicket(t, project, {
      subject: 'Second printer question',
      requester: { email: 'Alice@Example.com', name: 'Alice' },
    });
    expect((await patchTicket(vpn.id, { status: 'in_progress' })).statusCode).toBe(200);
    expect((await patchTicket(invoice.id, { status: 'pending' })).statusCode).toBe(200);
  });

  it('lists newest first', async () => {
    expect(await referencesOf(project, '')).toEqual(['FLT-4', 'FLT-3', 'FLT-2', 'FLT-1']);
  });

  it('filters on one status or several, comma-separated', async () => {
    expect(await referencesOf(project, 'status=open')).toEqual(['FLT-4', 'FLT-1']);
    expect(await referencesOf(project, 'status=in_progress,pending')).toEqual(['FLT-3', 'FLT-2']);
    expect(await referencesOf(project, 'status=resolved')).toEqual([]);
  });

  it('refuses an unknown status in the filter', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${project.projectId}/tickets?status=open,done`,
      headers: tenant.owner.headers,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_ERROR');
  });

  it('filters on the assignee by id, "me" and "none"', async () => {
    expect(await referencesOf(project, `assignee=${staff.userId}`)).toEqual(['FLT-2']);
    expect(await referencesOf(project, 'assignee=me')).toEqual(['FLT-1']);
    const mine = await list(project, 'assignee=me', staff);
    expect(mine.tickets.map((x) => x.reference)).toEqual(['FLT-2']);
    expect(await referencesOf(project, 'assignee=none')).toEqual(['FLT-4', 'FLT-3']);
  });

  it("filters on the requester's email, whatever its case", async () => {
    expect(await referencesOf(project, 'requester=ALICE%40example.com')).toEqual(['FLT-4', 'FLT-1']);
    expect(await referencesOf(project, 'requester=carol%40example.com')).toEqual(['FLT-3']);
  });

  it('filters on a tag; tags are stored in lower case', async () => {
    expect(await referencesOf(project, 'tag=network')).toEqual(['FLT-2']);
    expect(await referencesOf(project, 'tag=Remote')).toEqual(['FLT-2']);
    expect(await referencesOf(project, 'tag=hardware')).toEqual(['FLT-1']);
  });

  it('searches subject words and references', async () => {
    expect(await referencesOf(project, 'q=printer')).toEqual(['FLT-4', 'FLT-1']);
    expect(await referencesOf(project, 'q=VPN%20drops')).toEqual(['FLT-2']);
    expect(await referencesOf(project, 'q=FLT-3')).toEqual(['FLT-3']);
    expect(await referencesOf(project, 'q=100%25')).toEqual([]);
  });

  it('combines filters', async () => {
    expect(await referencesOf(project, 'q=printer&status=open&assignee=none')).toEqual(['FLT-4']);
  });
});

describe('cursor pagination', () => {
  it('walks five tickets two at a time in three pages without duplicates', async () => {
    const project = await buildProject('PAG');
    for (let i = 0; i < 5; i++) await buildTicket(t, project, { subject: `Page probe ${i + 1}` });
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=2&cursor=${encodeURIComponent(cursor)}` : 'limit=2';
      const page = await list(project, query);
      pages.push(page.tickets.map((x) => x.reference));
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages).toEqual([['PAG-5', 'PAG-4'], ['PAG-3', 'PAG-2'], ['PAG-1']]);
  });

  it('answers 400 for a cursor it did not make', async () => {
    for (const cursor of ['garbage!!', Buffer.from('{"n":"x"}').toString('base64url')]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/projects/${tenant.projectId}/tickets?cursor=${encodeURIComponent(cursor)}`,
        headers: tenant.owner.headers,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'cursor' }] });
    }
  });
});

describe('updating tickets', () => {
  it('changes priority, assignee, tags and subject in one request', async () => {
    const created = await buildTicket(t, tenant);
    const res = await patchTicket(created.id, {
      priority: 'high',
      assigneeId: staff.userId,
      tags: ['Billing', ' urgent ', 'billing'],
      subject: 'The printer is still on fire',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      priority: 'high',
      assignee: { id: staff.userId, name: 'Sam Staff' },
      tags: ['billing', 'urgent'],
      subject: 'The printer is still on fire',
    });
    const unassigned = await patchTicket(created.id, { assigneeId: null });
    expect(unassigned.json().assignee).toBeNull();
    expect((await getTicket(created.id)).json()).toMatchObject({ priority: 'high', assignee: null });
  });

  it('refuses fields it does not know', async () => {
    const created = await buildTicket(t, tenant);
    const res = await patchTicket(created.id, { number: 99 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_ERROR');
  });

  it('adds and removes watchers', async () => {
    const created = await buildTicket(t, tenant);
    const watch = (method: 'PUT' | 'DELETE', userId: string, as: Staff = tenant.owner) =>
      t.app.inject({ method, url: `/api/v1/tickets/${created.id}/watchers/${userId}`, headers: as.headers });
    expect((await watch('PUT', staff.userId)).statusCode).toBe(204);
    expect((await watch('PUT', staff.userId)).statusCode).toBe(204);
    expect((await watch('PUT', tenant.owner.userId)).statusCode).toBe(204);
    expect((await getTicket(created.id)).json().watchers).toEqual([
      { id: tenant.owner.userId, name: 'Olive Owner' },
      { id: staff.userId, name: 'Sam Staff' },
    ]);
    expect((await watch('DELETE', tenant.owner.userId, staff)).statusCode).toBe(204);
    expect((await watch('DELETE', staff.userId, staff)).statusCode).toBe(204);
    expect((await getTicket(created.id)).json().watchers).toEqual([]);
  });

  it('accepts only project members as watchers', async () => {
    const created = await buildTicket(t, tenant);
    const outsider = await buildAccount(t, { projectKey: 'WAT' });
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/tickets/${created.id}/watchers/${outsider.owner.userId}`,
      headers: tenant.owner.headers,
    });
    expect(res.statusCode).toBe(400);
    expect((await getTicket(created.id)).json().watchers).toEqual([]);
  });
});

describe('messages', () => {
  it('posts public replies and internal notes in order after the first message', async () => {
    const created = await buildTicket(t, tenant);
    const reply = await postMessage(created.id, { body: 'On our way.' }, staff);
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({
      kind: 'public',
      author: { type: 'staff', id: staff.userId, name: 'Sam Staff' },
      abilities: { edit: true, delete: true },
    });
    const note = await postMessage(created.id, { body: 'Customer sounds upset.', internal: true }, staff);
    expect(note.json().kind).toBe('internal');
    expect((await threadOf(created.id)).map((m) => [m.kind, m.body])).toEqual([
      ['public', 'Please help.'],
      ['public', 'On our way.'],
      ['internal', 'Customer sounds upset.'],
    ]);
  });

  it('lets the author edit their own message, recording when', async () => {
    const created = await buildTicket(t, tenant);
    const { id } = (await postMessage(created.id, { body: 'Typo hre' }, staff)).json();
    t.clock.advance(60_000);
    const editedAt = t.clock.now().toISOString();
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${created.id}/messages/${id}`,
      headers: staff.headers,
      payload: { body: 'Typo *here*' },
    });
    expect(edit.statusCode, edit.body).toBe(204);
    const message = (await threadOf(created.id)).find((m) => m.id === id);
    expect(message).toMatchObject({ body: 'Typo *here*', editedAt });
    expect(message?.bodyHtml).toContain('<em>here</em>');
  });

  it("refuses to edit someone else's message", async () => {
    const created = await buildTicket(t, tenant);
    const { id } = (await postMessage(created.id, { body: 'Owner words' })).json();
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${created.id}/messages/${id}`,
      headers: staff.headers,
      payload: { body: 'Staff words' },
    });
    expect(edit.statusCode).toBe(403);
    expect((await threadOf(created.id)).find((m) => m.id === id)?.body).toBe('Owner words');
  });

  it('deletes a message from the thread', async () => {
    const created = await buildTicket(t, tenant);
    const { id } = (await postMessage(created.id, { body: 'Sent too soon' }, staff)).json();
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tickets/${created.id}/messages/${id}`,
      headers: staff.headers,
    });
    expect(res.statusCode).toBe(204);
    expect((await threadOf(created.id)).map((m) => m.id)).not.toContain(id);
  });

  it('system messages can be neither edited nor deleted (409)', async () => {
    const created = await buildTicket(t, tenant);
    expect((await patchTicket(created.id, { status: 'resolved' })).statusCode).toBe(200);
    const system = (await threadOf(created.id)).find((m) => m.kind === 'system');
    if (!system) throw new Error('no system message');
    const url = `/api/v1/tickets/${created.id}/messages/${system.id}`;
    const edit = await t.app.inject({
      method: 'PATCH',
      url,
      headers: tenant.owner.headers,
      payload: { body: 'x' },
    });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe('CONFLICT');
    const remove = await t.app.inject({ method: 'DELETE', url, headers: tenant.owner.headers });
    expect(remove.statusCode).toBe(409);
    expect((await threadOf(created.id)).find((m) => m.id === system.id)).toEqual(system);
  });
});
