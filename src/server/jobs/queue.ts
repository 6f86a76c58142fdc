import { DrizzleQueryError } from 'drizzle-orm';
import PgBoss from 'pg-boss';
import type { BaseLogger } from 'pino';
import type { z } from 'zod';
import type { AppContext } from '../app-context.js';
import type { Config } from '../config.js';
import type { Database, Tx } from '../db/client.js';

/** Which run of a job this is: pg-boss counts retries from 0 and stops after `retryLimit` retries. */
export interface JobAttempt {
  retryCount: number;
  retryLimit: number;
}

/**
 * A background job: its queue name, the payload it accepts, its retry policy and its handler.
 * A handler that throws is retried (with exponential backoff) until its retry limit, then failed.
 */
export interface JobDefinition<T> {
  name: string;
  payload: z.ZodType<T>;
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** How many runs of this job one process works on at once (default 1). */
  concurrency?: (config: Config) => number;
  /** Runs on this schedule (cron, UTC) wherever workers run; pg-boss makes it once per tick across instances. */
  cron?: string;
  handle(ctx: AppContext, data: T, attempt?: JobAttempt): Promise<void>;
}

export function defineJob<T>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition;
}

export function createBoss(db: Database): PgBoss {
  // pg-boss runs its SQL through our pool: one set of connections, one database.
  return new PgBoss({ db: { executeSql: (text, values) => db.$client.query(text, values) } });
}

/**
 * Queues of jobs that no longer exist, deleted with their jobs on upgrade since nothing works them:
 * `mail.send` (its mails became deliveries in migration 0007, which the requeue sweep sends).
 */
export const RETIRED_QUEUES = ['mail.send'];

/** Creates each job's queue and deletes the retired ones; idempotent, run with the migrations. */
export async function createQueues(
  boss: PgBoss,
  definitions: readonly JobDefinition<unknown>[],
): Promise<void> {
  for (const name of RETIRED_QUEUES) {
    if (!(await boss.getQueue(name))) continue;
    // pg-boss refuses to delete a queue that still holds jobs (of any state): delete them first.
    await boss.getDb().executeSql('DELETE FROM pgboss.job WHERE name = $1', [name]);
    await boss.deleteQueue(name);
  }
  for (const d of definitions) {
    await boss.createQueue(d.name, {
      name: d.name,
      retryLimit: d.retryLimit ?? 5,
      retryDelay: d.retryDelaySeconds ?? 30,
      retryBackoff: true,
    });
  }
}

/** The name of pg-boss's job insert as a prepared statement on each connection (Jobs.enqueue). */
const INSERT_JOB = 'pgboss_insert_job';

/** Where workers log failed runs: the app's pino logger (Fastify's, or the worker's own). */
export type JobLog = Pick<BaseLogger, 'error'>;

/**
 * A job's error as the worker logs it. Drizzle puts a failed query's parameters (row values,
 * links) into its message and stack: such an error is logged by its query text and its cause,
 * PostgreSQL's own error, instead.
 */
function loggableError(err: unknown) {
  if (!(err instanceof DrizzleQueryError) || !err.cause) return err;
  const { message, stack } = err.cause;
  return { type: 'DrizzleQueryError', query: err.query, cause: { message, stack } };
}

export class Jobs {
  constructor(readonly boss: PgBoss) {}

  /**
   * Enqueues inside `tx`: if the transaction rolls back, the job never existed. pg-boss's send runs
   * one statement, its job insert (always the same text): it goes as a named statement, parsed and
   * planned once per connection. Should pg-boss ever send another text under that name, `pg`
   * refuses it on that connection (an error, never a wrong statement).
   */
  async enqueue<T>(
    tx: Tx,
    job: JobDefinition<T>,
    data: T,
    /** `priority`: higher first among the queue's due jobs (pg-boss fetches by priority, then age); 0 by default. */
    options: { startAfter?: Date; priority?: number } = {},
  ): Promise<void> {
    await this.boss.send(job.name, job.payload.parse(data) as object, {
      ...options,
      db: { executeSql: (text, values) => tx.$client.query({ name: INSERT_JOB, text, values }) },
    });
  }

  async work(ctx: AppContext, definitions: readonly JobDefinition<unknown>[], log: JobLog): Promise<void> {
    for (const d of definitions) {
      if (d.cron) await this.boss.schedule(d.name, d.cron, {});
      // Concurrency is several workers of one job each (not batches): a slow run holds up no other.
      // pg-boss fails the job when the handler throws (boss.fail: retry after its backoff, or failed).
      // A worker that found a job fetches the next at once; only an empty queue waits out the
      // polling interval (pg-boss otherwise waits it after every job: one job a second per worker).
      const workers = d.concurrency?.(ctx.config) ?? 1;
      for (let i = 0; i < workers; i++) {
        let workerId: string | undefined;
        workerId = await this.boss.work<object>(
          d.name,
          { pollingIntervalSeconds: 1, includeMetadata: true },
          async ([job]) => {
            if (!job) return;
            try {
              await d.handle(ctx, d.payload.parse(job.data), {
                retryCount: job.retryCount,
                retryLimit: job.retryLimit,
              });
            } catch (err) {
              // pg-boss keeps the error in the job's record; operators read the worker's log.
              log.error({ job: d.name, jobId: job.id, err: loggableError(err) }, 'job failed');
              throw err;
            } finally {
              if (workerId) this.boss.notifyWorker(workerId);
            }
          },
        );
      }
    }
  }
}
