import fs from 'node:fs';
import http from 'node:http';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  cleanUpClearline,
  findPostgresProcesses,
  isAlive,
  makeDataDir,
  type RunningServer,
  startClearline,
  waitFor,
} from './helpers/server-process.js';

// `clearline start` with WEB_CONCURRENCY=2, as real processes: a cluster primary owning the bundled
// PostgreSQL and two web workers sharing the port, without Redis.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

afterAll(cleanUpClearline);

/** The node processes the primary forked (not PostgreSQL, nor the esbuild service tsx may run). */
function workersOf(primary: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
        return ppid === primary && comm === 'node' ? [Number(entry)] : [];
      } catch {
        return [];
      }
    });
}

/**
 * One request on a connection of its own: the primary hands each new connection to the next
 * worker in turn, so consecutive requests are served by the workers alternately.
 */
function postSetup(server: RunningServer): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${server.url}/api/v1/setup`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end('{}');
  });
}

describe('clearline start with WEB_CONCURRENCY=2 and no Redis', () => {
  let server: RunningServer;

  it('runs two web workers, and a rate limit counted across them is exact: 10 of 20 setup attempts sent at once from one address pass', async () => {
    server = await startClearline(makeDataDir(), 90_000, { WEB_CONCURRENCY: '2' });
    expect(server.readyLine).toContain('2 web workers');
    expect(workersOf(server.pid)).toHaveLength(2);
    // The setup API allows 10 a minute per address; an empty body is refused with 400 once counted.
    // Sent at once, the workers ask for several counts in one message (src/server/cluster-ipc.ts):
    // each must still be counted once, in turn.
    const statuses = await Promise.all(Array.from({ length: 20 }, () => postSetup(server)));
    expect(statuses.filter((s) => s === 400)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });

  it('a web worker that dies is replaced, and the app keeps answering', async () => {
    const [victim] = workersOf(server.pid) as [number];
    process.kill(victim, 'SIGKILL');
    await waitFor(() => {
      const workers = workersOf(server.pid);
      return workers.length === 2 && !workers.includes(victim);
    }, 60_000);
    await waitFor(async () => (await fetch(`${server.url}/api/health`)).status === 200, 60_000);
    expect(server.stderr()).toContain('exited (SIGKILL); starting another');
  });

  it('SIGTERM to the primary stops the workers, then PostgreSQL, and exits 0', async () => {
    const workers = workersOf(server.pid);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    for (const pid of workers) expect(isAlive(pid)).toBe(false);
    expect(findPostgresProcesses(server.dataDir)).toEqual([]);
    expect(fs.existsSync(`${server.dataDir}/clearline.pid`)).toBe(false);
  });
});
