/**
 * HTTP load benchmark (issue 11): Clearline against a bare Fastify + `pg` floor server
 * (bench/floor-server.ts) that sends the same SQL on the same database, on three hot paths, at
 * several concurrencies, in interleaved rounds. Not part of `npm test`.
 *
 *   npx tsx bench/http-load.ts [--seconds 10] [--rounds 3] [--warmup 5] [--survey-requests 1000]
 *                              [--connections 4,32,200] [--paths portal,create,survey] [--quick] [--write]
 *                              [--cpu-prof DIR]
 *
 * --print-sql sends one request of each path to Clearline with PostgreSQL's statement log on and
 * prints the statements: the floor must send the same (compare when the app's queries change).
 * --quick is a smoke run (1 round of 2 s, the fewest survey answers); --write puts the table into
 * docs/benchmarks.md between the http-load markers (replacing the previous one). --cpu-prof DIR
 * runs Clearline under `node --cpu-prof` and leaves its profile in DIR when it stops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { measureCpu, readMachine, waitUntilIdle, withNodeChildren } from './http-load-machine.js';
import { nextClientAddress, resetSurveys, type SurveyRequest, seed } from './http-load-seed.js';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '5' },
    'survey-requests': { type: 'string', default: '1000' },
    connections: { type: 'string', default: '4,32,200' },
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    'print-sql': { type: 'boolean', default: false },
    paths: { type: 'string', default: 'portal,create,survey' },
    'cpu-prof': { type: 'string' },
  },
});
const seconds = args.quick ? 2 : Number(args.seconds);
const rounds = args.quick ? 1 : Number(args.rounds);
const warmupSeconds = args.quick ? 1 : Number(args.warmup);
const connections = args.connections.split(',').map(Number);
// autocannon needs at least one request per connection; two each keeps the ends of a run apart.
const surveyRequests = Math.max(
  args.quick ? 0 : Number(args['survey-requests']),
  2 * Math.max(...connections),
);

type Side = 'clearline' | 'floor';
type PathName = 'portal' | 'create' | 'survey';
const PATHS: Record<PathName, string> = {
  portal: 'requester portal page, 50 messages',
  create: 'create a ticket through the API',
  survey: 'survey submission (API, captcha)',
};

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Spawns a server and waits for the line that tells its URL. */
async function spawnServer(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Server> {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const match = out.match(ready);
    if (match)
      return { child, url: (match[1] as string).replace('localhost', '127.0.0.1'), output: () => out };
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`${args.join(' ')} did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Run {
  side: Side;
  path: PathName;
  connections: number;
  round: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  cpuPer1k: number;
  bad: number;
  statuses: string;
}

async function main() {
  const machineBefore = readMachine();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-'));
  const secretKey = randomBytes(32).toString('base64url');
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const servers: Server[] = [];
  const db = new pg.Client({
    host: path.join(dataDir, 'pg'),
    port: 54320,
    user: 'postgres',
    database: 'postgres',
  });
  try {
    const clearline = await spawnServer(
      [
        ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : []),
        'bin/clearline.js',
        'start',
      ],
      {
        ...env,
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SECRET_KEY: secretKey,
        // The request paths only: job throughput is measured on its own (issue 11, point 4).
        RUN_WORKERS: 'false',
        TRUST_PROXY: 'true',
        RATE_LIMIT_PER_MINUTE: '10000000',
        // The portal path loads one link at hundreds a second: the load of thousands of customers.
        RATE_LIMIT_PUBLIC_PER_MINUTE: '10000000',
        CAPTCHA_MAX_NUMBER: '4',
        CAPTCHA_EXPIRES_SECONDS: '86400',
      },
      /Clearline is ready on (http:\/\/\S+) /,
    );
    servers.push(clearline);
    await db.connect();
    const floor = await spawnServer(
      ['--import', 'tsx', 'bench/floor-server.ts'],
      {
        ...env,
        PGHOST: path.join(dataDir, 'pg'),
        PGPORT: '54320',
        PGUSER: 'postgres',
        PGDATABASE: 'postgres',
      },
      /floor ready on (http:\/\/\S+)/,
    );
    servers.push(floor);
    const log = (line: string) => console.error(`[http-load] ${line}`);
    const data = await seed(clearline.url, db, secretKey, surveyRequests, log);
    const postmaster = Number.parseInt(
      fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8'),
      10,
    );
    // With WEB_CONCURRENCY > 1, the cluster primary and its web workers.
    const pids: Record<Side, number[]> = {
      clearline: withNodeChildren(clearline.child.pid as number),
      floor: [floor.child.pid as number],
    };
    const urls: Record<Side, string> = { clearline: clearline.url, floor: floor.url };

    let created = 0;
    const requestsFor = (pathName: PathName, side: Side): autocannon.Request[] => {
      if (pathName === 'portal') return [{ method: 'GET', path: data.portalPath }];
      if (pathName === 'create') {
        return [
          {
            method: 'POST',
            path: `/api/v1/projects/${data.projectId}/tickets`,
            setupRequest: (req) => {
              created++;
              req.body = JSON.stringify({
                subject: `Load ticket ${created}`,
                body: 'My invoice shows the wrong address.',
                requester: { email: `load-${side}-${created}@bench.example`, name: `Load ${created}` },
              });
              return req;
            },
          },
        ];
      }
      const pool: SurveyRequest[] = [...data.surveys[side]];
      return [
        {
          method: 'POST',
          setupRequest: (req) => {
            const next = pool.pop();
            if (!next) throw new Error('out of seeded surveys');
            req.path = `/api/v1/surveys/${next.token}`;
            req.body = JSON.stringify({ rating: 4, altcha: next.altcha });
            return req;
          },
        },
      ];
    };

    /** One autocannon run against one side, with the CPU its server and PostgreSQL spent. */
    const runOnce = async (side: Side, pathName: PathName, c: number, duration: number, amount?: number) => {
      if (pathName === 'survey') await resetSurveys(db);
      // A run ends with requests still queued in the server: let them drain before the next one.
      await waitUntilIdle([...pids.clearline, ...pids.floor], postmaster);
      const cpu = measureCpu(pids[side], postmaster);
      const began = performance.now();
      // A run of a fixed number of requests ends at autocannon's next one-second tick: its last
      // answer, not its end, closes the measured time (else a 1.1 s run counts as 2 s).
      let lastAnswer = began;
      const options: autocannon.Options = {
        url: urls[side],
        connections: c,
        ...(pathName === 'survey'
          ? { amount: amount ?? surveyRequests }
          : amount
            ? { amount }
            : { duration }),
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${data.apiToken}`,
        },
        requests: requestsFor(pathName, side).map((r) => ({
          ...r,
          setupRequest: (req, context) => {
            const next = typeof r.setupRequest === 'function' ? r.setupRequest(req, context) : req;
            next.headers = { ...next.headers, 'x-forwarded-for': nextClientAddress() };
            return next;
          },
        })),
      };
      const result = await new Promise<autocannon.Result>((resolve, reject) => {
        const run = autocannon(options, (err, done) => (err ? reject(err) : resolve(done)));
        run.on('response', () => {
          lastAnswer = performance.now();
        });
      });
      const cpuSeconds = cpu.stop();
      const elapsed = ((pathName === 'survey' || amount ? lastAnswer : performance.now()) - began) / 1000;
      const total = result.requests.total;
      return {
        reqPerSec: total / elapsed,
        p50: result.latency.p50,
        p99: result.latency.p99,
        cpuPer1k: total ? (cpuSeconds / total) * 1000 : Number.NaN,
        bad: result.non2xx + result.errors + result.timeouts,
        statuses: Object.keys(result.statusCodeStats ?? {}).join(','),
      };
    };

    const paths = args.paths.split(',').filter((p): p is PathName => p in PATHS);
    if (args['print-sql']) {
      for (const p of paths) {
        console.log(`## ${PATHS[p]}\n`);
        console.log(await logStatements(db, dataDir, () => runOnce('clearline', p, 1, 0, 1)));
      }
      return;
    }
    const warmupConnections = Math.min(32, Math.max(...connections));
    log(`warm-up: ${warmupSeconds} s per path and side at c=${warmupConnections}`);
    for (const p of paths)
      for (const side of ['clearline', 'floor'] as Side[])
        await runOnce(side, p, warmupConnections, warmupSeconds);

    const runs: Run[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const p of paths) {
        for (const c of connections) {
          // Alternate who goes first, so that a drifting machine favours neither.
          const order: Side[] = round % 2 ? ['clearline', 'floor'] : ['floor', 'clearline'];
          for (const side of order) {
            const r = await runOnce(side, p, c, seconds);
            runs.push({ side, path: p, connections: c, round, ...r });
            log(
              `round ${round} ${p} c=${c} ${side}: ${r.reqPerSec.toFixed(0)} req/s, p99 ${r.p99} ms` +
                (r.bad ? `, ${r.bad} failed (statuses ${r.statuses})` : ''),
            );
            if (r.bad) log(`${side} said:\n${(side === 'floor' ? floor : clearline).output().slice(-2000)}`);
          }
        }
      }
    }
    const report = renderReport(runs, machineBefore, readMachine());
    console.log(report);
    if (args.write) writeIntoDocs(report);
  } finally {
    await db.end().catch(() => {});
    servers[1]?.child.kill('SIGTERM');
    const clearline = servers[0]?.child;
    if (clearline && clearline.exitCode === null) {
      const exited = new Promise((r) => clearline.once('exit', r));
      clearline.kill('SIGINT');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The statements PostgreSQL logs while `fn` runs (pg-boss's own polling left out). */
async function logStatements(db: pg.Client, dataDir: string, fn: () => Promise<unknown>): Promise<string> {
  const logFile = path.join(dataDir, 'postgres.log');
  const setLogging = async (value: 'all' | 'none') => {
    await db.query(`ALTER SYSTEM SET log_statement = '${value}'`);
    await db.query('SELECT pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 500));
  };
  // The benchmark's own statements (this connection) are left out.
  const own = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
  await setLogging('all');
  const from = fs.statSync(logFile).size;
  await fn();
  await setLogging('none');
  const text = fs.readFileSync(logFile, 'utf8').slice(from);
  return (
    text
      .split(/\n(?=\d{4}-\d\d-\d\d )/)
      // pg-boss's own statements are left out, except the job insert a request makes.
      .filter(
        (entry) =>
          /LOG: {2}(statement|execute)/.test(entry) &&
          (!/pgboss/.test(entry) || /INSERT INTO pgboss\.job/.test(entry)),
      )
      .filter((entry) => !entry.includes(`[${own}]`))
      // A prepared statement's name stays in front of it: the floor prepares the same ones.
      .map((entry) => entry.replace(/^.*?LOG: {2}(?:statement: |execute <unnamed>: |execute (?=\w+: ))/, ''))
      .join('\n')
  );
}

const range = (values: number[], digits = 0) => {
  const fmt = (v: number) =>
    v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const min = Math.min(...values);
  const max = Math.max(...values);
  return fmt(min) === fmt(max) ? fmt(min) : `${fmt(min)}–${fmt(max)}`;
};

function renderReport(
  runs: Run[],
  before: ReturnType<typeof readMachine>,
  after: ReturnType<typeof readMachine>,
) {
  const busy = (before.load[0] ?? 0) > before.cpus / 2;
  const lines = [
    `Generated by \`npx tsx bench/http-load.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 10)}; do not edit by hand.`,
    '',
    ...(args.quick || busy
      ? [
          `**${args.quick ? 'Smoke run (--quick)' : 'Run'} on a ${busy ? 'loaded' : 'quiet'} machine: not a measurement.** ` +
            'Rerun without --quick on an otherwise idle machine before quoting these figures.',
          '',
        ]
      : []),
    `- Machine: ${before.model}, \`nproc\` = ${before.cpus}, Node.js ${process.version}; load average (1, 5, 15 min) before ${before.load.join(', ')}, after ${after.load.join(', ')}.`,
    `- ${rounds} interleaved round(s) after a ${warmupSeconds} s warm-up per path and side at c=${Math.min(32, Math.max(...connections))}; ${seconds} s per run (survey: ${surveyRequests} answers per run, the same surveys put back to pending before each run). Ranges are min–max over the rounds; the ratio is Clearline ÷ floor, pair by pair.`,
    `- Clearline: \`bin/clearline.js start\` with ${process.env.WEB_CONCURRENCY ?? os.availableParallelism()} web worker(s) (WEB_CONCURRENCY) on the bundled PostgreSQL, workers off, TRUST_PROXY with one client address per request, rate limits raised out of the way. Floor: bench/floor-server.ts, the same SQL on the same database, a plain-string answer, no captcha check.`,
    '- CPU s/1k: user + system seconds of the server process and every PostgreSQL process per 1,000 requests (from /proc; the load generator runs on the same machine and is not counted).',
    '',
    '| path | c | Clearline req/s | floor req/s | ratio | Clearline p50 / p99 ms | floor p50 / p99 ms | Clearline CPU s/1k | floor CPU s/1k | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let bad = 0;
  for (const p of Object.keys(PATHS) as PathName[]) {
    for (const c of connections) {
      const of = (side: Side) => runs.filter((r) => r.path === p && r.connections === c && r.side === side);
      const cl = of('clearline');
      const fl = of('floor');
      if (!cl.length || !fl.length) continue;
      const failed = [...cl, ...fl].reduce((n, r) => n + r.bad, 0);
      bad += failed;
      const ratios = cl.map((r, i) => r.reqPerSec / (fl[i] as Run).reqPerSec);
      lines.push(
        `| ${PATHS[p]} | ${c} | ${range(cl.map((r) => r.reqPerSec))} | ${range(fl.map((r) => r.reqPerSec))} | ${range(ratios, 2)} | ` +
          `${range(cl.map((r) => r.p50))} / ${range(cl.map((r) => r.p99))} | ${range(fl.map((r) => r.p50))} / ${range(fl.map((r) => r.p99))} | ` +
          `${range(
            cl.map((r) => r.cpuPer1k),
            2,
          )} | ${range(
            fl.map((r) => r.cpuPer1k),
            2,
          )} | ${failed} |`,
      );
    }
  }
  lines.push(
    '',
    bad
      ? `**${bad} requests failed or answered non-2xx: the figures above are not valid.**`
      : 'Every request answered 2xx.',
  );
  return lines.join('\n');
}

const BEGIN = '<!-- http-load: begin (written by bench/http-load.ts --write) -->';
const END = '<!-- http-load: end -->';

function writeIntoDocs(report: string) {
  const file = path.join(root, 'docs/benchmarks.md');
  const text = fs.readFileSync(file, 'utf8');
  const section = `${BEGIN}\n## HTTP load: Clearline against the floor (issue 11)\n\n${report}\n${END}`;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + section + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}

await main();
