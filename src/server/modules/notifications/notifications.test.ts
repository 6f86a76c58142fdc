import { randomInt } from 'node:crypto';
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
import { solveCaptcha } from '../../../../tests/helpers/portal.js';
import { portalPath } from '../tickets/index.js';

let t: TestApp;
let tenant: Tenant;
let assignee: Staff;
let watcher: Staff;
let bystander: Staff;

interface Item {
  id: string;
  kind: string;
  ticket: { id: string; reference: string };
  messageId: string | null;
  excerpt: string | null;
  readAt: string | null;
}

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
  assignee = await buildMember(t, tenant, { name: 'Ada Assignee' });
  watcher = await buildMember(t, tenant, { name: 'Walt Watcher' });
  bystander = await buildMember(t, tenant, { name: 'Bea Bystander' });
});

const list = async (who: Staff, query = '') => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/me/notifications${query}`,
    headers: who.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { notifications: Item[]; unreadCount: number; nextCursor: string | null };
};
const kindsOn = async (who: Staff, ticketId: string) =>
  (await list(who, '?limit=100')).notifications
    .filter((n) => n.ticket.id === ticketId)
    .map((n) => n.kind)
    .sort();

const watch = (ticketId: string, who: Staff) =>
  t.app.inject({
    method: 'PUT',
    url: `/api/v1/tickets/${ticketId}/watchers/${who.userId}`,
    headers: tenant.owner.headers,
  });

const patch = (ticketId: string, payload: object) =>
  t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
    payload,
  });

/** The requester replies on the portal, captcha solved, from an address of their own. */
async function requesterReply(ticketId: string, body: string) {
  const token = portalPath(t.ctx.links, { id: ticketId, portalTokenVersion: 1 }).slice('/p/'.length);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/portal/${token}/messages`,
    remoteAddress: `10.1.${randomInt(256)}.${randomInt(1, 255)}`,
    payload: { body, altcha: await solveCaptcha(t) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().message.id as string;
}

/** An assigned ticket with a watcher. */
async function watchedTicket() {
  const ticket = await buildTicket(t, tenant, { assigneeId: assignee.userId });
  expect((await watch(ticket.id, watcher)).statusCode).toBe(204);
  return ticket;
}

describe('who is notified', () => {
  it('a new ticket notifies its assignee, not the staff member who opened it', async () => {
    const ticket = await buildTicket(t, tenant, { assigneeId: assignee.userId });
    expect(await kindsOn(assignee, ticket.id)).toEqual(['new_ticket']);
    expect(await kindsOn(tenant.owner, ticket.id)).toEqual([]);
    const own = await buildTicket(t, tenant, { assigneeId: assignee.userId }, assignee);
    expect(await kindsOn(assignee, own.id)).toEqual([]);
  });

  it("a requester's reply notifies the assignee and every watcher, by notification and mail, and no one else", async () => {
    const ticket = await watchedTicket();
    const messageId = await requesterReply(ticket.id, 'It still   does not\nwork.');
    for (const who of [assignee, watcher]) {
      const item = (await list(who)).notifications.find(
        (n) => n.ticket.id === ticket.id && n.kind === 'requester_reply',
      );
      expect(item).toMatchObject({ messageId, excerpt: 'It still does not work.', readAt: null });
      expect(item?.ticket.reference).toBe(ticket.reference);
    }
    expect(await kindsOn(bystander, ticket.id)).toEqual([]);
    expect(await kindsOn(tenant.owner, ticket.id)).toEqual([]);
    const mails = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/mails`,
      headers: tenant.owner.headers,
    });
    const staffMails = mails.json().mails.filter((m: { kind: string }) => m.kind === 'staff_notification');
    // The assignee's first one told them of the new ticket.
    expect(staffMails.map((m: { recipient: string }) => m.recipient).sort()).toEqual(
      [assignee.email, assignee.email, watcher.email].sort(),
    );
  });

  it("a requester's reply on a resolved ticket also tells them it reopened; on an open one it does not", async () => {
    const ticket = await watchedTicket();
    await requesterReply(ticket.id, 'First question.');
    expect(await kindsOn(watcher, ticket.id)).toEqual(['requester_reply']);
    expect((await patch(ticket.id, { status: 'resolved' })).statusCode).toBe(200);
    await requesterReply(ticket.id, 'Actually, one more thing.');
    for (const who of [assignee, watcher]) {
      expect(await kindsOn(who, ticket.id)).toEqual(
        who === assignee
          ? ['new_ticket', 'reopened', 'requester_reply', 'requester_reply']
          : ['reopened', 'requester_reply', 'requester_reply'],
      );
    }
  });

  it('a watcher who may not see the ticket (no tickets.view_all, not assigned) is not notified', async () => {
    const limited = await buildMember(t, tenant, { permissions: ['messages.create'] });
    const ticket = await watchedTicket();
    expect((await watch(ticket.id, limited)).statusCode).toBe(204);
    await requesterReply(ticket.id, 'Hello?');
    expect((await list(limited)).notifications).toEqual([]);
  });

  it("staff messages notify no staff; an agent's public reply goes to the requester's bell, an internal note does not", async () => {
    const ticket = await watchedTicket();
    const post = async (body: string, internal: boolean) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${ticket.id}/messages`,
        headers: tenant.owner.headers,
        payload: { body, internal },
      });
      expect(res.statusCode).toBe(201);
      return res.json().id as string;
    };
    await post('Internal: check the logs.', true);
    const replyId = await post('We are on it.', false);
    expect(await kindsOn(assignee, ticket.id)).toEqual(['new_ticket']);
    expect(await kindsOn(watcher, ticket.id)).toEqual([]);
    const bell = await t.db.execute<{ kind: string; message_id: string | null }>(
      sql`SELECT kind, message_id FROM requester_notifications WHERE ticket_id = ${ticket.id}`,
    );
    expect(bell.rows).toEqual([{ kind: 'reply', message_id: replyId }]);
  });
});

