/**
 * CSAT analytics latency at 10,000, 1,000,000 and 10,000,000 surveys (issue 5, point 13; issue 11,
 * goal 6).
 *
 *   npx tsx bench/csat-analytics.ts [--sizes 10000,1000000,10000000] [--requests 200] [--no-write]
 *
 * Uses DATABASE_URL (a scratch database is created on that server and dropped) or else a bundled
 * PostgreSQL in a temporary directory. Seeds one project with surveys spread over the year before
 * "now" (with their tickets, customers and 20 agents) using INSERT … SELECT, recounts the daily
 * roll-up (`clearline analytics rebuild`, timed), runs VACUUM ANALYZE, then times the overview, per-staff and review-list endpoints through app.inject (30-day preset)
 * and writes the table, the machine and the query plans into docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../src/server/app.js';
import type { AppContext } from '../src/server/app-context.js';
import { loadConfig } from '../src/server/config.js';
import { startBundledPostgres } from '../src/server/db/bundled-postgres.js';
import { createDatabase, type Database, inTransaction } from '../src/server/db/client.js';
import { migrateDatabase } from '../src/server/db/migrate.js';
import { createBoss, Jobs } from '../src/server/jobs/queue.js';
import { EventBus } from '../src/server/lib/events.js';
import { LinkTokens } from '../src/server/lib/link-tokens.js';
import { SecretBox } from '../src/server/lib/secret-box.js';
import { createAccount } from '../src/server/modules/accounts/index.js';
import { rebuildDailyCounts } from '../src/server/modules/analytics/index.js';
import { writeBenchmarkDoc } from './csat-analytics-report.js';
import { seedSurveys } from './csat-analytics-seed.js';

const NOW = new Date('2025-06-30T12:00:00Z');
const WARM_UP = 20;
/** Interleaved rounds over the sizes (requests and warm-up are split between them). */
const ROUNDS = 5;

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,1000000,10000000' },
    requests: { type: 'string', default: '200' },
    'no-write': { type: 'boolean', default: false },
  },
});
const sizes = args.sizes.split(',').map(Number);
const int = (v: number) => v.toLocaleString('en');
const requests = Number(args.requests);

