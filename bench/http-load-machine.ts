/** The machine a benchmark ran on, and the CPU time processes spent, both from /proc (Linux). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

export function readMachine() {
  const model =
    /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
  return {
    model: model ?? 'unknown CPU',
    cpus: os.availableParallelism(),
    load: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

interface Stat {
  ppid: number;
  /** utime + stime of the process itself. */
  own: number;
  /** cutime + cstime: children it has reaped (PostgreSQL's exited backends land here). */
  reaped: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: field 3 is index 0.
    const f = text
      .slice(text.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return {
      ppid: f[1] as number,
      own: (f[11] as number) + (f[12] as number),
      reaped: (f[13] as number) + (f[14] as number),
    };
  } catch {
    return null;
  }
}

/** CPU seconds spent by `root` and all its descendants, living or reaped. */
export const treeCpuSeconds = (root: number) => treeTicks(root) / TICKS_PER_SECOND;

/** Ticks spent by `root` and all its descendants, living or reaped. */
function treeTicks(root: number): number {
  const stats = new Map<number, Stat>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  let ticks = 0;
  const visit = (pid: number) => {
    const stat = stats.get(pid);
    if (!stat) return;
    ticks += stat.own + stat.reaped;
    for (const [child, s] of stats) if (s.ppid === pid) visit(child);
  };
  visit(root);
  return ticks;
}

/** `pid` and the node processes it forked (a cluster primary's web workers). */
export function withNodeChildren(pid: number): number[] {
  const children = fs.readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      return (
        readStat(Number(entry))?.ppid === pid &&
        fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'node'
      );
    } catch {
      return false;
    }
  });
  return [pid, ...children.map(Number)];
}

/**
 * Starts counting the CPU seconds of server processes (themselves only) and of the whole PostgreSQL
 * tree (postmaster, backends, background workers); `stop()` returns the seconds spent since.
 */
export function measureCpu(serverPids: number[], postmasterPid: number) {
  const ticks = () =>
    serverPids.reduce((sum, pid) => sum + (readStat(pid)?.own ?? 0), 0) + treeTicks(postmasterPid);
  const start = ticks();
  return { stop: () => (ticks() - start) / TICKS_PER_SECOND };
}

/** Waits (at most 30 s) until the servers and PostgreSQL use less than 5% of a core over 250 ms. */
export async function waitUntilIdle(serverPids: number[], postmasterPid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const meter = measureCpu(serverPids, postmasterPid);
    await new Promise((r) => setTimeout(r, 250));
    if (meter.stop() < 0.0125) return;
  }
}
