/**
 * What bench/http-load.ts needs, made through Clearline's public API as a user would make it:
 * the setup (account, project, owner's API token), a ticket with 50 public messages and its portal
 * link, and pending surveys (tickets opened and resolved) with captchas solved at a cheap difficulty.
 * Links are derived with the same code and SECRET_KEY the app uses (staff do not see them).
 */
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type pg from 'pg';
import { LinkTokens } from '../src/server/lib/link-tokens.js';
import { surveyPath } from '../src/server/modules/csat/index.js';
import { portalPath } from '../src/server/modules/tickets/index.js';

/** One survey to answer: its token and a solved captcha payload, each usable once. */
export interface SurveyRequest {
  token: string;
  altcha: string;
}

export interface Seed {
  apiToken: string;
  projectId: string;
  portalPath: string;
  /** Two disjoint sets of the same size: one for Clearline, one for the floor. */
  surveys: { clearline: SurveyRequest[]; floor: SurveyRequest[] };
}

let address = 0;
/**
 * A client address of its own for (nearly) every request: public routes are rate-limited per
 * address, and the benchmark is thousands of customers, not one. Needs TRUST_PROXY.
 */
export function nextClientAddress(): string {
  address = (address + 1) % 65_536;
  return `10.77.${address >> 8}.${address & 255}`;
}

function createApi(base: string, token?: string) {
  return async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'x-forwarded-for': nextClientAddress() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(base + url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}

/** Runs `fn` over 0..count-1 with at most `concurrency` calls in flight. */
async function forEachConcurrently(count: number, concurrency: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await fn(next++);
  });
  await Promise.all(lanes);
}

interface Challenge {
  parameters: Record<string, unknown>;
  signature: string;
}

/** The payload the ALTCHA widget posts: the challenge it was given and the solution it found. */
async function solveCaptcha(call: ReturnType<typeof createApi>): Promise<string> {
  const challenge = await call<Challenge>('GET', '/api/v1/captcha/challenge');
  const solution = await solveChallenge({ challenge: challenge as never, deriveKey });
  if (!solution) throw new Error('no captcha solution found');
  return Buffer.from(
    JSON.stringify({
      challenge: { parameters: challenge.parameters, signature: challenge.signature },
      solution,
    }),
  ).toString('base64');
}

export async function seed(
  base: string,
  db: pg.Client,
  secretKey: string,
  surveysPerSide: number,
  log: (line: string) => void,
): Promise<Seed> {
  const links = new LinkTokens(secretKey);
  const setup = await createApi(base)<{ token: string; projectId: string }>('POST', '/api/v1/setup', {
    accountName: 'Bench',
    projectName: 'Bench',
    projectKey: 'BENCH',
    name: 'Owner',
    email: 'owner@bench.example',
    password: 'bench-password',
  });
  const call = createApi(base, setup.token);
  const openTicket = (i: number | string) =>
    call<{ id: string }>('POST', `/api/v1/projects/${setup.projectId}/tickets`, {
      subject: `Seeded ticket ${i}`,
      body: 'The printer on the second floor prints every page twice.',
      requester: { email: `requester-${i}@bench.example`, name: `Requester ${i}` },
    });

  const ticket = await openTicket('portal');
  for (let i = 1; i < 50; i++) {
    await call('POST', `/api/v1/tickets/${ticket.id}/messages`, {
      body: `Reply ${i}: we are **looking into it**; see [the status page](https://status.bench.example).`,
    });
  }
  const version = await db.query('SELECT portal_token_version FROM tickets WHERE id = $1', [ticket.id]);
  const portal = portalPath(links, {
    id: ticket.id,
    portalTokenVersion: version.rows[0].portal_token_version,
  });
  log(`seeded a ticket with 50 public messages; its portal page is ${portal}`);

  const total = surveysPerSide * 2;
  await forEachConcurrently(total, 8, async (i) => {
    const { id } = await openTicket(i);
    await call('PATCH', `/api/v1/tickets/${id}`, { status: 'resolved' });
  });
  const pending = await db.query<{ id: string; token_version: number }>(
    'SELECT id, token_version FROM csat_surveys WHERE submitted_at IS NULL ORDER BY id',
  );
  if (pending.rows.length < total) throw new Error(`only ${pending.rows.length} pending surveys`);
  const captchas: string[] = [];
  await forEachConcurrently(total, 4, async () => {
    captchas.push(await solveCaptcha(call));
  });
  const requests = pending.rows.slice(0, total).map((s, i) => ({
    token: surveyPath(links, { id: s.id, tokenVersion: s.token_version }).slice('/s/'.length),
    altcha: captchas[i] as string,
  }));
  log(`seeded ${total} pending surveys with solved captchas`);
  return {
    apiToken: setup.token,
    projectId: setup.projectId,
    portalPath: portal,
    surveys: { clearline: requests.slice(0, surveysPerSide), floor: requests.slice(surveysPerSide) },
  };
}

/**
 * Puts every answered survey back to pending, with its bell item, and forgets the spent captchas,
 * so that each survey run answers the same surveys with the same captchas. Bench state only: the
 * app never un-answers a survey.
 */
export async function resetSurveys(db: pg.Client): Promise<void> {
  await db.query('BEGIN');
  await db.query(`DELETE FROM csat_events WHERE type = 'submitted'`);
  await db.query('DELETE FROM captcha_uses');
  await db.query(`
    INSERT INTO requester_notifications (account_id, customer_id, project_id, ticket_id, kind, survey_id, created_at)
    SELECT s.account_id, t.requester_id, s.project_id, s.ticket_id, 'survey', s.id, s.created_at
      FROM csat_surveys s JOIN tickets t ON t.id = s.ticket_id
     WHERE s.submitted_at IS NOT NULL`);
  await db.query(
    'UPDATE csat_surveys SET submitted_at = NULL, rating = NULL, comment = NULL, channel = NULL WHERE submitted_at IS NOT NULL',
  );
  await db.query('COMMIT');
  await db.query('VACUUM ANALYZE csat_surveys, csat_events, captcha_uses, requester_notifications');
}
