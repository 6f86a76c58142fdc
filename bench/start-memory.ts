/**
 * Start time and idle memory (issue 11, points 7 and 8). Not part of `npm test`.
 *
 *   npx tsx bench/start-memory.ts [--runs 5] [--cold-runs 3] [--idle-seconds 20]
 *
 * Start: `npm start` (as an operator types it) until the first 200 of `/api/health`, polled every
 * 10 ms; stopped with SIGINT to its process group, as Ctrl-C does. Warm: one DATA_DIR, a first
 * start not counted. Cold: a new, empty DATA_DIR each run (initdb, migrations). Medians, with the
 * CPU seconds the process tree spent until that answer (what a busy machine cannot inflate).
 * Memory: a warm start, `POST /api/v1/setup`, `/app/` loaded, then idle; the PSS of every process
 * of the tree from /proc/<pid>/smaps_rollup, by kind. WEB_CONCURRENCY etc. come from the environment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readMachine, treeCpuSeconds } from './http-load-machine.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const RUNS = option('runs', 5);
const COLD_RUNS = option('cold-runs', 3);
const IDLE_SECONDS = option('idle-seconds', 20);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Started {
  child: ChildProcess;
  dataDir: string;
  port: number;
  ms: number;
  /** CPU seconds of the whole tree (npm, node, PostgreSQL) until the first answer. */
  cpu: number;
}

async function start(dataDir: string): Promise<Started> {
  const port = await freePort();
  const began = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok)
      return {
        child,
        dataDir,
        port,
        ms: performance.now() - began,
        cpu: treeCpuSeconds(child.pid as number),
      };
    await sleep(10);
  }
}

async function stop({ child, dataDir }: Started) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-(child.pid as number), 'SIGINT');
  await exited;
  // npm exits once its child has; the app's PostgreSQL is stopped before the app exits.
  while (fs.existsSync(path.join(dataDir, 'clearline.pid'))) await sleep(20);
}

async function timed(dataDir: string): Promise<{ ms: number; cpu: number }> {
  const started = await start(dataDir);
  await stop(started);
  return started;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), 'clsm-'));

function processTree(rootPid: number): { pid: number; name: string }[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: { pid: number; name: string }[] = [];
  const visit = (pid: number) => {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    out.push({ pid, name: cmdline.join(' ') });
    for (const child of parents.get(pid) ?? []) visit(child);
  };
  visit(rootPid);
  return out;
}

const pssMb = (pid: number) =>
  Number(/^Pss:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;

function kindOf(name: string): string {
  if (name.startsWith('npm') || name.startsWith('sh -c')) return 'npm + sh (launcher)';
  if (name.includes('postgres')) return 'postgres';
  if (name.includes('esbuild')) return 'esbuild';
  if (name.includes('bin/clearline.js')) return 'node: clearline start';
  return `node: ${name.split('/').pop()}`;
}

async function memory(dataDir: string) {
  const started = await start(dataDir);
  const base = `http://127.0.0.1:${started.port}`;
  const setup = await fetch(`${base}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      accountName: 'Bench',
      projectName: 'Help desk',
      name: 'Ada Owner',
      email: 'ada@example.com',
      password: 'correct horse battery',
    }),
  });
  if (setup.status !== 201) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
  for (let i = 0; i < 4; i++) await (await fetch(`${base}/app/`)).text();
  await sleep(IDLE_SECONDS * 1000);
  const byKind = new Map<string, { count: number; mb: number }>();
  for (const { pid, name } of processTree(started.child.pid as number)) {
    const kind = kindOf(name);
    const entry = byKind.get(kind) ?? { count: 0, mb: 0 };
    byKind.set(kind, { count: entry.count + 1, mb: entry.mb + pssMb(pid) });
  }
  await stop(started);
  return byKind;
}

const machine = readMachine();
console.log(
  `${machine.model}, nproc ${machine.cpus}, Node.js ${process.version}; load before ${machine.load.join(', ')}; WEB_CONCURRENCY=${process.env.WEB_CONCURRENCY ?? '(default)'}`,
);
const warmDir = scratch();
await timed(warmDir);
const warm: { ms: number; cpu: number }[] = [];
for (let i = 0; i < RUNS; i++) warm.push(await timed(warmDir));
const cold: { ms: number; cpu: number }[] = [];
for (let i = 0; i < COLD_RUNS; i++) cold.push(await timed(scratch()));
for (const [name, runs] of [
  ['warm', warm],
  ['cold', cold],
] as const) {
  console.log(
    `${name} start ms: ${runs.map((r) => Math.round(r.ms)).join(', ')}; median ${Math.round(median(runs.map((r) => r.ms)))}; CPU s until the first answer, median ${median(runs.map((r) => r.cpu)).toFixed(2)}`,
  );
}
const byKind = await memory(warmDir);
let app = 0;
for (const [kind, { count, mb }] of byKind) {
  console.log(`PSS ${kind} ×${count}: ${mb.toFixed(1)} MB`);
  if (kind !== 'npm + sh (launcher)') app += mb;
}
console.log(`PSS app + PostgreSQL: ${app.toFixed(1)} MB; load after ${readMachine().load.join(', ')}`);
