import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildProject, type Tenant } from '../../../../tests/helpers/factories.js';
import {
  latestSignInPath,
  postForm,
  signInCustomer,
  solveCaptcha,
} from '../../../../tests/helpers/portal.js';

let t: TestApp;
let tenant: Tenant;
let other: Tenant;
let billingId: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { name: 'Acme', projectKey: 'SUP' });
  other = await buildAccount(t, { name: 'Other', projectKey: 'OTH' });
  billingId = await buildProject(t, tenant, { name: 'Billing', key: 'BILL' });
});

const MINUTE = 60_000;
const email = () => `casey-${randomBytes(4).toString('hex')}@example.com`;
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });
const homeOf = (session: { cookie: string }) =>
  get(`/api/v1/portal/accounts/${tenant.accountId}/home`, session);

async function ticketFor(requester: string, projectId = tenant.projectId, subject = 'Broken') {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/projects/${projectId}/tickets`,
    headers: tenant.owner.headers,
    payload: { subject, body: 'Help', requester: { email: requester, name: 'Casey' } },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; reference: string };
}

async function staff(ticketId: string, payload: object, method: 'POST' | 'PATCH' = 'POST') {
  const res = await t.app.inject({
    method,
    url: method === 'POST' ? `/api/v1/tickets/${ticketId}/messages` : `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
    payload,
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

const countRows = async (query: ReturnType<typeof sql>) =>
  (await t.db.execute<{ n: number }>(query)).rows[0]?.n ?? -1;
const tokensOf = (address: string) =>
  countRows(sql`SELECT count(*)::int AS n FROM customer_sign_in_tokens s JOIN customers c ON c.id = s.customer_id
    WHERE lower(c.email) = lower(${address})`);
const signInMailsTo = (address: string) =>
  countRows(sql`SELECT count(*)::int AS n FROM deliveries WHERE kind = 'sign_in' AND recipient = ${address}`);

describe('asking for a sign-in link', () => {
  it('answers a known and an unknown address identically, and only the known one gets a link by mail', async () => {
    const known = email();
    await ticketFor(known);
    const unknown = email();
    const url = `/portal/${tenant.accountId}/sign-in`;
    const a = await postForm(t, url, { email: known });
    const b = await postForm(t, url, { email: unknown });
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    expect(a.body.replace(known, 'ADDRESS')).toBe(b.body.replace(unknown, 'ADDRESS'));
    expect(a.body).toContain('If we know this address, we sent a sign-in link');

    const api = `/api/v1/portal/accounts/${tenant.accountId}/sign-in`;
    const c = await t.app.inject({ method: 'POST', url: api, payload: { email: known.toUpperCase() } });
    const d = await t.app.inject({ method: 'POST', url: api, payload: { email: unknown } });
    expect([c.statusCode, d.statusCode]).toEqual([202, 202]);
    expect(c.body).toBe(d.body);

    expect(await tokensOf(known)).toBe(2);
    expect(await tokensOf(unknown)).toBe(0);
    expect(await signInMailsTo(known)).toBe(2);
    expect(await signInMailsTo(unknown)).toBe(0);
  });

  it("never signs a customer into another account's portal", async () => {
    const known = email();
    await ticketFor(known);
    await postForm(t, `/portal/${other.accountId}/sign-in`, { email: known });
    expect(await tokensOf(known)).toBe(0);
    await postForm(t, `/portal/${tenant.accountId}/sign-in`, { email: known });
    const path = (await latestSignInPath(t, tenant.accountId, known)) as string;
    const elsewhere = path.replace(tenant.accountId, other.accountId);
    expect((await get(elsewhere)).statusCode).toBe(404);
    expect((await postForm(t, elsewhere, {})).statusCode).toBe(401);
  });
});

describe('a sign-in link', () => {
  it('works once: opening it spends nothing, the button signs in, a second use is refused', async () => {
    const known = email();
    await ticketFor(known);
    await postForm(t, `/portal/${tenant.accountId}/sign-in`, { email: known });
    const path = (await latestSignInPath(t, tenant.accountId, known)) as string;

    const opened = await get(path);
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('id="sign-in-confirm"');
    const first = await postForm(t, path, {});
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`/portal/${tenant.accountId}`);
    const cookie = first.cookies.find((c) => c.name === 'clearline_portal');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // Only the hash is stored: the cookie's secret is in no row.
    const stored = await t.db.execute(sql`SELECT token_hash FROM customer_sessions`);
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(cookie?.value);

    const second = await postForm(t, path, {});
    expect(second.statusCode).toBe(401);
    expect(second.body).toContain('This sign-in link was already used');
    expect(second.cookies.find((c) => c.name === 'clearline_portal')).toBeUndefined();
    expect((await get(path)).statusCode).toBe(410);
  });

  it('expires after 15 minutes', async () => {
    const known = email();
    await ticketFor(known);
    await postForm(t, `/portal/${tenant.accountId}/sign-in`, { email: known });
    const path = (await latestSignInPath(t, tenant.accountId, known)) as string;
    t.clock.advance(15 * MINUTE - 1000);
    expect((await get(path)).statusCode).toBe(200);
    t.clock.advance(1000);
    expect((await get(path)).statusCode).toBe(410);
    const late = await postForm(t, path, {});
    expect(late.statusCode).toBe(401);
    expect(late.body).toContain('This sign-in link has expired');
    expect(late.cookies.find((c) => c.name === 'clearline_portal')).toBeUndefined();
  });

  it('is rate-limited per client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await postForm(
        t,
        `/portal/${tenant.accountId}/sign-in`,
        { email: email() },
        {},
        '10.9.9.9',
      );
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('sends at most three links per address in 15 minutes, still answering the same', async () => {
    const known = email();
    await ticketFor(known);
    for (let i = 0; i < 5; i++) {
      const res = await postForm(t, `/portal/${tenant.accountId}/sign-in`, { email: known });
      expect(res.statusCode).toBe(200);
    }
    expect(await tokensOf(known)).toBe(3);
  });

  it('sends exactly three links to an address asked for by 50 concurrent requests', async () => {
    const known = email();
    await ticketFor(known);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postForm(t, `/portal/${tenant.accountId}/sign-in`, { email: known }, {}, `10.50.0.${i + 1}`),
      ),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(Array(50).fill(200));
    expect(await tokensOf(known)).toBe(3);
    expect(await signInMailsTo(known)).toBe(3);
  });
});

