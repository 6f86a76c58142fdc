/**
 * CSAT analytics latency at 10,000 and 1,000,000 surveys (issue 5, point 13).
 *
 *   npx tsx bench/csat-analytics.ts [--sizes 10000,1000000] [--requests 200] [--no-write]
 *
 * Uses DATABASE_URL (a scratch database is created on that server and dropped) or else a bundled
 * PostgreSQL in a temporary directory. Seeds one project with surveys spread over the year before
 * "now" (with their tickets, customers and 20 agents) using INSERT … SELECT, runs VACUUM ANALYZE,
 * then times the overview, per-staff and review-list endpoints through app.inject (30-day preset)
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
import { writeBenchmarkDoc } from './csat-analytics-report.js';
import { seedSurveys } from './csat-analytics-seed.js';

const NOW = new Date('2025-06-30T12:00:00Z');
const WARM_UP = 20;

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,1000000' },
    requests: { type: 'string', default: '200' },
    'no-write': { type: 'boolean', default: false },
  },
});
const sizes = args.sizes.split(',').map(Number);
const requests = Number(args.requests);

export interface Measurement {
  endpoint: string;
  p50: number;
  p95: number;
  mean: number;
}

export interface SizeResult {
  surveys: number;
  seedSeconds: number;
  answersInPeriod: number;
  tableMegabytes: number;
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

/** Runs `fn` while recording every statement sent on the pool that reads csat_surveys. */
async function captureQueries(db: Database, fn: () => Promise<unknown>) {
  const captured: { text: string; values: unknown[] }[] = [];
  const pool = db.$client;
  const original = pool.query.bind(pool);
  pool.query = ((config: string | pg.QueryConfig, values?: unknown[]) => {
    const text = typeof config === 'string' ? config : config.text;
    if (text.includes('csat_surveys'))
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

async function runSize(admin: pg.ClientConfig, surveys: number): Promise<SizeResult> {
  const name = `clearline_bench_${surveys}_${process.pid}`;
  await adminQuery(admin, `DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  const db = createDatabase({ ...onDatabase(admin, name), max: 4 });
  try {
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
    await db.$client.query('VACUUM ANALYZE');
    const seedSeconds = (performance.now() - started) / 1000;
    process.stdout.write(`  seeded ${surveys.toLocaleString('en')} surveys in ${seedSeconds.toFixed(1)} s\n`);

    const app = await buildApp(ctx);
    await app.ready();
    const headers = { authorization: `Bearer ${tenant.token}` };
    const base = `/api/v1/projects/${tenant.projectId}/csat`;
    const endpoints = [
      ['baseline: /me', '/api/v1/me'],
      ['overview', `${base}/overview?preset=30d`],
      ['overview, 7d', `${base}/overview?preset=7d`],
      ['per-staff', `${base}/agents?preset=30d`],
      ['review list', `${base}/reviews?preset=30d&limit=25`],
      ['review search', `${base}/reviews?preset=30d&limit=25&q=invoice`],
    ] as const;
    const measurements: Measurement[] = [];
    const plans: SizeResult['plans'] = [];
    let answersInPeriod = 0;
    for (const [endpoint, url] of endpoints) {
      const get = async () => {
        const res = await app.inject({ method: 'GET', url, headers });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
        return res;
      };
      for (let i = 0; i < WARM_UP; i++) await get();
      const times: number[] = [];
      for (let i = 0; i < requests; i++) {
        const t0 = performance.now();
        const res = await get();
        times.push(performance.now() - t0);
        if (endpoint === 'overview' && i === 0) answersInPeriod = res.json().current.answers;
      }
      times.sort((a, b) => a - b);
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      measurements.push({ endpoint, p50: percentile(times, 50), p95: percentile(times, 95), mean });
      process.stdout.write(
        `  ${endpoint.padEnd(13)} p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms\n`,
      );
      if (endpoint.startsWith('baseline')) continue;
      for (const q of await captureQueries(db, get)) {
        const explained = await db.$client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${q.text}`, q.values);
        const plan = explained.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
        plans.push({ endpoint, sql: q.text, plan });
      }
    }
    const size = await db.$client.query<{ mb: number }>(
      `SELECT pg_total_relation_size('csat_surveys') / 1048576.0 AS mb`,
    );
    await app.close();
    return {
      surveys,
      seedSeconds,
      answersInPeriod,
      tableMegabytes: Number(size.rows[0]?.mb ?? 0),
      measurements,
      plans,
    };
  } finally {
    await db.$client.end();
    await adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

const loadBefore = os.loadavg();
const results = await withServer(async (admin) => {
  const out: SizeResult[] = [];
  for (const surveys of sizes) {
    process.stdout.write(`${surveys.toLocaleString('en')} surveys\n`);
    out.push(await runSize(admin, surveys));
  }
  return out;
});

if (!args['no-write']) {
  const load = { before: loadBefore, after: os.loadavg() };
  const file = writeBenchmarkDoc(results, { requests, warmUp: WARM_UP, now: NOW, load });
  process.stdout.write(`wrote ${file}\n`);
}
