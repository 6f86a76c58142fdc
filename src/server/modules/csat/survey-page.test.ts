import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildTicket,
  staffSessionCookie,
  type Tenant,
} from '../../../../tests/helpers/factories.js';
import { expectError } from '../../../../tests/helpers/permissions.js';
import { postForm, solveCaptcha } from '../../../../tests/helpers/portal.js';
import { portalPath } from '../tickets/index.js';
import { surveyPath } from './csat.service.js';

let t: TestApp;
let tenant: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
});

/** A resolved ticket's survey page path. */
async function surveyPage() {
  const ticket = await buildTicket(t, tenant);
  await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticket.id}`,
    headers: tenant.owner.headers,
    payload: { status: 'resolved' },
  });
  const rows = await t.db.execute<{ id: string; token_version: number }>(
    sql`SELECT id, token_version FROM csat_surveys WHERE ticket_id = ${ticket.id}`,
  );
  const row = rows.rows[0];
  if (!row) throw new Error('no survey');
  return {
    id: row.id,
    ticketId: ticket.id,
    path: surveyPath(t.ctx.links, { id: row.id, tokenVersion: row.token_version }),
  };
}

const stored = async (id: string) =>
  (await t.db.execute(sql`SELECT rating, comment FROM csat_surveys WHERE id = ${id}`)).rows[0];

describe('the survey form, refused, keeps what the customer typed', () => {
  it('without a rating: 400, the message, the comment still there, nothing stored', async () => {
    const { id, path } = await surveyPage();
    const res = await postForm(t, path, { comment: 'Kind <people>', altcha: await solveCaptcha(t) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Pick a rating from 1 to 5 stars.');
    expect(res.body).toContain('>Kind &lt;people&gt;</textarea>');
    expect(await stored(id)).toEqual({ rating: null, comment: null });
  });

  it('without the captcha: 400, the rating still chosen and the comment still there', async () => {
    const { id, path } = await surveyPage();
    const res = await postForm(t, path, { rating: '2', comment: 'Too slow' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Solve the captcha');
    expect(res.body).toMatch(/id="rating-2"[^>]*\bchecked\b/);
    expect(res.body).toContain('>Too slow</textarea>');
    expect(await stored(id)).toEqual({ rating: null, comment: null });
  });

  it('with a comment over 2,000 characters: 400 saying so, the text kept', async () => {
    const { id, path } = await surveyPage();
    const long = 'a'.repeat(2001);
    const res = await postForm(t, path, { rating: '4', comment: long, altcha: await solveCaptcha(t) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('at most 2000 characters (it has 2001)');
    expect(res.body).toContain(`>${long}</textarea>`);
    expect(await stored(id)).toEqual({ rating: null, comment: null });
  });
});

describe('the survey form, accepted', () => {
  it('thanks the customer, stores the answer, and then shows it read-only', async () => {
    const { id, path } = await surveyPage();
    const res = await postForm(t, path, { rating: '5', comment: 'Great', altcha: await solveCaptcha(t) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Thank you!');
    expect(await stored(id)).toEqual({ rating: 5, comment: 'Great' });
    const again = await t.app.inject({ method: 'GET', url: path });
    expect(again.body).toContain('You already answered this survey');
    expect(again.body).toContain('aria-label="5 stars"');
    expect(again.body).not.toContain('id="survey-form"');
  });

  it('answers a honeypot submission with the same thanks, and stores nothing', async () => {
    const { id, path } = await surveyPage();
    const res = await postForm(t, path, { rating: '1', website: 'http://spam.example', altcha: 'x' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Thank you!');
    expect(await stored(id)).toEqual({ rating: null, comment: null });
  });

  it('shows a page revealing nothing for an unknown link', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/s/${'A'.repeat(65)}` });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('This link is not valid');
    expect(res.body).not.toContain(tenant.accountId);
  });
});

