import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildMember,
  buildTicket,
  type Staff,
  type Tenant,
} from '../../../../tests/helpers/factories.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { csatEvents, csatSurveys, requesterNotifications } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import { createCaptchaChallenge } from '../spam/index.js';
import { type SurveyAnswer, submitSurvey, surveyPath } from './csat.service.js';
import { expireSurveysJob } from './csat-expiry.job.js';

const DAY = 86_400_000;
let t: TestApp;
let tenant: Tenant;
let ada: Staff;
let bob: Staff;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { name: 'Acme Support' });
  ada = await buildMember(t, tenant, { name: 'Ada Agent' });
  bob = await buildMember(t, tenant, { name: 'Bob Agent' });
});

async function setStatus(ticketId: string, status: string, as: Staff = tenant.owner) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticketId}`,
    headers: as.headers,
    payload: { status },
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function reply(ticketId: string, as: Staff, internal = false) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticketId}/messages`,
    headers: as.headers,
    payload: { body: 'Have you tried turning it off and on again?', internal },
  });
  expect(res.statusCode, res.body).toBe(201);
}

const surveysOf = (ticketId: string) =>
  t.db
    .select()
    .from(csatSurveys)
    .where(eq(csatSurveys.ticketId, ticketId))
    .orderBy(asc(csatSurveys.resolution));

async function resolvedTicket(owner: Tenant = tenant, overrides: Parameters<typeof buildTicket>[2] = {}) {
  const ticket = await buildTicket(t, owner, overrides);
  await setStatus(ticket.id, 'resolved', owner.owner);
  const [survey, ...more] = await surveysOf(ticket.id);
  if (!survey || more.length) throw new Error('expected exactly one survey');
  return { ticket, survey };
}

const eventTypes = async (surveyId: string) =>
  (
    await t.db.select().from(csatEvents).where(eq(csatEvents.surveyId, surveyId)).orderBy(asc(csatEvents.id))
  ).map((e) => e.type);
const bellItems = (surveyId: string) =>
  t.db.select().from(requesterNotifications).where(eq(requesterNotifications.surveyId, surveyId));

/** Submits as the survey page does after its captcha; resolves to the refusal code, or null on success. */
const submit = (surveyId: string, answer: Partial<SurveyAnswer> = {}) =>
  inTransaction(t.db, (tx) =>
    submitSurvey(scopeOf(t.ctx, tx), surveyId, { rating: 5, comment: null, channel: 'link', ...answer }),
  ).then(
    () => null,
    (err) => (err instanceof AppError ? err.code : Promise.reject(err)),
  );

const sweep = () => expireSurveysJob.handle(t.ctx, {});
const tokenOf = (survey: { id: string; tokenVersion: number }) =>
  surveyPath(t.ctx.links, survey).replace('/s/', '');
let client = 0;
/** The public route allows 60 requests a minute per client: each call comes from its own address. */
const getPublic = (token: string) =>
  t.app.inject({
    method: 'GET',
    url: `/api/v1/surveys/${token}`,
    remoteAddress: `10.0.${client >> 8}.${client++ & 255}`,
  });

