import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { getCsat, insertSurvey, type Query, setTimezone } from '../../../../tests/helpers/analytics.js';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildMember,
  buildTicket,
  type Staff,
  type Tenant,
} from '../../../../tests/helpers/factories.js';
import type { overviewSchema } from './analytics.schemas.js';

type Overview = z.infer<typeof overviewSchema>;

let t: TestApp;
let tenant: Tenant;
let alice: Staff;
let bob: Staff;

/**
 * The account is in America/New_York, where DST began on 2025-03-09 at 02:00 (UTC−5 → UTC−4).
 * "Now" is Saturday 2025-03-15 23:59:30 local, already 2025-03-16 in UTC.
 *
 * | #  | agent | created (UTC)   | submitted (UTC) | submitted, local  | rating | channel |
 * |----|-------|-----------------|-----------------|-------------------|--------|---------|
 * | 1  | alice | 03-09 05:00     | 03-09 05:00     | 03-09 00:00 EST   | 5      | link    |
 * | 2  | alice | 03-09 20:00     | 03-10 03:30     | 03-09 23:30 EDT   | 4      | email   |
 * | 3  | bob   | 03-12 15:00     | 03-16 03:59     | 03-15 23:59 EDT   | 2      | link    |
 * | 4  | alice | 03-13 15:00     | —               | (pending)         |        |         |
 * | 6  | bob   | 03-02 12:00     | 03-09 04:59     | 03-08 23:59 EST   | 1      | link    |
 * | 7  | alice | 03-03 12:00     | 03-03 13:00     | 03-03 08:00 EST   | 3      | portal  |
 * | 8  | alice | 03-04 12:00     | —               | (expired)         |        |         |
 * | 9  | —     | 03-08 12:00     | 03-09 10:00     | 03-09 06:00 EDT   | 5      | link    |
 * | 10 | bob   | 03-01 12:00     | 03-02 04:00     | 03-01 23:00 EST   | 1      | link    |
 * | 11 | bob   | 03-05 12:00     | —               | (expired)         |        |         |
 *
 * Preset 7d = local 03-09…03-15 = [03-09 05:00Z, 03-16 04:00Z); the previous period is 03-02…03-08
 * = [03-02 05:00Z, 03-09 05:00Z). So #1 #2 #3 #9 are current answers, #6 #7 previous ones, #10 neither;
 * surveys sent: #1–#4 now, #6 #7 #8 #9 #11 before.
 */
const NOW = '2025-03-16T03:59:30Z';

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-03-01T00:00:00Z'));
  tenant = await buildAccount(t);
  await setTimezone(t, tenant, 'America/New_York');
  alice = await buildMember(t, tenant, { name: 'Alice Agent' });
  bob = await buildMember(t, tenant, { name: 'Bob Agent' });
  const ticket = await buildTicket(t, tenant);
  const rows = [
    [alice, '2025-03-09T05:00:00Z', '2025-03-09T05:00:00Z', 5, 'link'],
    [alice, '2025-03-09T20:00:00Z', '2025-03-10T03:30:00Z', 4, 'email'],
    [bob, '2025-03-12T15:00:00Z', '2025-03-16T03:59:00Z', 2, 'link'],
    [alice, '2025-03-13T15:00:00Z'],
    [bob, '2025-03-02T12:00:00Z', '2025-03-09T04:59:00Z', 1, 'link'],
    [alice, '2025-03-03T12:00:00Z', '2025-03-03T13:00:00Z', 3, 'portal'],
    [alice, '2025-03-04T12:00:00Z'],
    [null, '2025-03-08T12:00:00Z', '2025-03-09T10:00:00Z', 5, 'link'],
    [bob, '2025-03-01T12:00:00Z', '2025-03-02T04:00:00Z', 1, 'link'],
    [bob, '2025-03-05T12:00:00Z'],
  ] as const;
  for (const [agent, createdAt, submittedAt, rating, channel] of rows) {
    await insertSurvey(t, tenant, {
      ticketId: ticket.id,
      agentId: agent?.userId ?? null,
      createdAt,
      ...(submittedAt && { submittedAt, rating, channel }),
    });
  }
  t.clock.set(new Date(NOW));
});

const overview = (query: Query = {}, as: Staff = tenant.owner, projectId = tenant.projectId) =>
  getCsat<Overview>(t, as, projectId, 'overview', query);

