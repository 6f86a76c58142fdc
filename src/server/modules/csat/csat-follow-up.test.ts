import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildMember,
  buildTicket,
  type Staff,
  type Tenant,
} from '../../../../tests/helpers/factories.js';
import { expectError } from '../../../../tests/helpers/permissions.js';
import { postForm, solveCaptcha } from '../../../../tests/helpers/portal.js';
import { startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { csatFollowUps, csatSurveys } from '../../db/schema/index.js';
import { sendDeliveryJob } from '../delivery/index.js';
import { portalPath } from '../tickets/index.js';
import { surveyPath } from './csat.service.js';

const HOUR = 3_600_000;
let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let tenant: Tenant;
/** Credited with the surveys (the assignee), Staff role: no csat.follow_up. */
let ada: Staff;
/** Staff role, not credited: hears nothing. */
let bob: Staff;
/** A custom role with csat.follow_up. */
let carol: Staff;
/** Reads the reviews, may not mark follow-ups done. */
let viewer: Staff;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t, { name: 'Acme Support' });
  ada = await buildMember(t, tenant, { name: 'Ada Agent' });
  bob = await buildMember(t, tenant, { name: 'Bob Bystander' });
  carol = await buildMember(t, tenant, { name: 'Carol Care', permissions: ['csat.view', 'csat.follow_up'] });
  viewer = await buildMember(t, tenant, { name: 'Vic Viewer', permissions: ['csat.view'] });
});
afterAll(() => smtp.close());

const api = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  payload?: object,
  as: Staff = tenant.owner,
) => t.app.inject({ method, url, headers: as.headers, ...(payload ? { payload } : {}) });
const csatUrl = (path: string) => `/api/v1/projects/${tenant.projectId}/csat/${path}`;

