import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../tests/helpers/app.js';
import { allJobs } from './definitions.js';
import { createQueues } from './queue.js';

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
