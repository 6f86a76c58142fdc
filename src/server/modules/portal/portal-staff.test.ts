import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildMember,
  buildTicket,
  staffSessionCookie,
  type Tenant,
} from '../../../../tests/helpers/factories.js';
import { expectError } from '../../../../tests/helpers/permissions.js';
import { postForm, solveCaptcha } from '../../../../tests/helpers/portal.js';
import { linksIn, startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { sendDeliveryJob } from '../delivery/index.js';
import { portalPath } from './index.js';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let tenant: Tenant;
let cookie: string;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t, { projectKey: 'ACME' });
  cookie = await staffSessionCookie(t, tenant);
});

afterAll(() => smtp?.close());

/** A new ticket and its portal link (version 1: as its first mail carries it). */
async function newTicket() {
  const email = `casey-${randomBytes(4).toString('hex')}@example.com`;
  const ticket = await buildTicket(t, tenant, { requester: { email, name: 'Casey' } });
  return { ...ticket, email, path: portalPath(t.ctx.links, { id: ticket.id, portalTokenVersion: 1 }) };
}

const staff = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: tenant.owner.headers, ...(payload && { payload }) });

const counts = async (ticketId: string) =>
  (
    await t.db.execute<{ status: string; messages: number; answered: number }>(sql`
      SELECT status,
        (SELECT count(*)::int FROM messages WHERE ticket_id = ${ticketId}) AS messages,
        (SELECT count(*)::int FROM csat_surveys WHERE ticket_id = ${ticketId} AND submitted_at IS NOT NULL) AS answered
      FROM tickets WHERE id = ${ticketId}`)
  ).rows[0];

describe('staff and the portal link', () => {
  it('staff can send the portal link to the requester, audited, without seeing it', async () => {
    const ticket = await newTicket();
    const reader = await buildMember(t, tenant, { permissions: ['tickets.view_all'] });
    const url = `/api/v1/tickets/${ticket.id}/portal-link/mail`;
    expectError(await t.app.inject({ method: 'POST', url, headers: reader.headers }), 403, 'FORBIDDEN');

    const sent = await staff('POST', url);
    expect(sent.statusCode, sent.body).toBe(204);
    expect(sent.body).toBe('');
    await t.runJobs(sendDeliveryJob);
    const [mail, ...more] = smtp.to(ticket.email);
    expect(more).toEqual([]);
    const links = linksIn(mail?.parsed.text ?? '').map((l) => new URL(l).pathname);
    expect(links).toContain(ticket.path);
    expect((await t.app.inject({ method: 'GET', url: ticket.path })).statusCode).toBe(200);

    const audits = await t.db.execute(
      sql`SELECT actor_user_id, data FROM audit_events WHERE ticket_id = ${ticket.id} AND type = 'portal.link_sent'`,
    );
    expect(audits.rows).toEqual([
      { actor_user_id: tenant.owner.userId, data: { sendId: expect.any(String) } },
    ]);
    const mails = await staff('GET', `/api/v1/tickets/${ticket.id}/mails`);
    expect(mails.json().mails.map((m: { kind: string }) => m.kind)).toEqual(['portal_link']);
  });
});

describe('the portal preview', () => {
  it('the read-only preview shows public replies and no internal note and no form', async () => {
    const ticket = await newTicket();
    await staff('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'A public answer' });
    await staff('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'A secret note', internal: true });
    await staff('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'resolved' });
    const url = `/portal-preview/${ticket.id}`;
    for (const headers of [tenant.owner.headers, { cookie }]) {
      const res = await t.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toContain('A public answer');
      expect(res.body).toContain('Please help.');
      expect(res.body).toContain('<dd id="status">Resolved</dd>');
      expect(res.body).not.toContain('A secret note');
      expect(res.body).not.toContain('<form');
      expect(res.body).not.toContain('<altcha-widget');
      expect(res.body).not.toContain('<script');
      expect(res.body).not.toContain(ticket.path.slice(3));
    }
  });

  it('is permission-checked like viewing the ticket', async () => {
    const ticket = await newTicket();
    const url = `/portal-preview/${ticket.id}`;
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const notAssigned = await buildMember(t, tenant, { permissions: ['tickets.update'] });
    expect((await t.app.inject({ method: 'GET', url, headers: notAssigned.headers })).statusCode).toBe(404);
    const other = await buildAccount(t);
    expect((await t.app.inject({ method: 'GET', url, headers: other.owner.headers })).statusCode).toBe(404);
  });
});

describe('portal writes with a staff session cookie of the same account', () => {
  it('a portal reply with a staff session cookie of the same account is refused (STAFF_CANNOT_ANSWER)', async () => {
    const ticket = await newTicket();
    const before = await counts(ticket.id);
    const form = await postForm(
      t,
      `${ticket.path}/reply`,
      { body: 'Written by staff', altcha: await solveCaptcha(t) },
      { cookie },
    );
    expect(form.statusCode).toBe(403);
    expect(form.body).toContain('staff cannot answer for the requester');
    const api = await t.app.inject({
      method: 'POST',
      url: `${ticket.path.replace('/p/', '/api/v1/portal/')}/messages`,
      headers: { cookie },
      payload: { body: 'Written by staff', altcha: await solveCaptcha(t) },
    });
    expectError(api, 403, 'STAFF_CANNOT_ANSWER');
    expect(await counts(ticket.id)).toEqual(before);
  });

  it('closing the ticket with a staff session cookie of the same account is refused (STAFF_CANNOT_ANSWER)', async () => {
    const ticket = await newTicket();
    const form = await postForm(t, `${ticket.path}/close`, {}, { cookie });
    expect(form.statusCode).toBe(403);
    const api = await t.app.inject({
      method: 'POST',
      url: `${ticket.path.replace('/p/', '/api/v1/portal/')}/close`,
      headers: { cookie },
    });
    expectError(api, 403, 'STAFF_CANNOT_ANSWER');
    expect((await counts(ticket.id))?.status).toBe('open');
  });

  it('the portal survey with a staff session cookie of the same account is refused (STAFF_CANNOT_ANSWER)', async () => {
    const ticket = await newTicket();
    await staff('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'resolved' });
    const form = await postForm(
      t,
      `${ticket.path}/survey`,
      { rating: '1', altcha: await solveCaptcha(t) },
      { cookie },
    );
    expect(form.statusCode).toBe(403);
    const api = await t.app.inject({
      method: 'POST',
      url: `${ticket.path.replace('/p/', '/api/v1/portal/')}/survey`,
      headers: { cookie },
      payload: { rating: 1, altcha: await solveCaptcha(t) },
    });
    expectError(api, 403, 'STAFF_CANNOT_ANSWER');
    expect((await counts(ticket.id))?.answered).toBe(0);
    const requester = await postForm(t, `${ticket.path}/survey`, {
      rating: '5',
      altcha: await solveCaptcha(t),
    });
    expect(requester.statusCode).toBe(303);
    expect((await counts(ticket.id))?.answered).toBe(1);
  });
});
