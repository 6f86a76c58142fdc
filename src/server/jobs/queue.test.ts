import { sql } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp } from '../../../tests/helpers/app.js';
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
