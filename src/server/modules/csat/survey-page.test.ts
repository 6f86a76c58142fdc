import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { postForm, solveCaptcha } from '../../../../tests/helpers/portal.js';
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
  return { id: row.id, path: surveyPath(t.ctx.links, { id: row.id, tokenVersion: row.token_version }) };
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
    expect(again.body).not.toContain('<form');
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
