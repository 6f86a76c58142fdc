import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { getCsat, insertSurvey, setTimezone } from '../../../../tests/helpers/analytics.js';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { cleanUpClearline, makeDataDir, spawnClearline } from '../../../../tests/helpers/server-process.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { submitSurvey } from '../csat/index.js';
import type { overviewSchema } from './analytics.schemas.js';

type Overview = z.infer<typeof overviewSchema>;

// One test runs the real CLI.
vi.setConfig({ testTimeout: 120_000 });
afterAll(cleanUpClearline);

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-03-20T12:00:00Z'));
});

/** The project's roll-up rows that count something, in key order (agent as 'nobody' or the id). */
async function rollupOf(projectId: string) {
  const { rows } = await t.db.$client.query(
    `SELECT day::text, CASE WHEN agent_id = '00000000-0000-0000-0000-000000000000' THEN 'nobody'
                            ELSE agent_id::text END AS agent,
            channel, sent, ARRAY[rated_1, rated_2, rated_3, rated_4, rated_5] AS rated
       FROM csat_daily_counts
      WHERE project_id = $1 AND (sent, rated_1, rated_2, rated_3, rated_4, rated_5) <> (0, 0, 0, 0, 0, 0)
      ORDER BY 1, 2, 3`,
    [projectId],
  );
  return rows;
}

/** This file's database as a DATABASE_URL for the CLI (the test server, or the bundled one's socket). */
function databaseUrl() {
  const { connectionString, host, port, user, database } = t.db.$client.options;
  if (connectionString) return connectionString;
  const url = new URL(`postgres://${user}@localhost:${port}/${database}`);
  url.searchParams.set('host', String(host));
  return url.toString();
}

const trendOf = async (tenant: Tenant, from: string, to: string) => {
  const overview = await getCsat<Overview>(t, tenant.owner, tenant.projectId, 'overview', { from, to });
  return overview.trend.points.map((p) => [p.start, p.answers]);
};