/** The survey page's POST with a solved captcha, as the widget sends it. */
async function postAnswer(token: string, rating: number) {
  const challenge = await createCaptchaChallenge(t.db, t.clock, t.ctx.config);
  const solution = await solveChallenge({ challenge, deriveKey });
  const altcha = Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/surveys/${token}`,
    remoteAddress: `10.1.${client >> 8}.${client++ & 255}`,
    payload: { rating, altcha },
  });
}

describe('expiry (rule 5)', () => {
  it('a survey can be answered one second before its deadline and is refused one second after', async () => {
    const early = await resolvedTicket();
    const late = await resolvedTicket();
    t.clock.set(new Date(early.survey.expiresAt.getTime() - 1000));
    const answered = await postAnswer(tokenOf(early.survey), 4);
    expect(answered.statusCode, answered.body).toBe(200);
    t.clock.set(new Date(late.survey.expiresAt.getTime() + 1000));
    const refused = await postAnswer(tokenOf(late.survey), 4);
    expect([refused.statusCode, refused.json().error.code]).toEqual([410, 'SURVEY_EXPIRED']);
    expect(await submit(late.survey.id)).toBe('SURVEY_EXPIRED');
    // The submission itself decided: the sweep has not run, nothing was recorded.
    expect(await surveysOf(late.ticket.id)).toEqual([late.survey]);
    expect(await eventTypes(late.survey.id)).toEqual(['created', 'invitation_sent']);
    expect((await getPublic(tokenOf(late.survey))).json().state).toBe('expired');
    expect((await getPublic(tokenOf(early.survey))).json().state).toBe('submitted');
  });

  it('the sweep marks overdue surveys expired, records it, clears their bell items, and leaves answered ones alone', async () => {
    const due = await resolvedTicket();
    const answered = await resolvedTicket();
    expect(await submit(answered.survey.id, { rating: 2, comment: 'Slow', channel: 'email' })).toBeNull();
    const [answeredBefore] = await surveysOf(answered.ticket.id);
    t.clock.advance(7 * DAY);
    const notYetDue = await resolvedTicket();
    expect(await bellItems(due.survey.id)).toHaveLength(1);

    await sweep();
    expect((await surveysOf(due.ticket.id))[0]?.expiredAt).toEqual(t.clock.now());
    expect(await eventTypes(due.survey.id)).toEqual(['created', 'invitation_sent', 'expired']);
    expect(await bellItems(due.survey.id)).toEqual([]);
    expect(await surveysOf(answered.ticket.id)).toEqual([answeredBefore]);
    expect(await eventTypes(answered.survey.id)).toEqual(['created', 'invitation_sent', 'submitted']);
    expect(await surveysOf(notYetDue.ticket.id)).toEqual([notYetDue.survey]);
    expect(await bellItems(notYetDue.survey.id)).toHaveLength(1);

    await sweep();
    expect(await eventTypes(due.survey.id)).toEqual(['created', 'invitation_sent', 'expired']);
  });
});

describe('reopening (rules 3 and 4)', () => {
  it('withdraws a pending survey and its bell item; the next resolution gets a new survey', async () => {
    const { ticket, survey } = await resolvedTicket();
    await setStatus(ticket.id, 'in_progress');
    expect(await surveysOf(ticket.id)).toEqual([]);
    expect(await eventTypes(survey.id)).toEqual(['created', 'invitation_sent', 'withdrawn']);
    expect(
      await t.db.select().from(requesterNotifications).where(eq(requesterNotifications.ticketId, ticket.id)),
    ).toEqual([]);
    await setStatus(ticket.id, 'pending_closure');
    const [next] = await surveysOf(ticket.id);
    expect(next).toMatchObject({ resolution: 2, submittedAt: null });
    expect(next?.id).not.toBe(survey.id);
  });

  it('withdraws an expired survey too, swept or not', async () => {
    const swept = await resolvedTicket();
    t.clock.advance(8 * DAY);
    await sweep();
    await setStatus(swept.ticket.id, 'open');
    expect(await surveysOf(swept.ticket.id)).toEqual([]);
    expect(await eventTypes(swept.survey.id)).toEqual(['created', 'invitation_sent', 'expired', 'withdrawn']);

    const unswept = await resolvedTicket();
    t.clock.advance(8 * DAY);
    await setStatus(unswept.ticket.id, 'on_hold');
    expect(await surveysOf(unswept.ticket.id)).toEqual([]);
    expect(await eventTypes(unswept.survey.id)).toEqual(['created', 'invitation_sent', 'withdrawn']);
  });

  it('never touches a submitted survey; after a reopen the new resolution gets its own survey', async () => {
    const { ticket, survey } = await resolvedTicket();
    expect(await submit(survey.id, { rating: 4 })).toBeNull();
    const [answered] = await surveysOf(ticket.id);
    for (const status of ['closed', 'open', 'resolved', 'pending_closure'])
      await setStatus(ticket.id, status);
    const [first, second, ...rest] = await surveysOf(ticket.id);
    expect(first).toEqual(answered);
    expect(second).toMatchObject({ resolution: 2, submittedAt: null });
    expect(rest).toEqual([]);
    expect(await eventTypes(survey.id)).toEqual(['created', 'invitation_sent', 'submitted']);
  });
});

describe('the agent credited (rule 6)', () => {
  it('is the assignee when the survey is created, even if someone else replied last or it is reassigned later', async () => {
    const ticket = await buildTicket(t, tenant, { assigneeId: ada.userId });
    await reply(ticket.id, bob);
    await setStatus(ticket.id, 'resolved');
    const reassign = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
      payload: { assigneeId: bob.userId },
    });
    expect(reassign.statusCode).toBe(200);
    expect((await surveysOf(ticket.id)).map((s) => s.agentId)).toEqual([ada.userId]);
  });

  it('without an assignee, is the last staff member who replied publicly (internal notes do not count)', async () => {
    const ticket = await buildTicket(t, tenant);
    await reply(ticket.id, ada);
    await reply(ticket.id, bob);
    await reply(ticket.id, ada, true);
    await setStatus(ticket.id, 'resolved');
    expect((await surveysOf(ticket.id))[0]?.agentId).toBe(bob.userId);
  });

  it('is nobody when nobody is assigned and no staff member replied publicly', async () => {
    const { survey } = await resolvedTicket();
    expect(survey.agentId).toBeNull();
  });
});

describe('settings (rule 8)', () => {
  let acme: Tenant;
  beforeAll(async () => {
    acme = await buildAccount(t, { projectKey: 'ACME' });
  });
  const put = (body: object, as: Staff = acme.owner) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/v1/projects/${acme.projectId}/csat/settings`,
      headers: as.headers,
      payload: body,
    });
  const settings = { enabled: true, expiryDays: 7, invitationText: 'How did we do?' };

  it('refuses expiryDays 0 and 31 with 400, accepts 1 and 30', async () => {
    for (const expiryDays of [0, 31]) {
      const res = await put({ ...settings, expiryDays });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_ERROR');
    }
    for (const expiryDays of [1, 30])
      expect((await put({ ...settings, expiryDays })).json().expiryDays).toBe(expiryDays);
  });

  it('changing them needs csat.manage; reading them needs csat.view', async () => {
    const viewer = await buildMember(t, acme, { permissions: ['csat.view'] });
    const manager = await buildMember(t, acme, { permissions: ['csat.manage'] });
    const outsider = await buildMember(t, acme, { permissions: ['tickets.view_all'] });
    const get = (as: Staff) =>
      t.app.inject({
        method: 'GET',
        url: `/api/v1/projects/${acme.projectId}/csat/settings`,
        headers: as.headers,
      });
    expect((await put({ ...settings, expiryDays: 10 })).statusCode).toBe(200);
    const refused = await put({ ...settings, expiryDays: 11 }, viewer);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('FORBIDDEN');
    // Left out, the low-score fields keep their defaults: threshold 2, no reasons.
    expect((await get(viewer)).json()).toEqual({
      ...settings,
      expiryDays: 10,
      lowScoreThreshold: 2,
      lowScoreReasons: [],
    });
    expect((await get(outsider)).statusCode).toBe(403);
    expect((await put({ ...settings, expiryDays: 12 }, manager)).statusCode).toBe(200);
    expect((await get(viewer)).json()).toMatchObject({ expiryDays: 12 });
  });

  it("applies each project's expiryDays to the surveys it creates", async () => {
    expect((await put({ ...settings, expiryDays: 3 })).statusCode).toBe(200);
    const short = await resolvedTicket(acme);
    const standard = await resolvedTicket(tenant);
    expect(short.survey.expiresAt.getTime() - short.survey.createdAt.getTime()).toBe(3 * DAY);
    expect(standard.survey.expiresAt.getTime() - standard.survey.createdAt.getTime()).toBe(7 * DAY);
  });

  it('when disabled, resolving creates no survey, while a pending one can still be answered', async () => {
    expect((await put(settings)).statusCode).toBe(200);
    const pending = await resolvedTicket(acme);
    expect((await put({ ...settings, enabled: false })).json().enabled).toBe(false);
    const ticket = await buildTicket(t, acme);
    await setStatus(ticket.id, 'resolved', acme.owner);
    expect(await surveysOf(ticket.id)).toEqual([]);
    expect(await submit(pending.survey.id, { rating: 3 })).toBeNull();
    expect((await getPublic(tokenOf(pending.survey))).json()).toMatchObject({
      state: 'submitted',
      answer: { rating: 3 },
    });
  });
});

