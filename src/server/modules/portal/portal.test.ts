import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { postForm, signInCustomer, solveCaptcha } from '../../../../tests/helpers/portal.js';
import { portalPath } from './index.js';

let t: TestApp;
let tenant: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { name: 'Acme & Co', projectKey: 'ACME' });
});

const unique = () => randomBytes(4).toString('hex');
const email = () => `casey-${unique()}@example.com`;

async function newTicket(subject = 'The printer is on fire', requesterEmail = email()) {
  const ticket = await buildTicket(t, tenant, {
    subject,
    requester: { email: requesterEmail, name: 'Casey' },
  });
  return { ...ticket, email: requesterEmail, path: await portalPathOf(ticket.id) };
}

/** The ticket's portal link as its mails carry it (staff never see it), relative to the public URL. */
async function portalPathOf(ticketId: string) {
  const rows = await t.db.execute<{ portal_token_version: number }>(
    sql`SELECT portal_token_version FROM tickets WHERE id = ${ticketId}`,
  );
  const version = rows.rows[0]?.portal_token_version;
  if (version === undefined) throw new Error('no ticket');
  return portalPath(t.ctx.links, { id: ticketId, portalTokenVersion: version });
}

async function setStatus(ticketId: string, status: string, extra: object = {}) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
    payload: { status, ...extra },
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function staffMessage(ticketId: string, body: string, internal = false) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticketId}/messages`,
    headers: tenant.owner.headers,
    payload: { body, internal },
  });
  expect(res.statusCode, res.body).toBe(201);
}

const page = (path: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: path, headers });
const apiPathOf = (path: string) => path.replace('/p/', '/api/v1/portal/');

async function ticketRow(ticketId: string) {
  const rows = await t.db.execute<{ status: string; closes_at: Date | null; messages: number }>(sql`
    SELECT status, closes_at, (SELECT count(*)::int FROM messages WHERE ticket_id = ${ticketId}) AS messages
    FROM tickets WHERE id = ${ticketId}`);
  return rows.rows[0];
}

describe('the portal link', () => {
  it('the staff ticket API never returns a portal link, not even to the owner', async () => {
    const ticket = await newTicket();
    expect(ticket.path).toMatch(/^\/p\/[A-Za-z0-9_-]{65}$/);
    const res = await page(`/api/v1/tickets/${ticket.id}`, tenant.owner.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).not.toHaveProperty('portalUrl');
    expect(res.body).not.toContain(ticket.path.slice(3));
    const doc = await page('/api/openapi.json');
    expect(doc.body).not.toContain('portalUrl');
  });

  it('reset by staff with tickets.update kills the old link at once, and never shows the new one', async () => {
    const ticket = await newTicket();
    expect((await page(ticket.path)).statusCode).toBe(200);
    const viewer = await buildMember(t, tenant, { permissions: ['tickets.view_all'] });
    const url = `/api/v1/tickets/${ticket.id}/portal-link`;
    const refused = await t.app.inject({ method: 'POST', url, headers: viewer.headers });
    expect(refused.statusCode).toBe(403);

    const reset = await t.app.inject({ method: 'POST', url, headers: tenant.owner.headers });
    expect(reset.statusCode, reset.body).toBe(204);
    expect(reset.body).toBe('');
    const fresh = await portalPathOf(ticket.id);
    expect(fresh).not.toBe(ticket.path);

    const old = await page(ticket.path);
    expect(old.statusCode).toBe(404);
    expect(old.body).toContain('This link is not valid');
    expect((await page(apiPathOf(ticket.path))).statusCode).toBe(404);
    expect((await page(fresh)).statusCode).toBe(200);
  });

  it('is scoped to its ticket: a link for one ticket id does not open another', async () => {
    const a = await newTicket();
    const b = await newTicket();
    const forged = `/p/${b.path.slice(3, 25)}${a.path.slice(25)}`;
    expect((await page(forged)).statusCode).toBe(404);
  });
});

describe('the ticket page', () => {
  it('shows the brand, subject, reference, status, priority and the public thread', async () => {
    const ticket = await newTicket('Toner <everywhere>');
    await staffMessage(ticket.id, 'We are **on it**.');
    const res = await page(ticket.path);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Acme &amp; Co');
    expect(res.body).toContain('<h1>Toner &lt;everywhere&gt;</h1>');
    expect(res.body).toContain(`<dd id="reference">${ticket.reference}</dd>`);
    expect(res.body).toContain('<dd id="status">Open</dd>');
    expect(res.body).toContain('<dd id="priority">Normal</dd>');
    expect(res.body).toContain('<strong>on it</strong>');
    expect(res.body).toContain('<altcha-widget challenge="/api/v1/captcha/challenge"');
  });

  it('a view marks unread replies read, and a view with nothing unread writes nothing', async () => {
    const ticket = await newTicket();
    const reads: string[] = [];
    t.ctx.bus.subscribe('ticket.read_by_requester', async (_s, event) => {
      if (event.ticketId === ticket.id) reads.push(event.ticketId);
    });
    const unreadOf = async () =>
      (
        await t.db.execute<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM requester_notifications WHERE ticket_id = ${ticket.id} AND read_at IS NULL`,
        )
      ).rows[0]?.n;
    await page(ticket.path);
    expect(reads).toHaveLength(0);
    await staffMessage(ticket.id, 'Public answer');
    expect(await unreadOf()).toBe(1);
    await page(ticket.path);
    expect(reads).toHaveLength(1);
    expect(await unreadOf()).toBe(0);
    await page(apiPathOf(ticket.path));
    await page(ticket.path);
    expect(reads).toHaveLength(1);
  });

  it('never lets an internal note reach the requester: not in HTML, JSON, counts or bells', async () => {
    const ticket = await newTicket();
    const marker = `INTERNAL-${unique()}`;
    await staffMessage(ticket.id, 'Public answer');
    const before = (await page(apiPathOf(ticket.path))).json().ticket.lastActivityAt;
    t.clock.advance(60_000);
    await staffMessage(ticket.id, `Between us: ${marker}`, true);

    const html = await page(ticket.path);
    const json = await page(apiPathOf(ticket.path));
    expect(html.body).not.toContain(marker);
    expect(json.body).not.toContain(marker);
    const view = json.json();
    expect(view.thread.map((m: { kind: string }) => m.kind)).toEqual(['public', 'public']);
    // Not even the time of the note shows: the last update is the last public thing.
    expect(view.ticket.lastActivityAt).toBe(before);

    const session = await signInCustomer(t, tenant.accountId, ticket.email);
    // The public reply's bell item was read when the page opened; a new one makes the count 1, not 2.
    await staffMessage(ticket.id, 'Another public answer');
    await staffMessage(ticket.id, `Again: ${marker}`, true);
    const home = await page(`/api/v1/portal/accounts/${tenant.accountId}/home`, session);
    const homeHtml = await page(`/portal/${tenant.accountId}`, session);
    const ticketPage = await page(`/portal/${tenant.accountId}/tickets/${ticket.id}`, session);
    for (const res of [home, homeHtml, ticketPage]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(marker);
    }
    expect(home.json().bell.count).toBe(1);
    expect(home.json().tickets[0].unread).toBe(1);
  });
});

