import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import type { DomainEvents } from '../../lib/events.js';
import { closeScheduledTicketJob } from './index.js';

let t: TestApp;
let tenant: Tenant;
const published: DomainEvents['ticket.status_changed'][] = [];

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
  t.ctx.bus.subscribe('ticket.status_changed', async (_tx, event) => {
    published.push(event);
  });
});

const patch = (ticketId: string, payload: object) =>
  t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
    payload,
  });

describe('status changes', () => {
  it('count a resolution only when an eligible status is entered from an active one', async () => {
    const ticket = await buildTicket(t, tenant);
    const steps: [string, number][] = [
      ['in_progress', 0],
      ['resolved', 1],
      ['closed', 1],
      ['open', 1],
      ['pending_closure', 2],
      ['resolved', 2],
    ];
    for (const [status, resolution] of steps) {
      const res = await patch(ticket.id, { status });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().resolution).toBe(resolution);
    }
    const mine = published.filter((e) => e.ticketId === ticket.id);
    expect(mine.map((e) => [e.from, e.to, e.resolution])).toEqual([
      ['open', 'in_progress', 0],
      ['in_progress', 'resolved', 1],
      ['resolved', 'closed', 1],
      ['closed', 'open', 1],
      ['open', 'pending_closure', 2],
      ['pending_closure', 'resolved', 2],
    ]);
  });

  it('write a system message and an audit event in the same transaction', async () => {
    const ticket = await buildTicket(t, tenant);
    await patch(ticket.id, { status: 'resolved' });
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
    });
    const system = res.json().thread.filter((m: { kind: string }) => m.kind === 'system');
    expect(system.map((m: { body: string }) => m.body)).toEqual([
      'Status changed from Open to Resolved by Olive Owner.',
    ]);
    const audit = await t.db.execute(
      sql`SELECT type, data FROM audit_events WHERE ticket_id = ${ticket.id} AND type = 'ticket.status_changed'`,
    );
    expect(audit.rows).toEqual([
      { type: 'ticket.status_changed', data: { from: 'open', to: 'resolved', resolution: 1 } },
    ]);
  });

  it('roll back the whole change when a subscriber fails', async () => {
    const ticket = await buildTicket(t, tenant, { subject: 'rollback probe' });
    const failing = async (_tx: unknown, e: DomainEvents['ticket.status_changed']) => {
      if (e.ticketId === ticket.id) throw new Error('subscriber failed');
    };
    t.ctx.bus.subscribe('ticket.status_changed', failing);
    const res = await patch(ticket.id, { status: 'resolved', priority: 'high' });
    expect(res.statusCode).toBe(500);
    const after = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
    });
    expect(after.json()).toMatchObject({ status: 'open', priority: 'normal', resolution: 0 });
    expect(after.json().thread).toHaveLength(1);
  });

  it('refuse a change to the same status, and anything but a reopen from closed', async () => {
    const ticket = await buildTicket(t, tenant);
    const same = await patch(ticket.id, { status: 'open' });
    expect(same.statusCode).toBe(409);
    expect(same.json().error.code).toBe('INVALID_TRANSITION');
    await patch(ticket.id, { status: 'closed' });
    const bad = await patch(ticket.id, { status: 'resolved' });
    expect(bad.statusCode).toBe(409);
    expect(bad.json().error.code).toBe('INVALID_TRANSITION');
    expect((await patch(ticket.id, { status: 'open' })).statusCode).toBe(200);
  });
});

describe('scheduled closure', () => {
  const inOneHour = () => new Date(t.clock.now().getTime() + 3_600_000).toISOString();

  it('needs a closesAt in the future, and closesAt needs that status', async () => {
    const ticket = await buildTicket(t, tenant);
    const missing = await patch(ticket.id, { status: 'closure_scheduled' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].field).toBe('closesAt');
    const past = await patch(ticket.id, { status: 'closure_scheduled', closesAt: new Date(0).toISOString() });
    expect(past.statusCode).toBe(400);
    const stray = await patch(ticket.id, { status: 'resolved', closesAt: inOneHour() });
    expect(stray.statusCode).toBe(400);
  });

  it('closes the ticket when due, with a system message', async () => {
    const ticket = await buildTicket(t, tenant);
    const res = await patch(ticket.id, { status: 'closure_scheduled', closesAt: inOneHour() });
    expect(res.statusCode).toBe(200);
    expect(res.json().closesAt).not.toBeNull();
    t.clock.advance(3_600_001);
    await t.runJobs(closeScheduledTicketJob);
    const after = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
    });
    expect(after.json()).toMatchObject({ status: 'closed', closesAt: null, resolution: 1 });
    expect(after.json().thread.at(-1).body).toBe(
      'Status changed from Closure scheduled to Closed by the scheduled closure.',
    );
  });

  it('is cancelled by any other status change', async () => {
    const ticket = await buildTicket(t, tenant);
    await patch(ticket.id, { status: 'closure_scheduled', closesAt: inOneHour() });
    expect((await patch(ticket.id, { status: 'open' })).statusCode).toBe(200);
    t.clock.advance(3_600_001);
    await t.runJobs(closeScheduledTicketJob);
    const after = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
    });
    expect(after.json()).toMatchObject({ status: 'open', closesAt: null });
  });

  it('cannot be scheduled twice', async () => {
    const ticket = await buildTicket(t, tenant);
    await patch(ticket.id, { status: 'closure_scheduled', closesAt: inOneHour() });
    const again = await patch(ticket.id, { status: 'closure_scheduled', closesAt: inOneHour() });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVALID_TRANSITION');
  });
});
