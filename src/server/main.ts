import cluster from 'node:cluster';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type PgBoss from 'pg-boss';
import pino, { type BaseLogger } from 'pino';
import { buildApp } from './app.js';
import { type AppContext, scopeOf } from './app-context.js';
import { askPrimary, JOBS_WORKER_ENV } from './cluster-ipc.js';
import { type Config, loadConfig } from './config.js';
import { backupDatabase, RestoreRefused, restoreDatabase } from './db/backup.js';
import {
  type BundledPostgres,
  bundledConnection,
  DataDirError,
  startBundledPostgres,
} from './db/bundled-postgres.js';
import { createDatabase, type Database, inTransaction } from './db/client.js';
import { isExternalDatabaseTooOld, migrateDatabase } from './db/migrate.js';
import { allJobs } from './jobs/definitions.js';
import { createBoss, createQueues, Jobs } from './jobs/queue.js';
import { systemClock } from './lib/clock.js';
import { EventBus } from './lib/events.js';
import { LinkTokens } from './lib/link-tokens.js';
import { SecretBox } from './lib/secret-box.js';
import { rebuildDailyCounts } from './modules/analytics/index.js';
import { startInboundSmtp } from './modules/inbound/index.js';
import { startMailboxWatchers } from './modules/mailboxes/index.js';
import { requeueScheduledClosures } from './modules/tickets/index.js';
import { resolveSecretKey } from './secret-key.js';
import { subscribeAll } from './subscribers.js';

const USAGE = `Usage: clearline <command>

  start     migrate, then serve the web app and API, and run the background workers
  worker    run only the background workers (for deployments that separate them)
  migrate   apply database migrations and exit
  backup FILE    write a consistent backup of the database to FILE (the app may keep running)
  restore FILE   load FILE into an empty database (a new DATA_DIR, or an empty DATABASE_URL)
  analytics rebuild [ACCOUNT_ID]
                 recount the CSAT daily roll-up from the surveys (every account, or one), one
                 transaction per account; survey writes of that account's turn wait for it
`;

interface Runtime {
  config: Config;
  db: Database;
  bundled: BundledPostgres | null;
  boss: PgBoss;
  ctx: AppContext;
}

/**
 * Opens the database (bundled unless DATABASE_URL is set; in a web worker of the cluster, the
 * primary's, once it is up), migrates it and prepares the queue.
 */
async function open(config: Config): Promise<Runtime> {
  if (cluster.isWorker) await askPrimary({ kind: 'database' });
  const bundled = config.databaseUrl || cluster.isWorker ? null : await startBundledPostgres(config.dataDir);
  const secretKey = resolveSecretKey(config);
  const links = new LinkTokens(secretKey);
  const db = createDatabase(
    config.databaseUrl ? { connectionString: config.databaseUrl } : bundledConnection(config.dataDir),
  );
  try {
    if (config.databaseUrl) {
      const tooOld = await isExternalDatabaseTooOld(db);
      if (tooOld) throw new Error(tooOld);
    }
    await migrateDatabase(db);
    const boss = createBoss(db);
    await createQueues(boss, allJobs);
    boss.on('error', (err) => console.error('job queue error:', err));
    const jobs = new Jobs(boss);
    const ctx: AppContext = {
      db,
      clock: systemClock,
      bus: subscribeAll(new EventBus()),
      jobs,
      config,
      databaseMode: config.databaseUrl ? 'external' : 'bundled',
      links,
      secrets: new SecretBox(secretKey),
    };
    return { config, db, bundled, boss, ctx };
  } catch (err) {
    await db.$client.end().catch(() => {});
    await bundled?.stop();
    throw err;
  }
}

async function close(rt: Runtime) {
  await rt.boss.stop({ graceful: true, wait: true, timeout: 10_000 }).catch(() => {});
  await rt.db.$client.end().catch(() => {});
  await rt.bundled?.stop();
}

function onSignals(stop: () => Promise<void>) {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal} received: stopping…`);
      stop().then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

function watchBundled(rt: Runtime) {
  rt.bundled?.onUnexpectedExit((code) => {
    console.error(
      `The bundled PostgreSQL exited unexpectedly (code ${code}); see ${rt.config.dataDir}/postgres.log.`,
    );
    process.exit(1);
  });
}

/**
 * `start` in one process (WEB_CONCURRENCY=1), or as one web worker of the cluster (src/server/cluster.ts),
 * where the primary says which worker runs the jobs and prints the ready line once all listen.
 */
async function start(config: Config) {
  const began = performance.now();
  const rt = await open(config);
  watchBundled(rt);
  await rt.boss.start();
  const app = await buildApp(rt.ctx, { logger: { level: config.logLevel } });
  const runsJobs = config.runWorkers && (cluster.isPrimary || process.env[JOBS_WORKER_ENV] === '1');
  // The listener runs beside the web server, not in `clearline worker`: it binds a port as HTTP does,
  // and it needs no job (a mail is committed before its 250), so workers can scale without it.
  const smtp = config.inboundSmtp ? await startInboundSmtp(rt.ctx, config.inboundSmtp, app.log) : null;
  let jobsStarted: Promise<(() => Promise<void>) | null> = Promise.resolve(null);
  onSignals(async () => {
    await smtp?.close();
    const stopJobs = await jobsStarted.catch(() => null);
    await stopJobs?.();
    await app.close();
    await close(rt);
  });
  await app.listen({ port: config.port, host: config.host });
  // The jobs start once HTTP answers: their schedules and first polls would delay the first answer.
  // The ready line below still waits for them.
  if (runsJobs) jobsStarted = startJobs(rt, app.log);
  await jobsStarted;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (cluster.isWorker) {
    await askPrimary({ kind: 'ready', port, smtpPort: smtp?.port ?? null });
    return;
  }
  const where = rt.bundled
    ? `bundled PostgreSQL, data in ${config.dataDir}`
    : 'external PostgreSQL (DATABASE_URL)';
  if (smtp) console.log(`Inbound SMTP listener on port ${smtp.port}.`);
  console.log(
    `Clearline is ready on http://localhost:${port} (${where}); started in ${Math.round(performance.now() - began)} ms.`,
  );
}