describe('replying', () => {
  it('on a resolved ticket reopens it with a system message (HTML form, captcha)', async () => {
    const ticket = await newTicket();
    await setStatus(ticket.id, 'resolved');
    const res = await postForm(t, `${ticket.path}/reply`, {
      body: 'It is on fire **again**.',
      altcha: await solveCaptcha(t),
      website: '',
    });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`${ticket.path}?done=reply`);
    expect((await ticketRow(ticket.id))?.status).toBe('open');
    const shown = await page(res.headers.location as string);
    expect(shown.body).toContain('Your reply was sent.');
    expect(shown.body).toContain('<dd id="status">Open</dd>');
    expect(shown.body).toContain('It is on fire <strong>again</strong>.');
    expect(shown.body).toContain('Status changed from Resolved to Open by the requester’s reply.');
  });

  it('on a pending ticket through the JSON API reopens it too', async () => {
    const ticket = await newTicket();
    await setStatus(ticket.id, 'pending');
    const res = await t.app.inject({
      method: 'POST',
      url: `${apiPathOf(ticket.path)}/messages`,
      payload: { body: 'Still broken', altcha: await solveCaptcha(t), website: '' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().ticket.status).toBe('open');
    const thread = (await page(apiPathOf(ticket.path))).json().thread;
    expect(thread.at(-1)).toMatchObject({
      kind: 'system',
      body: 'Status changed from Pending to Open by the requester’s reply.',
    });
  });

  it('on a closed ticket: the form is replaced by a notice and the API refuses with TICKET_CLOSED', async () => {
    const ticket = await newTicket();
    await setStatus(ticket.id, 'closed');
    const shown = await page(ticket.path);
    expect(shown.body).toContain('id="closed-notice"');
    expect(shown.body).not.toContain('id="reply-form"');
    const before = (await ticketRow(ticket.id))?.messages;
    const api = await t.app.inject({
      method: 'POST',
      url: `${apiPathOf(ticket.path)}/messages`,
      payload: { body: 'Hello?', altcha: await solveCaptcha(t) },
    });
    expect(api.statusCode).toBe(409);
    expect(api.json().error.code).toBe('TICKET_CLOSED');
    const form = await postForm(t, `${ticket.path}/reply`, { body: 'Hello?', altcha: await solveCaptcha(t) });
    expect(form.statusCode).toBe(409);
    expect(form.body).toContain('id="closed-notice"');
    expect((await ticketRow(ticket.id))?.messages).toBe(before);
  });

  it('with the honeypot filled answers exactly like a success and stores nothing', async () => {
    const ticket = await newTicket();
    await setStatus(ticket.id, 'resolved');
    const before = await ticketRow(ticket.id);
    const form = await postForm(t, `${ticket.path}/reply`, {
      body: 'Buy pills',
      website: 'http://spam.example',
    });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe(`${ticket.path}?done=reply`);
    const api = await t.app.inject({
      method: 'POST',
      url: `${apiPathOf(ticket.path)}/messages`,
      payload: { body: 'Buy pills', altcha: '', website: 'http://spam.example' },
    });
    expect(api.statusCode).toBe(201);
    expect(api.json()).toMatchObject({
      message: { kind: 'public', body: 'Buy pills' },
      ticket: { status: 'open' },
    });
    expect(await ticketRow(ticket.id)).toEqual(before);
  });

  it('without a solved captcha is refused with 400 and the typed text kept', async () => {
    const ticket = await newTicket();
    const typed = 'My <b>long</b> story & more';
    const form = await postForm(t, `${ticket.path}/reply`, { body: typed, website: '' });
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain('id="reply-error"');
    expect(form.body).toContain('My &lt;b&gt;long&lt;/b&gt; story &amp; more</textarea>');
    const api = await t.app.inject({
      method: 'POST',
      url: `${apiPathOf(ticket.path)}/messages`,
      payload: { body: typed, altcha: '' },
    });
    expect(api.statusCode).toBe(400);
    expect(api.json().error.code).toBe('CAPTCHA_REQUIRED');
    expect((await ticketRow(ticket.id))?.messages).toBe(1);
  });

  it('longer than 10,000 characters is refused with the text kept', async () => {
    const ticket = await newTicket();
    const typed = 'x'.repeat(10_001);
    const form = await postForm(t, `${ticket.path}/reply`, { body: typed, altcha: await solveCaptcha(t) });
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain(`${typed}</textarea>`);
    expect((await ticketRow(ticket.id))?.messages).toBe(1);
  });
});

describe('closing and the survey', () => {
  it('"close my ticket" moves it to pending_closure and offers the survey on the same page', async () => {
    const ticket = await newTicket();
    const res = await postForm(t, `${ticket.path}/close`, {});
    expect(res.statusCode, res.body).toBe(303);
    expect((await ticketRow(ticket.id))?.status).toBe('pending_closure');
    const shown = await page(res.headers.location as string);
    expect(shown.body).toContain('<dd id="status">Pending closure</dd>');
    expect(shown.body).toContain(`<form method="post" action="${ticket.path}/survey" id="survey-form">`);
    expect(shown.body).toContain('at the requester’s request');

    const answered = await postForm(t, `${ticket.path}/survey`, {
      rating: '4',
      comment: 'Quick',
      altcha: await solveCaptcha(t),
    });
    expect(answered.statusCode, answered.body).toBe(303);
    const survey = await t.db.execute(
      sql`SELECT rating, comment, channel FROM csat_surveys WHERE ticket_id = ${ticket.id}`,
    );
    expect(survey.rows).toEqual([{ rating: 4, comment: 'Quick', channel: 'portal' }]);
    const after = await page(answered.headers.location as string);
    expect(after.body).toContain('Thank you for your rating!');
    expect(after.body).not.toContain('id="survey-form"');
  });

  it('a survey answer without a rating keeps the comment; with the honeypot it stores nothing', async () => {
    const ticket = await newTicket();
    await setStatus(ticket.id, 'resolved');
    const missing = await postForm(t, `${ticket.path}/survey`, { comment: 'Kept <here>' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Kept &lt;here&gt;</textarea>');
    const bot = await postForm(t, `${ticket.path}/survey`, { rating: '1', website: 'x' });
    expect(bot.statusCode).toBe(303);
    expect(bot.headers.location).toBe(`${ticket.path}?done=survey`);
    const survey = await t.db.execute(
      sql`SELECT submitted_at FROM csat_surveys WHERE ticket_id = ${ticket.id}`,
    );
    expect(survey.rows).toEqual([{ submitted_at: null }]);
  });

  it('with a closure scheduled, the requester can close the ticket at once', async () => {
    const ticket = await newTicket();
    const closesAt = new Date(t.clock.now().getTime() + 3 * 86_400_000).toISOString();
    await setStatus(ticket.id, 'closure_scheduled', { closesAt });
    const shown = await page(ticket.path);
    expect(shown.body).toContain('Close it now');
    const res = await t.app.inject({ method: 'POST', url: `${apiPathOf(ticket.path)}/close` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ticket).toMatchObject({ status: 'closed', closesAt: null });
    expect(res.json().abilities).toEqual({ reply: false, requestClosure: false, closeNow: false });
    expect(await ticketRow(ticket.id)).toMatchObject({ status: 'closed', closes_at: null });
  });

  it('asking twice is refused with the page explaining why', async () => {
    const ticket = await newTicket();
    expect((await postForm(t, `${ticket.path}/close`, {})).statusCode).toBe(303);
    const again = await postForm(t, `${ticket.path}/close`, {});
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('You already asked to close this ticket');
  });
});

describe('credentials', () => {
  it('a staff session is no substitute for the portal link or the portal session, and vice versa', async () => {
    const ticket = await newTicket();
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: tenant.owner.email, password: 'owner-password' },
    });
    const staff = signIn.cookies.find((c) => c.name === 'clearline_session');
    expect(staff).toBeDefined();
    const staffCookie = { cookie: `clearline_session=${staff?.value}` };

    const byId = await page(`/portal/${tenant.accountId}/tickets/${ticket.id}`, staffCookie);
    expect(byId.statusCode).toBe(303);
    expect(byId.headers.location).toBe(`/portal/${tenant.accountId}`);
    const home = await page(`/api/v1/portal/accounts/${tenant.accountId}/home`, staffCookie);
    expect(home.statusCode).toBe(401);
    const homePage = await page(`/portal/${tenant.accountId}`, staffCookie);
    expect(homePage.body).toContain('id="sign-in-form"');
    expect((await page(`/p/not-a-token`, staffCookie)).statusCode).toBe(404);

    const customer = await signInCustomer(t, tenant.accountId, ticket.email);
    const staffApi = await page(`/api/v1/tickets/${ticket.id}`, customer);
    expect(staffApi.statusCode).toBe(401);
    const mine = await page(`/portal/${tenant.accountId}/tickets/${ticket.id}`, customer);
    expect(mine.statusCode).toBe(200);
  });
});
