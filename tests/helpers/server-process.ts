import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A real `clearline` process, its output so far and its exit. */
export interface ClearlineProcess {
  child: ChildProcess;
  pid: number;
  dataDir: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
}

export interface RunningServer extends ClearlineProcess {
  /** The URL printed by the ready line. */
  url: string;
  readyLine: string;
  /** Milliseconds from spawn to the ready line, measured by the test. */
  wallMs: number;
}

const spawned = new Set<ClearlineProcess>();
const dataDirs = new Set<string>();

/** A fresh, short data directory (the unix socket path must stay under 108 bytes). */
export function makeDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clp-'));
  dataDirs.add(dir);
  return dir;
}

type Command = 'start' | 'worker' | 'migrate' | 'backup' | 'restore' | 'analytics';

/**
 * Spawns the CLI the way an operator does: by default `start` and `worker` through `node --import tsx`
 * src/server/cli.ts (signals reach our process directly), the others through the published
 * `bin/clearline.js`, which runs the bundle (`runs`). Uses the bundled database unless `settings`
 * names a DATABASE_URL; `settings` override the environment.
 */
export function spawnClearline(
  command: Command,
  dataDir: string,
  settings: Record<string, string> = {},
  extraArgs: string[] = [],
  runs: 'sources' | 'bundle' = command === 'start' || command === 'worker' ? 'sources' : 'bundle',
): ClearlineProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  // One web process unless a test asks for the cluster (WEB_CONCURRENCY).
  const defaults = {
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WEB_CONCURRENCY: '1',
  };
  Object.assign(env, defaults, settings);
  const args =
    runs === 'sources'
      ? ['--import', 'tsx', 'src/server/cli.ts', command, ...extraArgs]
      : ['bin/clearline.js', command, ...extraArgs];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const proc: ClearlineProcess = {
    child,
    pid: child.pid ?? -1,
    dataDir,
    stdout: () => out,
    stderr: () => err,
    exited,
  };
  spawned.add(proc);
  return proc;
}

const READY = /Clearline is ready on (http:\/\/\S+) .*$/m;
const WORKER_READY = /Clearline worker is running .*$/m;

/** Starts `clearline start` and waits for its ready line. */
export async function startClearline(
  dataDir: string,
  timeoutMs = 90_000,
  settings: Record<string, string> = {},
  runs: 'sources' | 'bundle' = 'sources',
): Promise<RunningServer> {
  const began = Date.now();
  const proc = spawnClearline('start', dataDir, settings, [], runs);
  let exit: Exit | null = null;
  void proc.exited.then((e) => {
    exit = e;
  });
  const match = await waitFor(() => {
    if (exit) {
      throw new Error(
        `clearline start exited (${exit.code ?? exit.signal}) before it was ready:\n${proc.stdout()}${proc.stderr()}`,
      );
    }
    return proc.stdout().match(READY);
  }, timeoutMs);
  return { ...proc, url: match[1] as string, readyLine: match[0], wallMs: Date.now() - began };
}

type Falsy = null | undefined | false;

/** Starts `clearline worker` and waits until it says it is running. */
export async function startWorker(dataDir: string, settings: Record<string, string>, timeoutMs = 90_000) {
  const proc = spawnClearline('worker', dataDir, settings);
  await waitFor(() => {
    if (proc.child.exitCode !== null) {
      throw new Error(`clearline worker exited (${proc.child.exitCode}):\n${proc.stdout()}${proc.stderr()}`);
    }
    return WORKER_READY.test(proc.stdout());
  }, timeoutMs);
  return proc;
}

/** Polls `check` (sync or async) until it returns a truthy value (or throws what `check` throws). */
export async function waitFor<T>(
  check: () => T | Falsy | Promise<T | Falsy>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster recorded in DATA_DIR/pg/postmaster.pid, if any. */
export function readPostmasterPid(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8'), 10);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Live processes of `binary` (postgres, initdb) whose command line names `dir`. */
export function findProcesses(binary: 'postgres' | 'initdb', dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith(`/${binary}`) && argv.includes(dir)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** The postmaster and backends serving DATA_DIR/pg. */
export const findPostgresProcesses = (dataDir: string) => findProcesses('postgres', path.join(dataDir, 'pg'));

function kill(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Kills every process spawned here and anything left running on their data dirs, then removes the dirs. */
export async function cleanUpClearline(): Promise<void> {
  for (const proc of spawned) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    await proc.exited;
  }
  spawned.clear();
  for (const dir of dataDirs) {
    const postmaster = readPostmasterPid(dir);
    if (postmaster !== null && findPostgresProcesses(dir).includes(postmaster)) {
      kill(postmaster, 'SIGQUIT');
      await waitFor(() => !isAlive(postmaster), 10_000).catch(() => {});
    }
    const leftovers = () => [
      ...findPostgresProcesses(dir),
      ...findProcesses('initdb', path.join(dir, 'pg.initialising')),
    ];
    for (const pid of leftovers()) kill(pid, 'SIGKILL');
    await waitFor(() => leftovers().length === 0, 10_000).catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
  dataDirs.clear();
}

/** First-run setup of a spawned server through its HTTP API: the owner's API token and the first project. */
export async function setUpOverHttp(url: string): Promise<{ token: string; projectId: string }> {
  const setup = await fetch(`${url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      accountName: 'Acme Support',
      projectName: 'Help desk',
      name: 'Ada Owner',
      email: 'ada@example.com',
      password: 'correct horse battery',
    }),
  });
  if (setup.status !== 201) throw new Error(`setup answered ${setup.status}: ${await setup.text()}`);
  return (await setup.json()) as { token: string; projectId: string };
}