/** Works the job queues and watches the IMAP mailboxes; returns what stops the mailboxes. */
async function startJobs(rt: Runtime, log: Pick<BaseLogger, 'warn' | 'error'>): Promise<() => Promise<void>> {
  await rt.ctx.jobs.work(rt.ctx, allJobs, log);
  // IMAP mailboxes are read where the jobs run; an advisory lock keeps each to one process.
  return startMailboxWatchers(rt.ctx, log);
}

async function worker(config: Config) {
  const rt = await open(config);
  watchBundled(rt);
  await rt.boss.start();
  const stopMailboxes = await startJobs(rt, pino({ level: config.logLevel }));
  onSignals(async () => {
    await stopMailboxes();
    await close(rt);
  });
  console.log(`Clearline worker is running (${allJobs.length} job types).`);
}

async function migrateOnly(config: Config) {
  const rt = await open(config);
  await close(rt);
  console.log('Migrations applied.');
}

/**
 * The database a backup reads: DATABASE_URL, or the bundled one, through the running app's socket
 * when it runs (an online backup), else started for the time of the backup.
 */
async function openForBackup(config: Config): Promise<{ db: Database; stop: () => Promise<void> }> {
  if (config.databaseUrl) {
    const db = createDatabase({ connectionString: config.databaseUrl });
    return { db, stop: () => db.$client.end() };
  }
  const running = createDatabase(bundledConnection(config.dataDir));
  if (
    await running.$client.query('SELECT 1').then(
      () => true,
      () => false,
    )
  ) {
    return { db: running, stop: () => running.$client.end() };
  }
  await running.$client.end();
  const bundled = await startBundledPostgres(config.dataDir);
  const db = createDatabase(bundled.connection);
  const stop = async () => {
    await db.$client.end();
    await bundled.stop();
  };
  return { db, stop };
}

function fileArgument() {
  const file = process.argv[3];
  if (!file) {
    console.error(USAGE);
    process.exit(2);
  }
  return path.resolve(file);
}

async function backup(config: Config) {
  const file = fileArgument();
  const { db, stop } = await openForBackup(config);
  try {
    const rows = await backupDatabase(db, file);
    const total = Object.values(rows).reduce((a, b) => a + b, 0);
    console.log(`Backed up ${total} rows of ${Object.keys(rows).length} tables to ${file}.`);
  } finally {
    await stop();
  }
}

async function restore(config: Config) {
  const file = fileArgument();
  const bundled = config.databaseUrl ? null : await startBundledPostgres(config.dataDir);
  const db = createDatabase(bundled ? bundled.connection : { connectionString: config.databaseUrl });
  let rows: Record<string, number>;
  try {
    rows = await restoreDatabase(db, file);
  } finally {
    await db.$client.end();
    await bundled?.stop();
  }
  // Then as on any start: migrations up to this version, the job queue, and the jobs the rows imply.
  const rt = await open(config);
  try {
    await inTransaction(rt.db, (tx) => requeueScheduledClosures(scopeOf(rt.ctx, tx)));
  } finally {
    await close(rt);
  }
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  console.log(`Restored ${total} rows of ${Object.keys(rows).length} tables from ${file}.`);
}

async function analytics(config: Config) {
  const [action, accountId] = process.argv.slice(3);
  if (action !== 'rebuild' || (accountId !== undefined && !/^[0-9a-f-]{36}$/i.test(accountId))) {
    console.error(USAGE);
    process.exit(2);
  }
  const rt = await open(config);
  try {
    const began = performance.now();
    const done = await rebuildDailyCounts(rt.db, accountId);
    if (accountId && !done.accounts) {
      console.error(`No account ${accountId}.`);
      process.exitCode = 1;
      return;
    }
    console.log(
      `Recounted the CSAT roll-up of ${done.accounts} account(s): ${done.rows} rows in ${Math.round(performance.now() - began)} ms.`,
    );
  } finally {
    await close(rt);
  }
}

const commands: Record<string, (config: Config) => Promise<void>> = {
  start,
  worker,
  migrate: migrateOnly,
  backup,
  restore,
  analytics,
};
const name = process.argv[2] ?? '';
// An own property only: `clearline toString` is not a command.
const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
if (!command) {
  console.error(USAGE);
  process.exit(2);
}
try {
  await command(loadConfig());
} catch (err) {
  console.error(
    err instanceof DataDirError ||
      err instanceof RestoreRefused ||
      (err instanceof Error && err.message.startsWith('Invalid configuration'))
      ? err.message
      : err,
  );
  process.exit(1);
}