describe('reading notifications', () => {
  it('lists unread first, newest first, and marks some or all read, only your own', async () => {
    const reader = await buildMember(t, tenant, { name: 'Rae Reader' });
    const tickets = [];
    for (let i = 0; i < 3; i++) {
      t.clock.advance(60_000);
      tickets.push(await buildTicket(t, tenant, { assigneeId: reader.userId, subject: `Ticket ${i}` }));
    }
    const before = await list(reader);
    expect(before.unreadCount).toBe(3);
    expect(before.notifications.map((n) => n.ticket.id)).toEqual(tickets.map((x) => x.id).reverse());
    const newest = before.notifications[0] as Item;

    const mark = (who: Staff, payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/v1/me/notifications/read', headers: who.headers, payload });
    const marked = await mark(reader, { ids: [newest.id] });
    expect(marked.json()).toEqual({ marked: 1, unreadCount: 2 });
    const after = await list(reader);
    expect(after.notifications.map((n) => n.ticket.id)).toEqual([
      tickets[1]?.id,
      tickets[0]?.id,
      tickets[2]?.id,
    ]);
    expect(after.notifications.map((n) => n.readAt !== null)).toEqual([false, false, true]);

    // Someone else's ids match nothing of theirs.
    const foreign = await mark(bystander, { ids: after.notifications.map((n) => n.id) });
    expect(foreign.json().marked).toBe(0);
    expect((await list(reader)).unreadCount).toBe(2);

    expect((await mark(reader, {})).statusCode).toBe(400);
    expect((await mark(reader, { all: true })).json()).toEqual({ marked: 2, unreadCount: 0 });
    expect((await list(reader)).notifications.every((n) => n.readAt !== null)).toBe(true);
  });

  it('pages with a cursor through every notification exactly once, in order', async () => {
    const unread = await list(assignee, '?limit=100');
    expect(unread.notifications.length).toBeGreaterThan(3);
    // Some read, some not: the walk crosses from unread to read.
    const read = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/notifications/read',
      headers: assignee.headers,
      payload: { ids: unread.notifications.slice(1, 3).map((n) => n.id) },
    });
    expect(read.json().marked).toBe(2);
    const all = await list(assignee, '?limit=100');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(
        assignee,
        `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.notifications.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.notifications.map((n) => n.id));
  });

  it('needs a signed-in staff member', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me/notifications' });
    expect(res.statusCode).toBe(401);
  });
});