describe('periods in the account time zone', () => {
  it('a preset ends today in the account time zone, not in UTC, and is compared with the days just before', async () => {
    const res = await overview({ preset: '7d' });
    expect(res.period).toEqual({
      from: '2025-03-09',
      to: '2025-03-15',
      timezone: 'America/New_York',
      previousFrom: '2025-03-02',
      previousTo: '2025-03-08',
    });
  });

  it('the preset window edges: 00:00 local on the first day is in, 23:59 the evening before is in the previous period', async () => {
    const res = await overview({ preset: '7d' });
    expect(res.current).toEqual({
      answers: 4,
      average: 4,
      csatScore: 0.75,
      surveysSent: 4,
      surveysAnswered: 3,
      responseRate: 0.75,
    });
    expect(res.previous).toEqual({
      answers: 2,
      average: 2,
      csatScore: 0,
      surveysSent: 5,
      surveysAnswered: 3,
      responseRate: 0.6,
    });
  });

  it('an answer at 23:30 local time lands on that local day of the trend', async () => {
    const res = await overview({ preset: '7d' });
    expect(res.trend.bucket).toBe('day');
    expect(res.trend.points.map((p) => p.start)).toEqual([
      '2025-03-09',
      '2025-03-10',
      '2025-03-11',
      '2025-03-12',
      '2025-03-13',
      '2025-03-14',
      '2025-03-15',
    ]);
    const [first, ...rest] = res.trend.points;
    expect(first).toEqual({ start: '2025-03-09', answers: 3, average: 14 / 3, csatScore: 1 });
    expect(rest.at(-1)).toEqual({ start: '2025-03-15', answers: 1, average: 2, csatScore: 0 });
    for (const empty of rest.slice(0, -1))
      expect(empty).toMatchObject({ answers: 0, average: null, csatScore: null });
  });

  it('a custom range runs from 00:00 on its first day to 24:00 on its last, local time', async () => {
    const ninth = await overview({ from: '2025-03-01', to: '2025-03-09' });
    expect(ninth.current.answers).toBe(6);
    const tenth = await overview({ from: '2025-03-10', to: '2025-03-10' });
    expect(tenth.current.answers).toBe(0);
    // The same instant, 03-10 03:30 UTC, is on the 10th for an account kept in UTC.
    const other = await buildAccount(t, { projectKey: 'UTC' });
    const ticket = await buildTicket(t, other);
    await insertSurvey(t, other, {
      ticketId: ticket.id,
      createdAt: '2025-03-09T20:00:00Z',
      submittedAt: '2025-03-10T03:30:00Z',
    });
    const utc = await overview({ from: '2025-03-10', to: '2025-03-10' }, other.owner, other.projectId);
    expect(utc.current.answers).toBe(1);
    expect(utc.period.timezone).toBe('UTC');
  });

  it('30 days is the default preset; 30 and 90 days end today and their previous periods have the same length', async () => {
    const byDefault = await overview();
    expect(byDefault.period).toMatchObject({
      from: '2025-02-14',
      to: '2025-03-15',
      previousFrom: '2025-01-15',
      previousTo: '2025-02-13',
    });
    expect(byDefault.trend).toMatchObject({ bucket: 'day' });
    expect(byDefault.trend.points).toHaveLength(30);
    const ninety = await overview({ preset: '90d' });
    expect(ninety.period).toMatchObject({
      from: '2024-12-16',
      to: '2025-03-15',
      previousFrom: '2024-09-17',
      previousTo: '2024-12-15',
    });
    expect(ninety.trend.bucket).toBe('week');
    expect(ninety.trend.points).toHaveLength(13);
    expect(ninety.trend.points.at(-1)?.start).toBe('2025-03-10');
  });

  it('periods longer than 31 days have weekly buckets starting on the first day', async () => {
    const res = await overview({ from: '2025-02-01', to: '2025-03-15' });
    expect(res.period).toMatchObject({ previousFrom: '2024-12-20', previousTo: '2025-01-31' });
    expect(res.trend.bucket).toBe('week');
    expect(res.trend.points).toEqual([
      { start: '2025-02-01', answers: 0, average: null, csatScore: null },
      { start: '2025-02-08', answers: 0, average: null, csatScore: null },
      { start: '2025-02-15', answers: 0, average: null, csatScore: null },
      { start: '2025-02-22', answers: 0, average: null, csatScore: null },
      { start: '2025-03-01', answers: 2, average: 2, csatScore: 0 },
      { start: '2025-03-08', answers: 4, average: 3.75, csatScore: 0.75 },
      { start: '2025-03-15', answers: 1, average: 2, csatScore: 0 },
    ]);
  });
});

