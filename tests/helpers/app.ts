import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import type { AppContext } from '../../src/server/app-context.js';
import { type Config, loadConfig } from '../../src/server/config.js';
import { createDatabase } from '../../src/server/db/client.js';
import type { JobDefinition } from '../../src/server/jobs/queue.js';
import { createBoss, Jobs } from '../../src/server/jobs/queue.js';
import { createTestClock } from '../../src/server/lib/clock.js';
import { EventBus } from '../../src/server/lib/events.js';
import { LinkTokens } from '../../src/server/lib/link-tokens.js';
import { SecretBox } from '../../src/server/lib/secret-box.js';
import { subscribeAll } from '../../src/server/subscribers.js';
import { withDatabase } from '../global-setup.js';

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export const TEST_PASSWORD_COST = { N: 1024, r: 8, p: 1 };

/**
 * An app on a fresh database of its own (cloned from the migrated template), with a clock the
 * test can move. Closed and dropped after the file's tests. `config` overrides settings (smtpUrl…).
 */
export async function createTestApp(config: Partial<Config> = {}) {
  const scratch = await createScratchDatabase({ migrated: true });
  const db = createDatabase(scratch.connection);
  const clock = createTestClock();
  const boss = createBoss(db);
  const jobs = new Jobs(boss);
  const ctx: AppContext = {
    db,
    clock,
    bus: subscribeAll(new EventBus()),
    jobs,
    config: {
      ...loadConfig({ RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'silent', CAPTCHA_MAX_NUMBER: '20' }),
      // A cheap scrypt keeps the suite fast; production always uses PASSWORD_COST.
      passwordCost: TEST_PASSWORD_COST,
      ...config,
    },
    databaseMode: inject('databaseMode'),
    links: new LinkTokens(randomBytes(32).toString('hex')),
    secrets: new SecretBox(randomBytes(32).toString('hex')),
  };
  const app = await buildApp(ctx);
  await app.ready();

  /** Errors thrown by job handlers in runJobs, newest last. */
  const jobErrors: unknown[] = [];

  /**
   * Runs every queued job of this kind now, ignoring its start time (the test clock decides), as a
   * worker would: a handler that throws goes through boss.fail, and its retries (their backoff
   * ignored too) run in the same call until the job succeeds or exhausts its retry limit.
   * Returns how many runs there were.
   */
  async function runJobs<T>(job: JobDefinition<T>) {
    let ran = 0;
    for (;;) {
      const batch = await boss.fetch<T>(job.name, {
        batchSize: 20,
        ignoreStartAfter: true,
        includeMetadata: true,
      });
      if (!batch.length) return ran;
      for (const j of batch) {
        ran++;
        try {
          await job.handle(ctx, job.payload.parse(j.data), {
            retryCount: j.retryCount,
            retryLimit: j.retryLimit,
          });
        } catch (err) {
          jobErrors.push(err);
          await boss.fail(job.name, j.id, { message: err instanceof Error ? err.message : String(err) });
          continue;
        }
        await boss.complete(job.name, j.id);
      }
    }
  }

  afterAll(async () => {
    await app.close();
    await db.$client.end();
    await scratch.drop();
  });

  return { app, ctx, db, clock, runJobs, jobErrors };
}

/**
 * A database of the test's own on the test server: a clone of the migrated template, or empty
 * (for tests that migrate or restore into it). The global teardown drops any left behind.
 */
export async function createScratchDatabase(options: { migrated: boolean }) {
  const admin = inject('adminConnection');
  const template = inject('templateDatabase');
  const name = `${template.replace('_tpl_', '_t_')}_${randomBytes(4).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client(admin);
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  await run(`CREATE DATABASE ${name}${options.migrated ? ` TEMPLATE ${template}` : ''}`);
  return {
    name,
    connection: withDatabase(admin, name),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
