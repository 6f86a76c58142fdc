import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  cleanUpClearline,
  findPostgresProcesses,
  findProcesses,
  isAlive,
  makeDataDir,
  type RunningServer,
  readPostmasterPid,
  spawnClearline,
  startClearline,
  waitFor,
} from '../../../tests/helpers/server-process.js';
import { startBundledPostgres } from './bundled-postgres.js';

// These tests run the real CLI, each on a data dir of its own: they never use TEST_DATABASE_URL.
// A start takes 1–3 s on an idle machine, far more on a busy CI runner.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const setupBody = {
  accountName: 'Acme Support',
  projectName: 'Help desk',
  name: 'Ada Owner',
  email: 'ada@example.com',
  password: 'correct horse battery',
};

const get = (server: RunningServer, url: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${url}`, { headers });
const postSetup = (server: RunningServer) =>
  fetch(`${server.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(setupBody),
  });

/** Runs one query on a PostgreSQL through its connection, then disconnects. */
async function query<T extends pg.QueryResultRow>(connection: pg.ClientConfig, text: string): Promise<T[]> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}
/** The unix socket in DATA_DIR/pg is the only way in; root may use it. */
const socketOf = (dataDir: string): pg.ClientConfig => ({
  host: path.join(dataDir, 'pg'),
  port: 54320,
  user: 'postgres',
  database: 'postgres',
});

/** Inodes of the sockets a process holds open (/proc/PID/fd → "socket:[inode]"). */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = fs.readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // Closed meanwhile.
    }
  }
  return inodes;
}

/** Rows of a /proc/net table whose inode column is one of `inodes`. */
function rowsOwnedBy(table: string, inodes: Set<string>, inodeColumn: number): string[][] {
  if (!fs.existsSync(table)) return [];
  return fs
    .readFileSync(table, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => inodes.has(cols[inodeColumn] ?? ''));
}

describe('a running clearline start', () => {
  let dataDir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dataDir = makeDataDir();
    server = await startClearline(dataDir);
  });
  afterAll(cleanUpClearline);

  it('prints where the data is, the URL it answers on, and how long start-up took', async () => {
    const ready = server.readyLine.match(
      /^Clearline is ready on http:\/\/localhost:(\d+) \(bundled PostgreSQL, data in (.+)\); started in (\d+) ms\.$/,
    );
    expect(ready, server.readyLine).not.toBeNull();
    const [, port, printedDir, ms] = ready as RegExpMatchArray;
    expect(Number(port)).toBeGreaterThan(0);
    expect(printedDir).toBe(dataDir);
    expect(Number(ms)).toBeGreaterThan(0);
    expect(Number(ms)).toBeLessThanOrEqual(server.wallMs);

    const health = await get(server, '/api/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'bundled' });
  });

  it('never listens on TCP: listen_addresses is empty and postgres holds no TCP socket', async () => {
    const [row] = await query<{ listen_addresses: string }>(socketOf(dataDir), 'SHOW listen_addresses');
    expect(row?.listen_addresses).toBe('');

    const postmaster = readPostmasterPid(dataDir) as number;
    // The check does see the postmaster's sockets: its unix socket in DATA_DIR/pg is among them.
    const unix = rowsOwnedBy('/proc/net/unix', socketInodes(postmaster), 6);
    expect(unix.map((cols) => cols[7])).toContain(path.join(dataDir, 'pg', '.s.PGSQL.54320'));
    const postgres = findPostgresProcesses(dataDir);
    expect(postgres).toContain(postmaster);
    for (const pid of postgres) {
      const inodes = socketInodes(pid);
      expect(rowsOwnedBy('/proc/net/tcp', inodes, 9)).toEqual([]);
      expect(rowsOwnedBy('/proc/net/tcp6', inodes, 9)).toEqual([]);
    }
  });

  it('a second start on the same data dir refuses, naming it, and the first keeps serving', async () => {
    const postmaster = readPostmasterPid(dataDir);
    const second = spawnClearline('start', dataDir);
    const exit = await second.exited;
    expect(exit.code, second.stdout() + second.stderr()).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(second.stderr()).toContain(`Clearline is already running on the data directory ${dataDir}`);
    expect(second.stdout()).not.toContain('Clearline is ready');

    expect(readPostmasterPid(dataDir)).toBe(postmaster);
    expect(isAlive(postmaster as number)).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, 'clearline.pid'), 'utf8').split(' ')[0]).toBe(
      String(server.pid),
    );
    expect((await get(server, '/api/health')).status).toBe(200);
    expect((await postSetup(server)).status).toBe(201);
  });
  it('keeps serving when PostgreSQL closes its idle connections', async () => {
    expect((await get(server, '/api/health')).status).toBe(200);
    const terminated = await query<{ pid: number }>(
      socketOf(dataDir),
      `WITH app AS MATERIALIZED (
         SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
       ) SELECT pid FROM app WHERE pg_terminate_backend(pid)`,
    );
    expect(terminated.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.child.exitCode, server.stderr()).toBeNull();
    expect((await get(server, '/api/health')).status).toBe(200);
  });
});

