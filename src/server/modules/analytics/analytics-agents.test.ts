import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import {
  getCsat,
  insertSurvey,
  type Query,
  type SurveyFixture,
  setTimezone,
} from '../../../../tests/helpers/analytics.js';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildMember,
  buildTicket,
  type Staff,
  type Tenant,
} from '../../../../tests/helpers/factories.js';
import type { agentsSchema } from './analytics.schemas.js';

type Agents = z.infer<typeof agentsSchema>;
type Row = Agents['agents'][number];

let t: TestApp;
let tenant: Tenant;
const staff: Record<'carol' | 'dave' | 'erin' | 'frank' | 'gina', Staff> = {} as never;

/**
 * Europe/Paris (CEST, UTC+2). Now: 2025-06-30 23:30 local. Preset 7d = local 06-24…06-30
 * = [06-23 22:00Z, 06-30 22:00Z); the previous period is 06-17…06-23.
 *
 * - Carol: 2 answers, both 5, by email (06-25); before: one 3 (06-20).
 * - Dave: 20 answers (06-26): sixteen 4s and four 2s; 5 more surveys sent (06-27), unanswered.
 * - Erin: 25 fives at 06-24 22:30Z (06-25 00:30 local); at 06-30 21:30Z (23:30 local) 20 fives and
 *   5 ones; before: ten 4s (06-18).
 * - Nobody credited: one 1 (06-28). Frank: answers in the previous period only. Gina: one survey
 *   sent (06-29), unanswered.
 */
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-06-01T00:00:00Z'));
  tenant = await buildAccount(t);
  await setTimezone(t, tenant, 'Europe/Paris');
  for (const name of ['carol', 'dave', 'erin', 'frank', 'gina'] as const) {
    staff[name] = await buildMember(t, tenant, { name: `${name[0]?.toUpperCase()}${name.slice(1)} Agent` });
  }
  const ticket = await buildTicket(t, tenant);
  const add = async (n: number, who: Staff | null, at: string, answer?: Partial<SurveyFixture>) => {
    for (let i = 0; i < n; i++) {
      await insertSurvey(t, tenant, {
        ticketId: ticket.id,
        agentId: who?.userId ?? null,
        createdAt: at,
        ...(answer && { submittedAt: at, ...answer }),
      });
    }
  };
  await add(2, staff.carol, '2025-06-25T10:00:00Z', { rating: 5, channel: 'email' });
  await add(1, staff.carol, '2025-06-20T10:00:00Z', { rating: 3 });
  await add(16, staff.dave, '2025-06-26T10:00:00Z', { rating: 4 });
  await add(4, staff.dave, '2025-06-26T10:00:00Z', { rating: 2 });
  await add(5, staff.dave, '2025-06-27T10:00:00Z');
  await add(25, staff.erin, '2025-06-24T22:30:00Z', { rating: 5 });
  await add(20, staff.erin, '2025-06-30T21:30:00Z', { rating: 5 });
  await add(5, staff.erin, '2025-06-30T21:30:00Z', { rating: 1 });
  await add(10, staff.erin, '2025-06-18T10:00:00Z', { rating: 4 });
  await add(1, null, '2025-06-28T12:00:00Z', { rating: 1 });
  await add(3, staff.frank, '2025-06-19T10:00:00Z', { rating: 5 });
  await add(1, staff.gina, '2025-06-29T10:00:00Z');
  t.clock.set(new Date('2025-06-30T21:30:00Z'));
});

const agents = async (query: Query = {}) =>
  (await getCsat<Agents>(t, tenant.owner, tenant.projectId, 'agents', { preset: '7d', ...query })).agents;
const rowOf = (rows: Row[], who: Staff | null) =>
  rows.find((r) => (who ? r.agent?.id === who.userId : r.agent === null));

describe('per-staff breakdown', () => {
  it('lists everyone with answers or surveys sent in the period, most answers first; previous-only staff are left out', async () => {
    const rows = await agents();
    expect(rows.map((r) => [r.agent?.name ?? null, r.answers])).toEqual([
      ['Erin Agent', 50],
      ['Dave Agent', 20],
      ['Carol Agent', 2],
      [null, 1],
      ['Gina Agent', 0],
    ]);
  });

  it('gives answers, average, CSAT score, surveys sent and response rate per staff member', async () => {
    const rows = await agents();
    expect(rowOf(rows, staff.dave)).toMatchObject({
      answers: 20,
      average: 3.6,
      csatScore: 0.8,
      surveysSent: 25,
      surveysAnswered: 20,
      responseRate: 0.8,
    });
    expect(rowOf(rows, null)).toMatchObject({
      answers: 1,
      average: 1,
      csatScore: 0,
      surveysSent: 1,
      responseRate: 1,
    });
  });

  it('a staff member with surveys sent but no answer has nulls, no interval, and a small-sample flag', async () => {
    const gina = rowOf(await agents(), staff.gina);
    expect(gina).toMatchObject({
      answers: 0,
      average: null,
      csatScore: null,
      csatInterval: null,
      smallSample: true,
      surveysSent: 1,
      surveysAnswered: 0,
      responseRate: 0,
    });
  });
});

