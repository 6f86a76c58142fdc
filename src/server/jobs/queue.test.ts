import { sql } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp } from '../../../tests/helpers/app.js';
import { inTransaction } from '../db/client.js';
import { allJobs } from './definitions.js';
import { createQueues, defineJob } from './queue.js';

const t = await createTestApp();
const boss = t.ctx.jobs.boss;

describe('job queues on upgrade', () => {
  it('the retired mail.send queue is deleted with its jobs, which nothing would work', async () => {
    // What an install from before the delivery pipeline still holds.
    await boss.createQueue('mail.send');
    await boss.send('mail.send', { mailId: '00000000-0000-4000-8000-000000000001' });
    const done = await boss.send('mail.send', { mailId: '00000000-0000-4000-8000-000000000002' });
    await boss.fetch('mail.send');
    if (done) await boss.complete('mail.send', done);

    await createQueues(boss, allJobs);

    expect(await boss.getQueue('mail.send')).toBeNull();
    const left = await t.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'mail.send'`,
    );
    expect(left.rows).toEqual([{ n: 0 }]);
    // The queues of today's jobs are all there, and running it again changes nothing.
    await createQueues(boss, allJobs);
    for (const job of allJobs) expect(await boss.getQueue(job.name)).not.toBeNull();
  });
});

describe('a job enqueued in a transaction', () => {
  it("is pg-boss's own insert, named once per connection: the queue's retry policy, startAfter, gone on rollback", async () => {
    const job = defineJob({
      name: 'test.enqueued',
      payload: z.object({ n: z.number() }),
      retryLimit: 3,
      retryDelaySeconds: 7,
      handle: async () => {},
    });
    await createQueues(boss, [job]);
    const later = new Date('2031-01-02T03:04:05Z');
    const prepared = await inTransaction(t.db, async (tx) => {
      await t.ctx.jobs.enqueue(tx, job, { n: 1 });
      await t.ctx.jobs.enqueue(tx, job, { n: 2 }, { startAfter: later });
      const { rows } = await tx.$client.query(
        `SELECT name FROM pg_prepared_statements WHERE statement ILIKE '%INSERT INTO pgboss.job%'`,
      );
      return rows;
    });
    expect(prepared).toEqual([{ name: 'pgboss_insert_job' }]);
    await inTransaction(t.db, async (tx) => {
      await t.ctx.jobs.enqueue(tx, job, { n: 3 });
      throw new Error('rolled back');
    }).catch(() => {});
    const { rows } = await t.db.$client.query(
      `SELECT data, retry_limit, retry_delay, retry_backoff, policy, start_after = $2 AS later, state
         FROM pgboss.job WHERE name = $1 ORDER BY data->>'n'`,
      [job.name, later],
    );
    expect(rows).toEqual([
      {
        data: { n: 1 },
        retry_limit: 3,
        retry_delay: 7,
        retry_backoff: true,
        policy: 'standard',
        later: false,
        state: 'created',
      },
      {
        data: { n: 2 },
        retry_limit: 3,
        retry_delay: 7,
        retry_backoff: true,
        policy: 'standard',
        later: true,
        state: 'created',
      },
    ]);
  });
});

describe('a job that fails', () => {
  it('is logged by the worker through its pino logger, without the SQL parameters', async () => {
    const secretLink = 'https://help.example/s/the-secret-survey-token';
    const failingJob = defineJob({
      name: 'test.failing',
      payload: z.object({ link: z.string() }),
      retryLimit: 0,
      handle: async (ctx, data) => {
        await ctx.db.execute(sql`SELECT * FROM no_such_table WHERE link = ${data.link}`);
      },
    });
    await createQueues(boss, [failingJob]);
    let logged = '';
    let loggedOnce: () => void = () => {};
    const wasLogged = new Promise<void>((resolve) => {
      loggedOnce = resolve;
    });
    const log = pino(
      { level: 'info' },
      {
        write: (line: string) => {
          logged += line;
          loggedOnce();
        },
      },
    );

    await boss.start();
    try {
      await t.ctx.jobs.work(t.ctx, [failingJob], log);
      await boss.send(failingJob.name, { link: secretLink });
      await wasLogged;
    } finally {
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    }
    const line = JSON.parse(logged);
    expect(line).toMatchObject({ level: 50, msg: 'job failed', job: 'test.failing' });
    expect(logged).toContain('relation \\"no_such_table\\" does not exist');
    expect(logged).not.toContain('the-secret-survey-token');
  });
});