describe('the CSAT daily roll-up (csat_daily_counts)', () => {
  it('a time zone change recounts the account: an answer at 23:30 in New York is on the next day in Paris', async () => {
    const tenant = await buildAccount(t);
    await setTimezone(t, tenant, 'America/New_York');
    const ticket = await buildTicket(t, tenant);
    // 2025-03-10 03:30 UTC: 03-09 23:30 EDT, 03-10 04:30 CET. Created 03-09 20:00 UTC, that day in both.
    await insertSurvey(t, tenant, {
      ticketId: ticket.id,
      createdAt: '2025-03-09T20:00:00Z',
      submittedAt: '2025-03-10T03:30:00Z',
      rating: 4,
      channel: 'email',
    });
    expect(await trendOf(tenant, '2025-03-09', '2025-03-10')).toEqual([
      ['2025-03-09', 1],
      ['2025-03-10', 0],
    ]);
    expect(await rollupOf(tenant.projectId)).toEqual([
      { day: '2025-03-09', agent: 'nobody', channel: 'email', sent: 1, rated: [0, 0, 0, 1, 0] },
    ]);

    await setTimezone(t, tenant, 'Europe/Paris');
    expect(await trendOf(tenant, '2025-03-09', '2025-03-10')).toEqual([
      ['2025-03-09', 0],
      ['2025-03-10', 1],
    ]);
    expect(await rollupOf(tenant.projectId)).toEqual([
      { day: '2025-03-09', agent: 'nobody', channel: 'email', sent: 1, rated: [0, 0, 0, 0, 0] },
      { day: '2025-03-10', agent: 'nobody', channel: 'email', sent: 0, rated: [0, 0, 0, 1, 0] },
    ]);
  });

  it('answers submitted at once to surveys of one agent and day are all counted (no lost increment), a raced survey once', async () => {
    const tenant = await buildAccount(t);
    const agent = await buildMember(t, tenant);
    const ticket = await buildTicket(t, tenant);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(
        await insertSurvey(t, tenant, {
          ticketId: ticket.id,
          agentId: agent.userId,
          createdAt: '2025-03-20T08:00:00Z',
        }),
      );
    }
    // Every survey gets rating 5 once; the first one is submitted 10 times at once besides.
    const attempts = [...ids, ...Array.from({ length: 10 }, () => ids[0] as string)];
    const outcomes = await Promise.all(
      attempts.map((id) =>
        inTransaction(t.db, (tx) =>
          submitSurvey(scopeOf(t.ctx, tx), id, { rating: 5, comment: null, channel: 'portal' }),
        ).then(
          () => 'ok',
          (err) => (err instanceof AppError ? err.code : Promise.reject(err)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(30);
    expect(outcomes.filter((o) => o === 'ALREADY_SUBMITTED')).toHaveLength(10);
    expect(await rollupOf(tenant.projectId)).toEqual([
      { day: '2025-03-20', agent: agent.userId, channel: 'portal', sent: 30, rated: [0, 0, 0, 0, 30] },
    ]);
  });

  it('an answer locks its roll-up row only at commit: a second answer to the same row commits while the first is still open', async () => {
    const tenant = await buildAccount(t);
    const agent = await buildMember(t, tenant);
    const ticket = await buildTicket(t, tenant);
    const survey = { ticketId: ticket.id, agentId: agent.userId, createdAt: '2025-03-20T08:00:00Z' };
    const [first, second] = [await insertSurvey(t, tenant, survey), await insertSurvey(t, tenant, survey)];
    const answer = { rating: 5, comment: null, channel: 'portal' } as const;
    let releaseFirst = () => {};
    const firstOpen = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstSubmitted = () => {};
    const submittedInFirst = new Promise<void>((resolve) => {
      firstSubmitted = resolve;
    });
    const firstDone = inTransaction(t.db, async (tx) => {
      await submitSurvey(scopeOf(t.ctx, tx), first as string, answer);
      firstSubmitted();
      await firstOpen;
    });
    await submittedInFirst;
    // Were the roll-up row locked from the first answer's UPDATE on, this one would wait for it:
    // the lock timeout turns that wait into an error instead of a hang.
    await inTransaction(t.db, async (tx) => {
      await tx.$client.query(`SET LOCAL lock_timeout = '10s'`);
      await submitSurvey(scopeOf(t.ctx, tx), second as string, answer);
    });
    releaseFirst();
    await firstDone;
    expect(await rollupOf(tenant.projectId)).toEqual([
      { day: '2025-03-20', agent: agent.userId, channel: 'portal', sent: 2, rated: [0, 0, 0, 0, 2] },
    ]);
  });

  it('a recount in a transaction that changed surveys counts those changes once (not again at commit)', async () => {
    const tenant = await buildAccount(t);
    const ticket = await buildTicket(t, tenant);
    const id = await insertSurvey(t, tenant, { ticketId: ticket.id, createdAt: '2025-03-20T08:00:00Z' });
    await inTransaction(t.db, async (tx) => {
      await submitSurvey(scopeOf(t.ctx, tx), id, { rating: 3, comment: null, channel: 'link' });
      await tx.$client.query('SELECT csat_daily_counts_rebuild($1)', [tenant.accountId]);
    });
    expect(await rollupOf(tenant.projectId)).toEqual([
      { day: '2025-03-20', agent: 'nobody', channel: 'link', sent: 1, rated: [0, 0, 1, 0, 0] },
    ]);
  });

  it('`clearline analytics rebuild` recounts every account from the surveys: a lost or wrong row comes back', async () => {
    const tenant = await buildAccount(t);
    const ticket = await buildTicket(t, tenant);
    await insertSurvey(t, tenant, { ticketId: ticket.id, createdAt: '2025-03-18T10:00:00Z' });
    await insertSurvey(t, tenant, {
      ticketId: ticket.id,
      createdAt: '2025-03-18T11:00:00Z',
      submittedAt: '2025-03-19T09:00:00Z',
      rating: 2,
      channel: 'link',
    });
    const before = await rollupOf(tenant.projectId);
    expect(before).toEqual([
      { day: '2025-03-18', agent: 'nobody', channel: '', sent: 1, rated: [0, 0, 0, 0, 0] },
      { day: '2025-03-18', agent: 'nobody', channel: 'link', sent: 1, rated: [0, 0, 0, 0, 0] },
      { day: '2025-03-19', agent: 'nobody', channel: 'link', sent: 0, rated: [0, 1, 0, 0, 0] },
    ]);
    await t.db.$client.query(
      `UPDATE csat_daily_counts SET sent = sent + 7 WHERE project_id = $1 AND channel = ''`,
      [tenant.projectId],
    );
    await t.db.$client.query(`DELETE FROM csat_daily_counts WHERE project_id = $1 AND day = '2025-03-19'`, [
      tenant.projectId,
    ]);
    expect(await rollupOf(tenant.projectId)).not.toEqual(before);

    const settings = { DATABASE_URL: databaseUrl(), SECRET_KEY: 'k'.repeat(32) };
    const rebuild = spawnClearline('analytics', makeDataDir(), settings, ['rebuild']);
    const exit = await rebuild.exited;
    expect(exit.code, rebuild.stdout() + rebuild.stderr()).toBe(0);
    expect(rebuild.stdout()).toMatch(/Recounted the CSAT roll-up of \d+ account\(s\)/);
    expect(await rollupOf(tenant.projectId)).toEqual(before);

    const wrong = spawnClearline('analytics', makeDataDir(), settings, ['recount']);
    expect((await wrong.exited).code).toBe(2);
  });
});