describe('Wilson score interval (95%) and small samples', () => {
  it('2 out of 2 reads as 34–100%, flagged as a small sample', async () => {
    const carol = rowOf(await agents(), staff.carol);
    expect(carol?.csatScore).toBe(1);
    expect(carol?.csatInterval?.low).toBeCloseTo(0.34238, 5);
    expect(carol?.csatInterval?.high).toBe(1);
    expect(carol?.smallSample).toBe(true);
  });

  it('16 out of 20 is 58.40–91.93%: still too wide (over 0.3) to be a verdict', async () => {
    const dave = rowOf(await agents(), staff.dave);
    expect(dave?.csatInterval?.low).toBeCloseTo(0.58398, 5);
    expect(dave?.csatInterval?.high).toBeCloseTo(0.91934, 5);
    expect(dave?.smallSample).toBe(true);
  });

  it('45 out of 50 is 78.64–95.65%: not a small sample', async () => {
    const erin = rowOf(await agents(), staff.erin);
    expect(erin?.csatScore).toBe(0.9);
    expect(erin?.csatInterval?.low).toBeCloseTo(0.7864, 4);
    expect(erin?.csatInterval?.high).toBeCloseTo(0.95652, 5);
    expect(erin?.smallSample).toBe(false);
  });
});

describe('trend and change', () => {
  it('the sparkline has every day of the period, answers counted on their local day', async () => {
    const erin = rowOf(await agents(), staff.erin);
    expect(erin?.trend).toEqual([
      { start: '2025-06-24', answers: 0, average: null },
      { start: '2025-06-25', answers: 25, average: 5 },
      { start: '2025-06-26', answers: 0, average: null },
      { start: '2025-06-27', answers: 0, average: null },
      { start: '2025-06-28', answers: 0, average: null },
      { start: '2025-06-29', answers: 0, average: null },
      { start: '2025-06-30', answers: 25, average: 4.2 },
    ]);
  });

  it('the change is against the same staff member in the previous period; null when either side has no answer', async () => {
    const rows = await agents();
    const erin = rowOf(rows, staff.erin);
    expect(erin?.previous).toEqual({ answers: 10, average: 4, csatScore: 1 });
    expect(erin?.change.average).toBeCloseTo(0.6, 10);
    expect(erin?.change.csatScore).toBeCloseTo(-0.1, 10);
    expect(rowOf(rows, staff.carol)?.change).toEqual({ average: 2, csatScore: 1 });
    expect(rowOf(rows, staff.dave)?.previous).toEqual({ answers: 0, average: null, csatScore: null });
    expect(rowOf(rows, staff.dave)?.change).toEqual({ average: null, csatScore: null });
  });
});

describe('filters', () => {
  it('an agent filter keeps only that staff member', async () => {
    const rows = await agents({ agentId: staff.dave.userId });
    expect(rows.map((r) => r.agent?.id)).toEqual([staff.dave.userId]);
    expect(rows[0]).toMatchObject({ answers: 20, surveysSent: 25 });
  });

  it('a channel filter counts answers on that channel against all surveys sent', async () => {
    const rows = await agents({ channel: 'email' });
    expect(rows[0]).toMatchObject({
      agent: { id: staff.carol.userId },
      answers: 2,
      surveysSent: 2,
      responseRate: 1,
    });
    expect(rowOf(rows, staff.dave)).toMatchObject({ answers: 0, surveysSent: 25, responseRate: 0 });
  });

  it('answers the same number of queries for one staff member as for all of them (no query per agent)', async () => {
    const pool = t.db.$client;
    const spy = vi.spyOn(pool, 'query');
    try {
      await agents({ agentId: staff.dave.userId });
      const one = spy.mock.calls.length;
      expect(one).toBeGreaterThan(0);
      spy.mockClear();
      expect((await agents()).length).toBe(5);
      expect(spy.mock.calls.length).toBe(one);
    } finally {
      spy.mockRestore();
    }
  });
});
