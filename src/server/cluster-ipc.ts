import type { Worker } from 'node:cluster';

/**
 * What the web workers of `clearline start` ask the cluster primary (src/server/cluster.ts) over
 * Node's IPC channel: whether the bundled database is up, and the rate-limit counts, which the
 * primary alone holds so that every limit stays exact across workers without Redis. Light on
 * purpose: the primary loads this, not the app.
 */
/** Set by the primary on the one web worker that also runs the background jobs (and IMAP watchers). */
export const JOBS_WORKER_ENV = 'CLEARLINE_JOBS_WORKER';

export type Question =
  | { kind: 'database' }
  /** Every count a worker asked for in one turn of its event loop, answered in the same order. */
  | { kind: 'rate-limits'; counts: { key: string; timeWindow: number }[] }
  /** Sent once the worker listens; answered with nothing. */
  | { kind: 'ready'; port: number; smtpPort: number | null };

export interface RateLimitCount {
  current: number;
  ttl: number;
}

interface Envelope {
  clearline: 'ask' | 'answer';
  id: number;
  body: unknown;
}
const isEnvelope = (message: unknown): message is Envelope =>
  typeof message === 'object' && message !== null && 'clearline' in message;

let lastId = 0;
const waiting = new Map<number, (body: unknown) => void>();

function onAnswer(message: unknown) {
  if (!isEnvelope(message) || message.clearline !== 'answer') return;
  waiting.get(message.id)?.(message.body);
  waiting.delete(message.id);
}

/** In a worker: asks the primary and resolves with its answer. */
export function askPrimary(question: { kind: 'database' }): Promise<void>;
export function askPrimary(question: {
  kind: 'rate-limits';
  counts: { key: string; timeWindow: number }[];
}): Promise<RateLimitCount[]>;
export function askPrimary(question: Question): Promise<unknown>;
export function askPrimary(question: Question): Promise<unknown> {
  const send = process.send?.bind(process);
  if (!send) return Promise.reject(new Error('Not a cluster worker: there is no primary to ask.'));
  if (!process.listeners('message').includes(onAnswer)) process.on('message', onAnswer);
  return new Promise((resolve, reject) => {
    const id = ++lastId;
    waiting.set(id, resolve);
    send({ clearline: 'ask', id, body: question } satisfies Envelope, undefined, {}, (err) => {
      if (!err) return;
      waiting.delete(id);
      reject(err);
    });
  });
}

/** In the primary: answers a worker's questions with `answer` (which may take its time). */
export function answerWorker(worker: Worker, answer: (question: Question) => unknown) {
  worker.on('message', async (message: unknown) => {
    if (!isEnvelope(message) || message.clearline !== 'ask') return;
    // An answer that fails (the database did not start) is never sent: the primary is stopping.
    const body = await Promise.resolve(answer(message.body as Question)).catch(() => undefined);
    if (body === undefined) return;
    if (worker.isConnected()) worker.send({ clearline: 'answer', id: message.id, body } satisfies Envelope);
  });
}

/**
 * The primary's counts: one fixed window per key (as @fastify/rate-limit's own stores count),
 * never evicted while it runs, so a limit is exact whatever the number of keys; ended windows
 * are dropped each minute.
 */
export class RateLimitCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  constructor() {
    setInterval(() => {
      const now = Date.now();
      for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    }, 60_000).unref();
  }

  /** Counts one request for each key, one after another in the order given. */
  count(counts: { key: string; timeWindow: number }[]): RateLimitCount[] {
    const now = Date.now();
    return counts.map(({ key, timeWindow }) => {
      let window = this.windows.get(key);
      if (!window || window.endsAt <= now) {
        window = { count: 0, endsAt: now + timeWindow };
        this.windows.set(key, window);
      }
      window.count++;
      return { current: window.count, ttl: window.endsAt - now };
    });
  }
}

type Done = (err: Error | null, count?: RateLimitCount) => void;
let asked: { key: string; timeWindow: number; done: Done }[] = [];

/**
 * Sends the counts asked for since the last turn of the event loop in one message: under load the
 * requests read in one turn (and the second key of each) share a round trip instead of one each.
 * The primary counts them one by one, in order, so every limit stays exact.
 */
function flushCounts() {
  const batch = asked;
  asked = [];
  askPrimary({ kind: 'rate-limits', counts: batch.map(({ key, timeWindow }) => ({ key, timeWindow })) }).then(
    (counts) => {
      for (const [i, { done }] of batch.entries()) done(null, counts[i]);
    },
    (err: Error) => {
      for (const { done } of batch) done(err);
    },
  );
}

/** @fastify/rate-limit's store in a web worker: each count is the primary's (see RateLimitCounter). */
export class ClusterRateLimitStore {
  constructor(
    _options?: unknown,
    private readonly prefix = '',
  ) {}

  /** The plugin passes the route's window (its published types omit it). */
  incr(key: string, done: Done, timeWindow = 60_000) {
    if (asked.length === 0) setImmediate(flushCounts);
    asked.push({ key: this.prefix + key, timeWindow, done });
  }

  /** A route's own limit counts apart from the others, as with Redis. The plugin passes its merged options. */
  child(options: object) {
    const route = (options as { routeInfo?: { method?: string; url?: string } }).routeInfo ?? {};
    return new ClusterRateLimitStore(undefined, `${this.prefix}${route.method ?? ''}${route.url ?? ''}-`);
  }
}