export interface Measurement {
  endpoint: string;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface SizeResult {
  surveys: number;
  seedSeconds: number;
  rebuildSeconds: number;
  rollupRows: number;
  answersInPeriod: number;
  tableMegabytes: number;
  rollupMegabytes: number;
  measurements: Measurement[];
  plans: { endpoint: string; sql: string; plan: string }[];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function withServer<T>(fn: (admin: pg.ClientConfig) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return fn({ connectionString: process.env.DATABASE_URL });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clearline-bench-'));
  const server = await startBundledPostgres(dir);
  try {
    return await fn(server.connection);
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function onDatabase(admin: pg.ClientConfig, database: string): pg.ClientConfig {
  if (!admin.connectionString) return { ...admin, database };
  const url = new URL(admin.connectionString);
  url.pathname = `/${database}`;
  return { connectionString: url.toString() };
}

async function adminQuery(admin: pg.ClientConfig, text: string) {
  const client = new pg.Client(admin);
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function buildContext(db: Database): AppContext {
  return {
    db,
    clock: { now: () => NOW },
    bus: new EventBus(),
    jobs: new Jobs(createBoss(db)),
    config: loadConfig({ RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'silent' }),
    databaseMode: 'external',
    links: new LinkTokens(randomBytes(32).toString('hex')),
    secrets: new SecretBox(randomBytes(32).toString('hex')),
  };
}

/** Runs `fn` while recording every statement sent on the pool that reads the surveys or their roll-up. */
async function captureQueries(db: Database, fn: () => Promise<unknown>) {
  const captured: { text: string; values: unknown[] }[] = [];
  const pool = db.$client;
  const original = pool.query.bind(pool);
  pool.query = ((config: string | pg.QueryConfig, values?: unknown[]) => {
    const text = typeof config === 'string' ? config : config.text;
    if (/csat_surveys|csat_daily_counts/.test(text))
      captured.push({ text, values: values ?? (typeof config === 'string' ? [] : (config.values ?? [])) });
    return original(config as never, values as never);
  }) as typeof pool.query;
  try {
    await fn();
  } finally {
    pool.query = original;
  }
  return captured;
}

const ENDPOINTS = (base: string) =>
  [
    ['baseline: /me', '/api/v1/me'],
    ['overview', `${base}/overview?preset=30d`],
    ['overview, 7d', `${base}/overview?preset=7d`],
    ['per-staff', `${base}/agents?preset=30d`],
    ['review list', `${base}/reviews?preset=30d&limit=25`],
    ['review search', `${base}/reviews?preset=30d&limit=25&q=invoice`],
  ] as const;

interface Seeded {
  surveys: number;
  name: string;
  db: Database;
  app: Awaited<ReturnType<typeof buildApp>>;
  headers: Record<string, string>;
  base: string;
  seedSeconds: number;
  rebuildSeconds: number;
  rollupRows: number;
  times: Map<string, number[]>;
}

async function seedSize(admin: pg.ClientConfig, surveys: number): Promise<Seeded> {
  const name = `clearline_bench_${surveys}_${process.pid}`;
  await adminQuery(admin, `DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  const db = createDatabase({ ...onDatabase(admin, name), max: 4 });
  await migrateDatabase(db);
  const ctx = buildContext(db);
  const tenant = await inTransaction(db, (tx) =>
    createAccount(tx, ctx.clock, ctx.config.passwordCost, {
      accountName: 'Bench Corp',
      projectName: 'Support',
      projectKey: 'BENCH',
      timezone: 'Europe/Paris',
      name: 'Bench Owner',
      email: 'owner@bench.test',
      password: 'bench-password',
    }),
  );
  const started = performance.now();
  await seedSurveys(db, { projectId: tenant.projectId, accountId: tenant.accountId, surveys, now: NOW });
  const seedSeconds = (performance.now() - started) / 1000;
  const rebuildStarted = performance.now();
  const { rows: rollupRows } = await rebuildDailyCounts(db, tenant.accountId);
  const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
  await db.$client.query('VACUUM ANALYZE');
  process.stdout.write(
    `  seeded ${surveys.toLocaleString('en')} surveys in ${seedSeconds.toFixed(1)} s, roll-up of ${rollupRows.toLocaleString('en')} rows recounted in ${rebuildSeconds.toFixed(1)} s\n`,
  );
  const app = await buildApp(ctx);
  await app.ready();
  return {
    surveys,
    name,
    db,
    app,
    headers: { authorization: `Bearer ${tenant.token}` },
    base: `/api/v1/projects/${tenant.projectId}/csat`,
    seedSeconds,
    rebuildSeconds,
    rollupRows,
    times: new Map(),
  };
}

const getter = (s: Seeded, url: string) => async () => {
  const res = await s.app.inject({ method: 'GET', url, headers: s.headers });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res;
};

/** One round on one size: a few warm-up requests, then `count` timed ones, per endpoint. */
async function measureRound(s: Seeded, count: number) {
  for (const [endpoint, url] of ENDPOINTS(s.base)) {
    const get = getter(s, url);
    for (let i = 0; i < WARM_UP / ROUNDS; i++) await get();
    const times = s.times.get(endpoint) ?? [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await get();
      times.push(performance.now() - t0);
    }
    s.times.set(endpoint, times);
  }
}

/** The figures of one size once every round ran, its query plans; then its database is dropped. */
async function finish(admin: pg.ClientConfig, s: Seeded): Promise<SizeResult> {
  try {
    const measurements = ENDPOINTS(s.base).map(([endpoint]) => {
      const times = [...(s.times.get(endpoint) ?? [])].sort((a, b) => a - b);
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(times, p)) as [number, number, number];
      return { endpoint, p50, p95, p99, mean };
    });
    const overview = await getter(s, `${s.base}/overview?preset=30d`)();
    const plans: SizeResult['plans'] = [];
    for (const [endpoint, url] of ENDPOINTS(s.base)) {
      if (endpoint.startsWith('baseline')) continue;
      for (const q of await captureQueries(s.db, getter(s, url))) {
        const explained = await s.db.$client.query(
          `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${q.text}`,
          q.values,
        );
        const plan = explained.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
        plans.push({ endpoint, sql: q.text, plan });
      }
    }
    const size = await s.db.$client.query<{ mb: number; rollup: number }>(
      `SELECT pg_total_relation_size('csat_surveys') / 1048576.0 AS mb,
              pg_total_relation_size('csat_daily_counts') / 1048576.0 AS rollup`,
    );
    return {
      surveys: s.surveys,
      seedSeconds: s.seedSeconds,
      rebuildSeconds: s.rebuildSeconds,
      rollupRows: s.rollupRows,
      answersInPeriod: overview.json().current.answers,
      tableMegabytes: Number(size.rows[0]?.mb ?? 0),
      rollupMegabytes: Number(size.rows[0]?.rollup ?? 0),
      measurements,
      plans,
    };
  } finally {
    await s.app.close();
    await s.db.$client.end();
    await adminQuery(admin, `DROP DATABASE IF EXISTS ${s.name} WITH (FORCE)`);
  }
}

const loadBefore = os.loadavg();
const results = await withServer(async (admin) => {
  const seeded: Seeded[] = [];
  for (const surveys of sizes) {
    process.stdout.write(`${surveys.toLocaleString('en')} surveys\n`);
    seeded.push(await seedSize(admin, surveys));
  }
  // Interleaved: every size gets a share of each round, so load from elsewhere on the machine
  // falls on all sizes alike and the ratios between them hold.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const s of seeded) await measureRound(s, Math.ceil(requests / ROUNDS));
    process.stdout.write(`  round ${round} of ${ROUNDS} done\n`);
  }
  const out: SizeResult[] = [];
  for (const s of seeded) {
    const r = await finish(admin, s);
    for (const m of r.measurements) {
      process.stdout.write(
        `  ${int(r.surveys).padStart(10)} ${m.endpoint.padEnd(13)} p50 ${m.p50.toFixed(1)} ms  p95 ${m.p95.toFixed(1)} ms  p99 ${m.p99.toFixed(1)} ms\n`,
      );
    }
    out.push(r);
  }
  return out;
});

if (!args['no-write']) {
  const load = { before: loadBefore, after: os.loadavg() };
  const file = writeBenchmarkDoc(results, { requests, warmUp: WARM_UP, rounds: ROUNDS, now: NOW, load });
  process.stdout.write(`wrote ${file}\n`);
}