describe('a survey answer with a staff session cookie of the same account', () => {
  it('is refused (STAFF_CANNOT_ANSWER), on the form and the API, and nothing is recorded', async () => {
    const { id, path } = await surveyPage();
    const cookie = await staffSessionCookie(t, tenant);
    const form = await postForm(
      t,
      path,
      { rating: '1', comment: 'Bad', altcha: await solveCaptcha(t) },
      { cookie },
    );
    expect(form.statusCode).toBe(403);
    expect(form.body).toContain('staff cannot answer for the requester');
    const api = await t.app.inject({
      method: 'POST',
      url: path.replace('/s/', '/api/v1/surveys/'),
      headers: { cookie },
      payload: { rating: 1, altcha: await solveCaptcha(t) },
    });
    expectError(api, 403, 'STAFF_CANNOT_ANSWER');
    const honeypot = await postForm(t, path, { rating: '1', website: 'x' }, { cookie });
    expect(honeypot.statusCode).toBe(403);
    expect(await stored(id)).toEqual({ rating: null, comment: null });
  });

  it('of another account does not stop the answer', async () => {
    const { id, path } = await surveyPage();
    const other = await buildAccount(t);
    const cookie = await staffSessionCookie(t, other);
    const res = await postForm(t, path, { rating: '4', altcha: await solveCaptcha(t) }, { cookie });
    expect(res.statusCode).toBe(200);
    expect(await stored(id)).toEqual({ rating: 4, comment: null });
  });
});

describe('a withdrawn survey', () => {
  it("a withdrawn survey's link answers 410 SURVEY_WITHDRAWN with the explanation", async () => {
    const { path, ticketId } = await surveyPage();
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticketId}`,
      headers: tenant.owner.headers,
      payload: { status: 'open' },
    });
    const explanation =
      'This survey was withdrawn because your ticket was reopened — you will get a new one when it is resolved.';
    const pageRes = await t.app.inject({ method: 'GET', url: path });
    expect(pageRes.statusCode).toBe(410);
    expect(pageRes.body).toContain(explanation);
    expect(pageRes.body).not.toContain('id="survey-form"');
    const posted = await postForm(t, path, { rating: '5', altcha: await solveCaptcha(t) });
    expect(posted.statusCode).toBe(410);
    expect(posted.body).toContain(explanation);
    const apiPath = path.replace('/s/', '/api/v1/surveys/');
    const api = await t.app.inject({ method: 'GET', url: apiPath });
    expectError(api, 410, 'SURVEY_WITHDRAWN');
    expect(api.json().error.message).toBe(explanation);
    expectError(
      await t.app.inject({ method: 'POST', url: apiPath, payload: { rating: 5, altcha: 'x' } }),
      410,
      'SURVEY_WITHDRAWN',
    );
  });

  it('a mangled link of a withdrawn survey still gets the generic not-found', async () => {
    const { path, ticketId } = await surveyPage();
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticketId}`,
      headers: tenant.owner.headers,
      payload: { status: 'open' },
    });
    const last = path.at(-1) === 'A' ? 'B' : 'A';
    const mangled = path.slice(0, -1) + last;
    const unknownPath = `/s/${'A'.repeat(65)}`;
    const unknown = await t.app.inject({ method: 'GET', url: unknownPath });
    const res = await t.app.inject({ method: 'GET', url: mangled });
    expect(res.statusCode).toBe(404);
    // The same page but for the link itself, which the language switcher posts back to.
    expect(res.body.replaceAll(mangled, '')).toBe(unknown.body.replaceAll(unknownPath, ''));
    const api = await t.app.inject({ method: 'GET', url: mangled.replace('/s/', '/api/v1/surveys/') });
    expectError(api, 404, 'NOT_FOUND');
  });
});

describe('the thank-you page', () => {
  it('the thank-you page shows the comment and links to the ticket', async () => {
    const { path, ticketId } = await surveyPage();
    const res = await postForm(t, path, {
      rating: '4',
      comment: 'Fast <b>and</b> kind',
      altcha: await solveCaptcha(t),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(
      '<blockquote id="submitted-comment">Fast &lt;b&gt;and&lt;/b&gt; kind</blockquote>',
    );
    const link = /<a href="([^"]+)" id="ticket-link">/.exec(res.body)?.[1];
    expect(link).toBe(portalPath(t.ctx.links, { id: ticketId, portalTokenVersion: 1 }));
    const portal = await t.app.inject({ method: 'GET', url: link ?? '' });
    expect(portal.statusCode).toBe(200);
    expect(portal.body).toContain('The printer is on fire');
  });
});