describe('the portal home', () => {
  it("lists the customer's tickets across projects with an unread marker, and nobody else's", async () => {
    const me = email();
    const a = await ticketFor(me, tenant.projectId, 'Printer');
    const b = await ticketFor(me, billingId, 'Invoice');
    await ticketFor(email(), tenant.projectId, 'Someone else');
    const session = await signInCustomer(t, tenant.accountId, me);
    await staff(a.id, { body: 'We replied' });

    const home = (await homeOf(session)).json();
    expect(
      home.tickets.map((x: { reference: string; unread: number }) => [x.reference, x.unread]).sort(),
    ).toEqual(
      [
        [a.reference, 1],
        [b.reference, 0],
      ].sort(),
    );
    expect(home.bell.count).toBe(1);
    const bells = Object.fromEntries(
      home.projects.map((p: { id: string; bell: { count: number } }) => [p.id, p.bell.count]),
    );
    expect(bells).toEqual({ [tenant.projectId]: 1, [billingId]: 0 });

    const html = await get(`/portal/${tenant.accountId}`, session);
    expect(html.statusCode).toBe(200);
    expect(html.body).toMatch(new RegExp(`data-ticket="${a.id}">.*● New`));
    expect(html.body).not.toMatch(new RegExp(`data-ticket="${b.id}">.*● New`));
    expect(html.body).not.toContain('Someone else');
    expect(html.body).toContain('<select id="new-project" name="projectId"');
  });

  it('clears reply items when the ticket page is read, survey items when answered, withdrawn or expired', async () => {
    const me = email();
    const a = await ticketFor(me);
    const b = await ticketFor(me);
    const c = await ticketFor(me);
    const session = await signInCustomer(t, tenant.accountId, me);
    await staff(a.id, { body: 'Reply one' });
    await staff(a.id, { body: 'Reply two' });
    await staff(b.id, { status: 'resolved' }, 'PATCH');
    await staff(c.id, { status: 'resolved' }, 'PATCH');
    const kinds = async () =>
      (await homeOf(session))
        .json()
        .bell.items.map((i: { kind: string; ticket: { id: string } }) => [i.ticket.id, i.kind]);
    expect((await kinds()).sort()).toEqual(
      [
        [a.id, 'reply'],
        [a.id, 'reply'],
        [b.id, 'survey'],
        [c.id, 'survey'],
      ].sort(),
    );

    expect((await get(`/portal/${tenant.accountId}/tickets/${a.id}`, session)).statusCode).toBe(200);
    const base = `/portal/${tenant.accountId}/tickets/${b.id}`;
    const answered = await postForm(
      t,
      `${base}/survey`,
      { rating: '5', altcha: await solveCaptcha(t) },
      session,
    );
    expect(answered.statusCode, answered.body).toBe(303);
    expect(await kinds()).toEqual([[c.id, 'survey']]);

    await staff(c.id, { status: 'open' }, 'PATCH');
    expect(await kinds()).toEqual([]);
    await staff(c.id, { status: 'resolved' }, 'PATCH');
    expect(await kinds()).toEqual([[c.id, 'survey']]);
    t.clock.advance(8 * 86_400_000);
    expect(await kinds()).toEqual([]);
  });

  it('opens a new ticket as the customer (captcha); the honeypot answers the same and creates nothing', async () => {
    const me = email();
    await ticketFor(me);
    const session = await signInCustomer(t, tenant.accountId, me);
    const url = `/portal/${tenant.accountId}/tickets`;
    const fields = { projectId: billingId, subject: 'Refund', body: 'Charged **twice**' };
    const bot = await postForm(t, url, { ...fields, website: 'spam' }, session);
    const real = await postForm(t, url, { ...fields, altcha: await solveCaptcha(t) }, session);
    expect([bot.statusCode, real.statusCode]).toEqual([303, 303]);
    expect(bot.headers.location).toBe(real.headers.location);
    const tickets = (await homeOf(session)).json().tickets;
    expect(tickets.filter((x: { subject: string }) => x.subject === 'Refund')).toHaveLength(1);
    const audit = await t.db.execute(sql`
      SELECT a.actor_user_id, c.email FROM tickets t JOIN customers c ON c.id = t.requester_id
      JOIN audit_events a ON a.ticket_id = t.id AND a.type = 'ticket.created'
      WHERE t.subject = 'Refund' AND t.project_id = ${billingId}`);
    expect(audit.rows).toEqual([{ actor_user_id: null, email: me }]);
  });

  it('keeps what was typed when the captcha is missing', async () => {
    const me = email();
    await ticketFor(me);
    const session = await signInCustomer(t, tenant.accountId, me);
    const res = await postForm(
      t,
      `/portal/${tenant.accountId}/tickets`,
      { projectId: tenant.projectId, subject: 'Kept & shown', body: 'Typed <text>' },
      session,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="Kept &amp; shown"');
    expect(res.body).toContain('Typed &lt;text&gt;</textarea>');
  });

  it("is only for the account's own session: a session of one portal opens no other", async () => {
    const me = email();
    const mine = await ticketFor(me);
    const session = await signInCustomer(t, tenant.accountId, me);
    expect((await get(`/api/v1/portal/accounts/${other.accountId}/home`, session)).statusCode).toBe(401);
    const someone = await ticketFor(email());
    expect((await get(`/portal/${tenant.accountId}/tickets/${someone.id}`, session)).statusCode).toBe(404);
    expect((await get(`/portal/${tenant.accountId}/tickets/${mine.id}`, session)).statusCode).toBe(200);
    const out = await postForm(t, `/portal/${tenant.accountId}/sign-out`, {}, session);
    expect(out.statusCode).toBe(303);
    expect((await homeOf(session)).statusCode).toBe(401);
  });
});