async function setSettings(low: { lowScoreThreshold?: number; lowScoreReasons?: string[] }) {
  const res = await api('PUT', csatUrl('settings'), {
    enabled: true,
    expiryDays: 7,
    invitationText: 'How did we do?',
    ...low,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
beforeEach(() => setSettings({ lowScoreThreshold: 2, lowScoreReasons: ['Too slow', 'Not solved'] }));

/** A ticket assigned to Ada, resolved: its survey, credited to her. */
async function resolvedSurvey(subject = 'The printer is on fire') {
  const ticket = await buildTicket(t, tenant, { subject, assigneeId: ada.userId });
  const res = await api('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'resolved' });
  expect(res.statusCode, res.body).toBe(200);
  const [survey] = await t.db.select().from(csatSurveys).where(eq(csatSurveys.ticketId, ticket.id));
  if (!survey) throw new Error('no survey');
  return { ticket, survey, token: surveyPath(t.ctx.links, survey).slice(3) };
}

let client = 0;
/** The customer answers through the public API, with a solved captcha. */
async function answer(token: string, body: { rating: number; comment?: string; reason?: string }) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/surveys/${token}`,
    remoteAddress: `10.9.${client >> 8}.${client++ & 255}`,
    payload: { ...body, altcha: await solveCaptcha(t) },
  });
}

const lowScoreNotifications = async (who: Staff, ticketId: string) => {
  const res = await api('GET', '/api/v1/me/notifications?limit=100', undefined, who);
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json().notifications as {
      kind: string;
      ticket: { id: string };
      excerpt: string | null;
      lowScore: { rating: number; reason: string | null } | null;
    }[]
  ).filter((n) => n.kind === 'low_score' && n.ticket.id === ticketId);
};
const lowScoreMails = (who: Staff, reference: string) =>
  smtp.to(who.email).filter((m) => m.parsed.subject?.startsWith(`Low score on [${reference}]`));

const reviews = async (query: string, as: Staff = tenant.owner) => {
  const res = await api('GET', csatUrl(`reviews?preset=7d&${query}`), undefined, as);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().reviews as {
    surveyId: string;
    rating: number;
    reason: string | null;
    followUp: {
      doneAt: string | null;
      doneBy: { id: string; name: string } | null;
      note: string | null;
    } | null;
  }[];
};

describe('low-score follow-up: who is told', () => {
  it('a low score tells the credited agent and the csat.follow_up holders, in the app and by mail with the comment; nobody else', async () => {
    const { ticket, token } = await resolvedSurvey();
    const res = await answer(token, { rating: 2, comment: 'Took <b>three</b> days.', reason: 'Too slow' });
    expect(res.statusCode, res.body).toBe(200);
    await t.runJobs(sendDeliveryJob);

    // Ada is credited; Carol holds csat.follow_up; the owner's role holds every permission.
    for (const who of [ada, carol, tenant.owner]) {
      const [notification, ...more] = await lowScoreNotifications(who, ticket.id);
      expect(more).toEqual([]);
      expect(notification).toMatchObject({
        excerpt: 'Took <b>three</b> days.',
        lowScore: { rating: 2, reason: 'Too slow' },
      });
      const [mail, ...moreMails] = lowScoreMails(who, ticket.reference);
      expect(moreMails).toEqual([]);
      expect(mail?.parsed.text).toContain('rated');
      expect(mail?.parsed.text).toContain('2 out of 5');
      expect(mail?.parsed.text).toContain('Took <b>three</b> days.');
      expect(mail?.parsed.text).toContain('Reason: Too slow');
      // The comment is the customer's text, escaped in the HTML part.
      expect(mail?.parsed.html).toContain('Took &lt;b&gt;three&lt;/b&gt; days.');
    }
    for (const who of [bob, viewer]) {
      expect(await lowScoreNotifications(who, ticket.id)).toEqual([]);
      expect(lowScoreMails(who, ticket.reference)).toEqual([]);
    }
  });

  it('an answer above the threshold tells nobody and needs no follow-up; its reason is dropped', async () => {
    const { ticket, survey, token } = await resolvedSurvey();
    const res = await answer(token, { rating: 3, comment: 'Fine.', reason: 'Too slow' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().answer).toMatchObject({ rating: 3, reason: null });
    await t.runJobs(sendDeliveryJob);
    for (const who of [ada, carol, tenant.owner]) {
      expect(await lowScoreNotifications(who, ticket.id)).toEqual([]);
      expect(lowScoreMails(who, ticket.reference)).toEqual([]);
    }
    expect(await t.db.select().from(csatFollowUps).where(eq(csatFollowUps.surveyId, survey.id))).toEqual([]);
    const [review] = (await reviews('')).filter((r) => r.surveyId === survey.id);
    expect(review).toMatchObject({ rating: 3, reason: null, followUp: null });
  });

  it('the threshold is per project: at 3, a 3 is a low score', async () => {
    await setSettings({ lowScoreThreshold: 3 });
    const { ticket, token } = await resolvedSurvey();
    expect((await answer(token, { rating: 3 })).statusCode).toBe(200);
    expect(await lowScoreNotifications(ada, ticket.id)).toHaveLength(1);
    const other = await buildAccount(t);
    const settings = await api(
      'GET',
      `/api/v1/projects/${other.projectId}/csat/settings`,
      undefined,
      other.owner,
    );
    expect(settings.json()).toMatchObject({ lowScoreThreshold: 2, lowScoreReasons: [] });
  });

  it('a reason that is not one of the project’s is refused with a 400 naming the field, and nothing is written', async () => {
    const { ticket, survey, token } = await resolvedSurvey();
    const res = await answer(token, { rating: 1, reason: 'Rude' });
    expectError(res, 400, 'VALIDATION_ERROR');
    expect(res.json().error.details).toEqual([expect.objectContaining({ field: 'reason' })]);
    const [after] = await t.db.select().from(csatSurveys).where(eq(csatSurveys.id, survey.id));
    expect(after?.submittedAt).toBeNull();
    expect(await t.db.select().from(csatFollowUps).where(eq(csatFollowUps.surveyId, survey.id))).toEqual([]);
    expect(await lowScoreNotifications(ada, ticket.id)).toEqual([]);
  });

  it('settings refuse a threshold outside 1–4 and duplicate or overlong reasons', async () => {
    for (const low of [
      { lowScoreThreshold: 5 },
      { lowScoreThreshold: 0 },
      { lowScoreReasons: ['Slow', 'Slow'] },
      { lowScoreReasons: ['x'.repeat(51)] },
      { lowScoreReasons: Array.from({ length: 11 }, (_, i) => `Reason ${i}`) },
    ]) {
      const res = await api('PUT', csatUrl('settings'), {
        enabled: true,
        expiryDays: 7,
        invitationText: 'Changed?',
        ...low,
      });
      expectError(res, 400, 'VALIDATION_ERROR');
    }
    expect((await api('GET', csatUrl('settings'))).json()).toMatchObject({
      invitationText: 'How did we do?',
      lowScoreThreshold: 2,
      lowScoreReasons: ['Too slow', 'Not solved'],
    });
  });
});

describe('low-score follow-up: the review list and the action', () => {
  it('"needs follow-up" lists open low scores; "follow-up done" needs csat.follow_up, records who, when and the note, once', async () => {
    const { survey, token } = await resolvedSurvey();
    expect(
      (await answer(token, { rating: 1, comment: 'Never fixed.', reason: 'Not solved' })).statusCode,
    ).toBe(200);
    const open = await reviews('followUp=open');
    expect(open.find((r) => r.surveyId === survey.id)).toMatchObject({
      rating: 1,
      reason: 'Not solved',
      followUp: { doneAt: null, doneBy: null, note: null },
    });
    const action = (as: Staff, payload: object = {}, projectId = tenant.projectId, id = survey.id) =>
      api('POST', `/api/v1/projects/${projectId}/csat/follow-ups/${id}`, payload, as);

    // Reading the reviews is not enough; Ada, the credited agent, does not hold it either.
    expectError(await action(viewer), 403, 'FORBIDDEN');
    expectError(await action(ada), 403, 'FORBIDDEN');
    const other = await buildAccount(t);
    expectError(await action(other.owner, {}, other.projectId), 404, 'NOT_FOUND');
    expectError(await action(other.owner), 404, 'NOT_FOUND');
    expectError(await action(carol, { note: 'x'.repeat(2001) }), 400, 'VALIDATION_ERROR');
    expect((await reviews('followUp=open')).some((r) => r.surveyId === survey.id)).toBe(true);

    t.clock.advance(2 * HOUR);
    const done = await action(carol, { note: '  Called back, sent a new printer.  ' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({
      doneAt: t.clock.now().toISOString(),
      doneBy: { id: carol.userId, name: 'Carol Care' },
      note: 'Called back, sent a new printer.',
    });
    expectError(await action(tenant.owner, { note: 'again' }), 409, 'CONFLICT');

    expect((await reviews('followUp=open')).some((r) => r.surveyId === survey.id)).toBe(false);
    const [listed] = (await reviews('followUp=done')).filter((r) => r.surveyId === survey.id);
    expect(listed?.followUp).toEqual(done.json());
    // The answer stays as the customer gave it.
    const [row] = await t.db.select().from(csatSurveys).where(eq(csatSurveys.id, survey.id));
    expect(row).toMatchObject({ rating: 1, comment: 'Never fixed.', reason: 'Not solved' });
  });

  it('an answer above the threshold has no follow-up to mark done (404)', async () => {
    const { survey, token } = await resolvedSurvey();
    expect((await answer(token, { rating: 5 })).statusCode).toBe(200);
    expectError(await api('POST', csatUrl(`follow-ups/${survey.id}`), {}, carol), 404, 'NOT_FOUND');
  });
});

describe('low-score dashboard', () => {
  it('counts the period’s low scores and the open ones, the median time to follow-up, and splits them by reason', async () => {
    // A project of its own, so that only these answers count.
    const acme = await buildAccount(t);
    const put = await api(
      'PUT',
      `/api/v1/projects/${acme.projectId}/csat/settings`,
      { enabled: true, expiryDays: 7, invitationText: 'Hi', lowScoreReasons: ['Too slow', 'Rude'] },
      acme.owner,
    );
    expect(put.statusCode, put.body).toBe(200);
    const answered: string[] = [];
    for (const [rating, reason] of [
      [1, 'Too slow'],
      [2, 'Too slow'],
      [2, 'Rude'],
      [1, undefined],
      [4, 'Rude'],
    ] as const) {
      const ticket = await buildTicket(t, acme, {}, acme.owner);
      await api('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'resolved' }, acme.owner);
      const [survey] = await t.db.select().from(csatSurveys).where(eq(csatSurveys.ticketId, ticket.id));
      if (!survey) throw new Error('no survey');
      const res = await answer(surveyPath(t.ctx.links, survey).slice(3), {
        rating,
        ...(reason && { reason }),
      });
      expect(res.statusCode, res.body).toBe(200);
      answered.push(survey.id);
    }
    const done = async (id: string | undefined, afterHours: number) => {
      t.clock.advance(afterHours * HOUR);
      const res = await api(
        'POST',
        `/api/v1/projects/${acme.projectId}/csat/follow-ups/${id}`,
        {},
        acme.owner,
      );
      expect(res.statusCode, res.body).toBe(200);
    };
    // Answered at T: done at T+1h and T+3h → median 2 h; two stay open.
    await done(answered[0], 1);
    await done(answered[2], 2);
    const res = await api(
      'GET',
      `/api/v1/projects/${acme.projectId}/csat/low-scores?preset=7d`,
      undefined,
      acme.owner,
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ lowScores: 4, open: 2, medianFollowUpSeconds: 2 * 3600 });
    expect(body.reasons).toEqual([
      { reason: 'Too slow', lowScores: 2, open: 1, medianFollowUpSeconds: 3600 },
      { reason: 'Rude', lowScores: 1, open: 0, medianFollowUpSeconds: 3 * 3600 },
      { reason: null, lowScores: 1, open: 1, medianFollowUpSeconds: null },
    ]);
    // The same rules as every analytics number: csat.view, the project's members only.
    const outsider = await buildMember(t, acme, { permissions: ['tickets.view_all'] });
    expectError(
      await api('GET', `/api/v1/projects/${acme.projectId}/csat/low-scores`, undefined, outsider),
      403,
      'FORBIDDEN',
    );
    expectError(await api('GET', `/api/v1/projects/${acme.projectId}/csat/low-scores`), 404, 'NOT_FOUND');
  });

  it('a period without low scores has zeros and a null median', async () => {
    const empty = await buildAccount(t);
    const res = await api(
      'GET',
      `/api/v1/projects/${empty.projectId}/csat/low-scores`,
      undefined,
      empty.owner,
    );
    expect(res.json()).toMatchObject({ lowScores: 0, open: 0, medianFollowUpSeconds: null, reasons: [] });
  });
});

describe('reasons on the web survey page and the portal', () => {
  const reasonsFieldset = (page: string) =>
    /<fieldset class="reasons" id="reasons" data-threshold="(\d)">/.exec(page);

  it('the survey page offers the project’s reasons, marked with the threshold (no JavaScript needed); without reasons, none', async () => {
    const { token } = await resolvedSurvey();
    const page = (await t.app.inject({ method: 'GET', url: `/s/${token}` })).body;
    expect(reasonsFieldset(page)?.[1]).toBe('2');
    expect(page).toContain('If you gave 2 stars or fewer: what went wrong?');
    expect(page).toContain('value="Too slow"');
    expect(page).toContain('value="Not solved"');
    await setSettings({ lowScoreReasons: [] });
    const without = (await t.app.inject({ method: 'GET', url: `/s/${token}` })).body;
    expect(without).toContain('id="survey-form"');
    expect(reasonsFieldset(without)).toBeNull();
  });

  it('the survey form keeps a reason at or below the threshold and drops one above it', async () => {
    for (const [rating, stored] of [
      ['1', 'Not solved'],
      ['5', null],
    ] as const) {
      const { survey, token } = await resolvedSurvey();
      const res = await postForm(t, `/s/${token}`, {
        rating,
        comment: '',
        reason: 'Not solved',
        via: 'link',
        altcha: await solveCaptcha(t),
        website: '',
      });
      expect(res.statusCode, res.body).toBe(200);
      const [row] = await t.db.select().from(csatSurveys).where(eq(csatSurveys.id, survey.id));
      expect(row).toMatchObject({ rating: Number(rating), reason: stored });
    }
  });

  it('the portal ticket page offers the reasons with its survey, and its API records one', async () => {
    const { ticket, survey } = await resolvedSurvey();
    const portal = portalPath(t.ctx.links, { id: ticket.id, portalTokenVersion: 1 });
    const page = (await t.app.inject({ method: 'GET', url: portal })).body;
    expect(reasonsFieldset(page)?.[1]).toBe('2');
    expect(page).toContain('value="Too slow"');
    const api = `/api/v1/portal/${portal.slice(3)}`;
    const view = await t.app.inject({ method: 'GET', url: api });
    expect(view.json().survey.lowScore).toEqual({ threshold: 2, reasons: ['Too slow', 'Not solved'] });
    const res = await t.app.inject({
      method: 'POST',
      url: `${api}/survey`,
      payload: { rating: 2, reason: 'Too slow', altcha: await solveCaptcha(t), website: '' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().answer).toMatchObject({ rating: 2, reason: 'Too slow' });
    const [row] = await t.db.select().from(csatSurveys).where(eq(csatSurveys.id, survey.id));
    expect(row).toMatchObject({ channel: 'portal', reason: 'Too slow' });
  });
});