describe('staff view of a ticket’s surveys', () => {
  it('needs csat.view (403 without) and lists each survey with state, agent and answer', async () => {
    const ticket = await buildTicket(t, tenant, { assigneeId: ada.userId });
    await setStatus(ticket.id, 'resolved');
    const [first] = await surveysOf(ticket.id);
    if (!first) throw new Error('no survey');
    expect(await submit(first.id, { rating: 4, comment: 'Quick and kind', channel: 'email' })).toBeNull();
    await setStatus(ticket.id, 'open');
    await setStatus(ticket.id, 'resolved');
    const url = `/api/v1/tickets/${ticket.id}/surveys`;

    const blind = await buildMember(t, tenant, { permissions: ['tickets.view_all'] });
    const refused = await t.app.inject({ method: 'GET', url, headers: blind.headers });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('FORBIDDEN');

    const agent = { id: ada.userId, name: 'Ada Agent' };
    const res = await t.app.inject({ method: 'GET', url, headers: ada.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().surveys).toMatchObject([
      { resolution: 1, state: 'submitted', agent, rating: 4, comment: 'Quick and kind', channel: 'email' },
      {
        resolution: 2,
        state: 'pending',
        agent,
        rating: null,
        comment: null,
        channel: null,
        submittedAt: null,
      },
    ]);
    t.clock.advance(7 * DAY);
    const later = await t.app.inject({ method: 'GET', url, headers: ada.headers });
    expect(later.json().surveys.map((s: { state: string }) => s.state)).toEqual(['submitted', 'expired']);
  });
});

describe('the public survey link', () => {
  it('shows state, ticket, branding and, once answered, the answer', async () => {
    const logo = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/account/logo',
      headers: { ...tenant.owner.headers, 'content-type': 'image/png' },
      payload: Buffer.from('89504e470d0a1a0a', 'hex'),
    });
    expect(logo.statusCode, logo.body).toBe(204);
    const { ticket, survey } = await resolvedTicket(tenant, { subject: 'The wifi is down' });
    const token = tokenOf(survey);
    const before = await getPublic(token);
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toEqual({
      state: 'pending',
      ticket: { reference: ticket.reference, subject: 'The wifi is down' },
      account: { name: 'Acme Support', logoUrl: `/api/v1/accounts/${tenant.accountId}/logo` },
      expiresAt: survey.expiresAt.toISOString(),
      lowScore: { threshold: 2, reasons: [] },
      answer: null,
    });
    expect(await submit(survey.id, { rating: 5, comment: 'Back online, thanks' })).toBeNull();
    expect((await getPublic(token)).json()).toMatchObject({
      state: 'submitted',
      answer: { rating: 5, comment: 'Back online, thanks', submittedAt: t.clock.now().toISOString() },
    });
  });

  it('answers a forged token and a token signed for another survey like a random string', async () => {
    const random = await getPublic('k'.repeat(65));
    expect(random.statusCode).toBe(404);
    expect((await getPublic('nonsense')).body).toBe(random.body);
    const a = await resolvedTicket();
    const b = await resolvedTicket();
    const token = tokenOf(a.survey);
    expect((await getPublic(token)).statusCode).toBe(200);

    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const forged = [...token].map((c, i) => {
      const flipped = alphabet[alphabet.indexOf(c) ^ 1]; // one bit of that character changed
      return token.slice(0, i) + flipped + token.slice(i + 1);
    });
    const otherId = tokenOf(b.survey);
    forged.push(
      token.slice(0, 22) + otherId.slice(22), // a's id with b's signature
      t.ctx.links.sign('portal', a.survey.id, a.survey.tokenVersion), // a's id signed for another purpose
      t.ctx.links.sign('csat-survey', a.survey.id, a.survey.tokenVersion + 1), // another version
    );
    for (const candidate of forged) {
      const res = await getPublic(candidate);
      expect({ candidate, status: res.statusCode, body: res.body }).toEqual({
        candidate,
        status: 404,
        body: random.body,
      });
    }
  });
});