describe('stopping', () => {
  afterEach(cleanUpClearline);

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops PostgreSQL cleanly: exit 0, no postgres left, lock released, clean shutdown logged',
    async (signal) => {
      const dataDir = makeDataDir();
      const server = await startClearline(dataDir);
      expect(findPostgresProcesses(dataDir)).toContain(readPostmasterPid(dataDir));
      expect(fs.readFileSync(path.join(dataDir, 'clearline.pid'), 'utf8').split(' ')[0]).toBe(
        String(server.pid),
      );

      server.child.kill(signal);
      expect(await server.exited, server.stdout() + server.stderr()).toEqual({ code: 0, signal: null });
      expect(findPostgresProcesses(dataDir)).toEqual([]);
      expect(fs.existsSync(path.join(dataDir, 'clearline.pid'))).toBe(false);
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      const log = fs.readFileSync(path.join(dataDir, 'postgres.log'), 'utf8');
      expect(log).toContain('received fast shutdown request');
      expect(log.trimEnd().split('\n').at(-1)).toMatch(/database system is shut down$/);
    },
  );
});

describe('recovery', () => {
  afterEach(cleanUpClearline);

  it('after a SIGKILL the next start stops the orphaned postgres and keeps every acknowledged write', async () => {
    const dataDir = makeDataDir();
    const first = await startClearline(dataDir);
    const setup = await postSetup(first);
    expect(setup.status).toBe(201);
    const { token } = (await setup.json()) as { token: string };
    const orphan = readPostmasterPid(dataDir) as number;

    first.child.kill('SIGKILL');
    await first.exited;
    expect(isAlive(orphan)).toBe(true);

    const second = await startClearline(dataDir);
    expect(isAlive(orphan)).toBe(false);
    expect(readPostmasterPid(dataDir)).not.toBe(orphan);
    // The web root no longer offers the first-run form.
    const home = await fetch(`${second.url}/`, { redirect: 'manual' });
    expect(await home.text()).not.toContain('action="/setup"');
    expect((await postSetup(second)).status).toBe(409);
    const me = await get(second, '/api/v1/me', { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    const body = (await me.json()) as { user: { email: string }; account: { name: string } };
    expect([body.user.email, body.account.name]).toEqual([setupBody.email, setupBody.accountName]);
  });

  it('a start killed during the first initialisation leaves nothing half-made, even to a start right after', async () => {
    const dataDir = makeDataDir();
    const scratch = path.join(dataDir, 'pg.initialising');
    const first = spawnClearline('start', dataDir);
    // Kill while initdb is at work: it outlives the app for a moment.
    await waitFor(() => fs.existsSync(path.join(scratch, 'base')), 90_000);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(fs.existsSync(path.join(dataDir, 'pg'))).toBe(false);

    // The next start, without the CLI's load time, so that it meets the orphaned initdb.
    const bundled = await startBundledPostgres(dataDir);
    try {
      expect(fs.existsSync(scratch)).toBe(false);
      expect(findProcesses('initdb', scratch)).toEqual([]);
      const databases = await query<{ datname: string }>(
        bundled.connection,
        'SELECT datname FROM pg_database',
      );
      expect(databases.map((d) => d.datname).sort()).toEqual(['postgres', 'template0', 'template1']);
    } finally {
      await bundled.stop();
    }
  });

  it('a lock file naming a dead process never blocks a start: a zombie, or a pid now used by another process', async () => {
    const dataDir = makeDataDir();
    const lockFile = path.join(dataDir, 'clearline.pid');
    // The forked child exits at once and its parent never waits for it: a zombie until the parent dies.
    const parent = spawn(
      'perl',
      ['-e', '$| = 1; my $pid = fork(); exit 0 unless $pid; print "$pid\\n"; sleep 600'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let printed = '';
    parent.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      printed += chunk;
    });
    const zombie = Number(await waitFor(() => /^\d+\n/.exec(printed)?.[0]));
    await waitFor(() => fs.readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]?.startsWith('Z'));
    expect(isAlive(zombie)).toBe(true);
    try {
      // As a killed app leaves it: the pid and the start time it had.
      const startTime = fs.readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]?.split(' ')[19];
      fs.writeFileSync(lockFile, `${zombie} ${startTime}`);
      const first = await startClearline(dataDir);
      first.child.kill('SIGTERM');
      expect((await first.exited).code).toBe(0);
    } finally {
      parent.kill('SIGKILL');
    }

    // A live process that is not the one recorded: same pid, another start time.
    fs.writeFileSync(lockFile, `${process.pid} 1`);
    const second = await startClearline(dataDir);
    expect(fs.readFileSync(lockFile, 'utf8').split(' ')[0]).toBe(String(second.pid));
    expect((await get(second, '/api/health')).status).toBe(200);
  });

  it('a leftover pg.initialising with junk in it does not stop the first start', async () => {
    const dataDir = makeDataDir();
    const scratch = path.join(dataDir, 'pg.initialising');
    fs.mkdirSync(path.join(scratch, 'base'), { recursive: true });
    fs.writeFileSync(path.join(scratch, 'PG_VERSION'), 'junk\n');

    const server = await startClearline(dataDir);
    expect(fs.existsSync(scratch)).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, 'pg', 'PG_VERSION'), 'utf8')).not.toContain('junk');
    expect(await (await get(server, '/')).text()).toContain('action="/setup"');
    expect((await postSetup(server)).status).toBe(201);
  });
});

describe('clearline migrate', () => {
  afterEach(cleanUpClearline);

  it('applies every migration and exits 0, leaving no postgres running', async () => {
    const dataDir = makeDataDir();
    const migrate = spawnClearline('migrate', dataDir);
    const exit = await migrate.exited;
    expect(exit, migrate.stdout() + migrate.stderr()).toEqual({ code: 0, signal: null });
    expect(migrate.stdout()).toContain('Migrations applied.');
    expect(findPostgresProcesses(dataDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'clearline.pid'))).toBe(false);

    const journal = JSON.parse(
      fs.readFileSync(new URL('./migrations/meta/_journal.json', import.meta.url), 'utf8'),
    ) as { entries: unknown[] };
    const bundled = await startBundledPostgres(dataDir);
    try {
      const [applied] = await query<{ n: number }>(
        bundled.connection,
        'SELECT count(*)::int AS n FROM public.__drizzle_migrations',
      );
      const [queue] = await query<{ installed: boolean }>(
        bundled.connection,
        "SELECT to_regclass('pgboss.version') IS NOT NULL AS installed",
      );
      expect(applied?.n).toBe(journal.entries.length);
      expect(queue?.installed).toBe(true);
    } finally {
      await bundled.stop();
    }
  });
});
