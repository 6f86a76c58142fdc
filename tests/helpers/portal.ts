import { randomInt } from 'node:crypto';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { sql } from 'drizzle-orm';
import { surveyPath } from '../../src/server/modules/csat/index.js';
import { portalPath, signInPath } from '../../src/server/modules/portal/index.js';
import type { CaptchaChallenge } from '../../src/server/modules/spam/index.js';
import type { TestApp } from './app.js';

/** What the ALTCHA widget does: fetch a challenge, solve it, send base64 of {challenge, solution}. */
export async function solveCaptcha(t: TestApp): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/captcha/challenge' });
  if (res.statusCode !== 200) throw new Error(`no challenge: ${res.body}`);
  return solveCaptchaChallenge(res.json() as CaptchaChallenge);
}

/** The form value for a solved challenge, as the widget sends it. */
export async function solveCaptchaChallenge(challenge: CaptchaChallenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no captcha solution found');
  return Buffer.from(
    JSON.stringify({
      challenge: { parameters: challenge.parameters, signature: challenge.signature },
      solution,
    }),
  ).toString('base64');
}

/**
 * Posts an HTML form the way a browser does, from an address of its own unless one is given: public
 * forms are rate-limited per client, and a test file sends more than one person would.
 */
export const postForm = (
  t: TestApp,
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  remoteAddress = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`,
) =>
  t.app.inject({
    method: 'POST',
    url,
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });

/** The newest sign-in link made for this address (the mail carries it; the test derives it the same way). */
export async function latestSignInPath(t: TestApp, accountId: string, email: string) {
  const rows = await t.db.execute<{ id: string }>(sql`
    SELECT s.id FROM customer_sign_in_tokens s JOIN customers c ON c.id = s.customer_id
    WHERE c.account_id = ${accountId} AND lower(c.email) = lower(${email})
    ORDER BY s.created_at DESC, s.id LIMIT 1`);
  const id = rows.rows[0]?.id;
  return id ? signInPath(t.ctx.links, accountId, id) : null;
}

/** Signs a known customer in through the real flow (request, link, button); returns the cookie header. */
export async function signInCustomer(t: TestApp, accountId: string, email: string) {
  const asked = await postForm(t, `/portal/${accountId}/sign-in`, { email });
  if (asked.statusCode !== 200) throw new Error(`sign-in request refused: ${asked.statusCode}`);
  const path = await latestSignInPath(t, accountId, email);
  if (!path) throw new Error(`no sign-in link for ${email}`);
  const res = await postForm(t, path, {});
  const cookie = res.cookies.find((c) => c.name === 'clearline_portal');
  if (res.statusCode !== 303 || !cookie) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  return { cookie: `clearline_portal=${cookie.value}` };
}

/** A ticket's secret portal link, derived as the ticket's mails carry it (`/p/…`). */
export const portalLinkOf = (t: TestApp, ticketId: string) =>
  portalPath(t.ctx.links, { id: ticketId, portalTokenVersion: 1 });

/** The survey link (`/s/…`) of a resolved ticket's newest survey, derived as its invitation carries it. */
export async function surveyLinkOf(t: TestApp, ticketId: string) {
  const rows = await t.db.execute<{ id: string; token_version: number }>(sql`
    SELECT id, token_version FROM csat_surveys WHERE ticket_id = ${ticketId} ORDER BY resolution DESC LIMIT 1`);
  const row = rows.rows[0];
  if (!row) throw new Error(`no survey for ticket ${ticketId}`);
  return { surveyId: row.id, path: surveyPath(t.ctx.links, { id: row.id, tokenVersion: row.token_version }) };
}