describe('distribution', () => {
  it('counts the answers of the period per rating, always five entries', async () => {
    const res = await overview({ preset: '7d' });
    expect(res.distribution).toEqual([
      { rating: 1, count: 0 },
      { rating: 2, count: 1 },
      { rating: 3, count: 0 },
      { rating: 4, count: 1 },
      { rating: 5, count: 2 },
    ]);
  });
});

describe('filters apply to numerator and denominator alike', () => {
  it("with an agent, answers and surveys sent are that agent's only, in both periods", async () => {
    const res = await overview({ preset: '7d', agentId: alice.userId });
    expect(res.current).toEqual({
      answers: 2,
      average: 4.5,
      csatScore: 1,
      surveysSent: 3,
      surveysAnswered: 2,
      responseRate: 2 / 3,
    });
    expect(res.previous).toEqual({
      answers: 1,
      average: 3,
      csatScore: 0,
      surveysSent: 2,
      surveysAnswered: 1,
      responseRate: 0.5,
    });
    expect(res.distribution.map((d) => d.count)).toEqual([0, 0, 0, 1, 1]);
  });

  it('agentId=none selects the surveys credited to nobody; no survey sent gives a null rate, not a division by zero', async () => {
    const res = await overview({ preset: '7d', agentId: 'none' });
    expect(res.current).toEqual({
      answers: 1,
      average: 5,
      csatScore: 1,
      surveysSent: 0,
      surveysAnswered: 0,
      responseRate: null,
    });
    expect(res.previous).toMatchObject({ answers: 0, average: null, surveysSent: 1, responseRate: 1 });
  });

  it('with a channel, answers and the answered surveys count that channel; every survey sent stays the denominator', async () => {
    const link = await overview({ preset: '7d', channel: 'link' });
    expect(link.current).toEqual({
      answers: 3,
      average: 4,
      csatScore: 2 / 3,
      surveysSent: 4,
      surveysAnswered: 2,
      responseRate: 0.5,
    });
    expect(link.previous).toMatchObject({ answers: 1, average: 1, surveysSent: 5, responseRate: 0.4 });
    const rates = await Promise.all(
      (['link', 'email', 'portal', 'discord'] as const).map(
        async (channel) => (await overview({ preset: '7d', channel })).current.responseRate,
      ),
    );
    expect(rates).toEqual([0.5, 0.25, 0, 0]);
    const portal = await overview({ preset: '7d', channel: 'portal' });
    expect(portal.current).toMatchObject({ answers: 0, average: null, csatScore: null });
  });

  it('an agent and a channel together narrow both sides', async () => {
    const res = await overview({ preset: '7d', agentId: alice.userId, channel: 'link' });
    expect(res.current).toEqual({
      answers: 1,
      average: 5,
      csatScore: 1,
      surveysSent: 3,
      surveysAnswered: 1,
      responseRate: 1 / 3,
    });
  });
});

describe('empty periods', () => {
  it('a period without surveys has zero counts and null averages, scores and rates, with every bucket present', async () => {
    const res = await overview({ from: '2024-01-01', to: '2024-01-31' });
    const empty = {
      answers: 0,
      average: null,
      csatScore: null,
      surveysSent: 0,
      surveysAnswered: 0,
      responseRate: null,
    };
    expect(res.current).toEqual(empty);
    expect(res.previous).toEqual(empty);
    expect(res.distribution.map((d) => d.count)).toEqual([0, 0, 0, 0, 0]);
    expect(res.trend.points).toHaveLength(31);
    expect(res.trend.points.every((p) => p.answers === 0 && p.average === null)).toBe(true);
  });
});

describe('query validation', () => {
  it.each([
    [{ from: '2025-03-01' }, 'from'],
    [{ preset: '7d', from: '2025-03-01', to: '2025-03-02' }, 'from'],
    [{ from: '2025-03-02', to: '2025-03-01' }, 'to'],
    [{ from: '2023-01-01', to: '2025-01-01' }, 'to'],
    [{ from: '2025-02-30', to: '2025-03-01' }, 'from'],
    [{ preset: '14d' }, 'preset'],
    [{ agentId: 'alice' }, 'agentId'],
    [{ channel: 'fax' }, 'channel'],
  ])('refuses %j with a validation error on %s', async (query, field) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${tenant.projectId}/csat/overview?${new URLSearchParams(query)}`,
      headers: tenant.owner.headers,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(res.json().error.details)).toContain(field);
  });
});
