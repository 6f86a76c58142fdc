import cluster from 'node:cluster';
import { once } from 'node:events';
import path from 'node:path';
import { expect, it } from 'vitest';
import { answerWorker, RateLimitCounter } from '../src/server/cluster-ipc.js';

interface Message {
  clearline?: string;
  body?: { counts?: unknown[] };
  counts?: number[];
}

// A real cluster worker (tests/fixtures/cluster/rate-limit-worker.ts) and the primary's side of
// src/server/cluster.ts: answerWorker with a RateLimitCounter.
it('rate-limit counts a worker asks for in one turn travel in one message and are each counted once, in order', async () => {
  const counter = new RateLimitCounter();
  cluster.setupPrimary({
    exec: path.join(import.meta.dirname, 'fixtures/cluster/rate-limit-worker.ts'),
    execArgv: ['--import', 'tsx'],
  });
  const worker = cluster.fork();
  answerWorker(worker, (question) =>
    question.kind === 'rate-limits' ? counter.count(question.counts) : null,
  );
  const asked: number[] = [];
  const answered = new Promise<number[]>((resolve) => {
    worker.on('message', (message: Message) => {
      if (message.clearline === 'ask') asked.push(message.body?.counts?.length ?? 0);
      else if (message.counts) resolve(message.counts);
    });
  });
  const counts = await answered;
  worker.kill();
  await once(worker, 'exit');
  expect(asked).toEqual([20]);
  // Even and odd keys alternate: each key's counts go 1, 2, … 10 in the order asked.
  expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => Math.floor(i / 2) + 1));
});
