import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { answerWorker, JOBS_WORKER_ENV, type Question, RateLimitCounter } from './cluster-ipc.js';
import type { Config } from './config.js';
import { type BundledPostgres, DataDirError, startBundledPostgres } from './db/bundled-postgres.js';
import { resolveSecretKey } from './secret-key.js';

/**
 * `clearline start` with WEB_CONCURRENCY > 1: this process is the cluster primary (Node's
 * `cluster`: the workers share the listening sockets, which the primary hands out in turn). It
 * loads no app code: it owns the bundled PostgreSQL (started while the workers load), the
 * SECRET_KEY file and the rate-limit counts the workers ask for, and forks WEB_CONCURRENCY web
 * workers (src/server/main.ts `start`), the first of which also runs the jobs unless
 * RUN_WORKERS=false; the others are forked once it serves. A worker that dies after it was ready is replaced; one that dies before stops
 * everything (a bad setting or a taken port would only die again).
 */
export async function startCluster(config: Config): Promise<void> {
  const began = performance.now();
  let bundled: BundledPostgres | null = null;
  let stopping = false;
  const counter = new RateLimitCounter();

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    // Each worker stops as on its own SIGTERM: HTTP drained, jobs finished, pool closed.
    for (const worker of workers) worker.process.kill('SIGTERM');
    await Promise.all(workers.map((worker) => (worker.isDead() ? null : once(worker, 'exit'))));
    await bundled?.stop();
    process.exit(code);
  };
  const fail = (message: unknown) => {
    console.error(message);
    void stopAll(1);
  };

  // The workers wait for it (and the SECRET_KEY file, written once into DATA_DIR) before they open it.
  const database = (config.databaseUrl ? Promise.resolve() : startBundledPostgres(config.dataDir)).then(
    (started) => {
      if (started) {
        bundled = started;
        started.onUnexpectedExit((code) =>
          fail(
            `The bundled PostgreSQL exited unexpectedly (code ${code}); see ${config.dataDir}/postgres.log.`,
          ),
        );
      }
      resolveSecretKey(config);
    },
  );
  database.catch((err) => fail(err instanceof DataDirError ? err.message : err));

  const ready = new Set<Worker>();
  const answer = (worker: Worker, question: Question) => {
    switch (question.kind) {
      case 'database':
        return database.then(() => true);
      case 'rate-limits':
        return counter.count(question.counts);
      case 'ready':
        ready.add(worker);
        // The first worker alone migrates and creates the job queues (pg-boss deadlocks when several
        // create the same new queue at once); the others start once it serves, unless a stop began
        // meanwhile (it serves before it is ready: a worker forked then would outlive this process).
        if (ready.size === 1 && !announced && !stopping)
          for (let i = 1; i < config.webConcurrency; i++) fork(false);
        if (ready.size === config.webConcurrency) announce(question);
        return null;
    }
  };
  let announced = false;
  const announce = ({ port, smtpPort }: { port: number; smtpPort: number | null }) => {
    if (announced) return;
    announced = true;
    const where = config.databaseUrl
      ? 'external PostgreSQL (DATABASE_URL)'
      : `bundled PostgreSQL, data in ${config.dataDir}`;
    if (smtpPort !== null) console.log(`Inbound SMTP listener on port ${smtpPort}.`);
    console.log(
      `Clearline is ready on http://localhost:${port} (${where}; ${config.webConcurrency} web workers); started in ${Math.round(performance.now() - began)} ms.`,
    );
  };

  // V8 grows each young-generation semi-space to 16 MB and keeps it: capped at 4 MB, an idle worker
  // holds about 25 MB less (docs/benchmarks.md, issue 11 point 8). The flag given to node itself comes later and wins.
  cluster.setupPrimary({ execArgv: ['--max-semi-space-size=4', ...process.execArgv] });
  const fork = (runsJobs: boolean) => {
    const worker = cluster.fork(runsJobs ? { [JOBS_WORKER_ENV]: '1' } : {});
    answerWorker(worker, (question) => answer(worker, question));
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      if (!ready.delete(worker)) return fail(`A web worker exited (${signal ?? code}) before it was ready.`);
      console.error(`Web worker ${worker.process.pid} exited (${signal ?? code}); starting another.`);
      fork(runsJobs);
    });
  };
  fork(config.runWorkers);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!stopping) console.log(`${signal} received: stopping…`);
      void stopAll(0);
    });
  }
}
