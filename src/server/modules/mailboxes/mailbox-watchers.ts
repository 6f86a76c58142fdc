import type { ImapFlow } from 'imapflow';
import type { PoolClient } from 'pg';
import type { BaseLogger } from 'pino';
import type { AppContext } from '../../app-context.js';
import { ingestInboundMail } from '../inbound/index.js';
import { describeImapError, imapClient, targetOf } from './imap-connection.js';
import type { MailboxRow } from './mailboxes.repo.js';
import * as repo from './mailboxes.repo.js';
import { MAILBOX_CHANNEL, passwordContext } from './mailboxes.service.js';

/** The keyword a processed message gets (when it is not moved): set only after its commit. */
export const PROCESSED_KEYWORD = '$Clearline';
const RESCAN_MS = 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;

/** Left in the mailbox, flagged, when larger than INBOUND_MAX_BYTES (the SMTP listener's 552). */
export const TOO_LARGE_KEYWORD = '$ClearlineTooLarge';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * One IMAP session per enabled mailbox, in the process that runs the jobs. A mailbox is watched by one
 * process at a time: the watcher holds a session-level advisory lock on a connection of its own, so a
 * second `clearline worker` waits and takes over when the first one dies. Settings changes arrive by
 * LISTEN/NOTIFY (sent at commit), and a rescan each minute covers a lost notification.
 */
export async function startMailboxWatchers(ctx: AppContext, log: Pick<BaseLogger, 'warn' | 'error'>) {
  const watchers = new Map<string, { row: MailboxRow; stop: () => Promise<void> }>();
  let conn: PoolClient | null = null;
  let release = () => {};
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const lockKey = (projectId: string) => `clearline:mailbox:${projectId}`;
  const stopAll = async () => {
    const all = [...watchers.values()];
    watchers.clear();
    await Promise.all(all.map((w) => w.stop()));
  };

  /** The connection holding the locks and the LISTEN; when it is lost, so are the locks: all watchers stop. */
  const connection = async () => {
    if (conn) return conn;
    const c = await ctx.db.$client.connect();
    c.on('notification', (n) => n.channel === MAILBOX_CHANNEL && schedule());
    const onError = (err: Error) => {
      c.off('error', onError);
      log.warn({ err }, 'mailbox watchers: database connection lost; reconnecting');
      if (conn === c) conn = null;
      c.release(err);
      if (!stopped) running = running.then(stopAll).then(schedule);
    };
    c.on('error', onError);
    release = () => {
      c.off('error', onError);
      c.release();
    };
    await c.query(`LISTEN ${MAILBOX_CHANNEL}`);
    conn = c;
    return c;
  };

  const reconcile = async () => {
    if (stopped) return;
    const c = await connection();
    const rows = await repo.listEnabledMailboxes(ctx.db);
    const wanted = new Map(rows.map((r) => [r.projectId, r]));
    for (const [projectId, w] of watchers) {
      const next = wanted.get(projectId);
      if (next && next.updatedAt.getTime() === w.row.updatedAt.getTime()) continue;
      watchers.delete(projectId);
      await w.stop();
      await c.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey(projectId)]);
    }
    for (const row of rows) {
      if (watchers.has(row.projectId)) continue;
      const { rows: got } = await c.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
        [lockKey(row.projectId)],
      );
      if (got[0]?.ok) watchers.set(row.projectId, { row, stop: watchMailbox(ctx, log, row) });
    }
  };
  function schedule() {
    running = running.then(reconcile).catch((err) => log.error({ err }, 'mailbox watchers: rescan failed'));
  }

  schedule();
  const timer = setInterval(schedule, RESCAN_MS);
  await running;

  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
    await stopAll();
    if (conn) release();
    conn = null;
  };
}

/** Watches one mailbox until stopped: reconnects with backoff, records each check and its error. */
function watchMailbox(
  ctx: AppContext,
  log: Pick<BaseLogger, 'warn' | 'error'>,
  row: MailboxRow,
): () => Promise<void> {
  const abort = new AbortController();
  let client: ImapFlow | null = null;
  const loop = (async () => {
    let backoff = 1_000;
    while (!abort.signal.aborted) {
      try {
        const password = ctx.secrets.open(row.passwordSealed, passwordContext(row.projectId));
        if (password === null) throw new Error('The saved password cannot be decrypted: save it again.');
        client = await imapClient(targetOf(row, password));
        client.on('error', (err) => log.warn({ err, projectId: row.projectId }, 'mailbox connection error'));
        await client.connect();
        await client.mailboxOpen(row.folder);
        const idle = client.capabilities.has('IDLE');
        const newMail = watchForMail(client);
        while (!abort.signal.aborted) {
          newMail.reset();
          const problem = await processNew(ctx, client, row);
          await repo.recordCheck(ctx.db, row.projectId, ctx.clock.now(), problem);
          backoff = 1_000;
          await newMail.wait(idle ? 5 * 60_000 : row.pollSeconds * 1000, abort.signal);
        }
      } catch (err) {
        if (abort.signal.aborted) break;
        const reason = describeImapError(err);
        log.warn({ projectId: row.projectId, reason }, 'mailbox check failed');
        await repo.recordCheck(ctx.db, row.projectId, ctx.clock.now(), reason).catch(() => {});
        await sleep(backoff, abort.signal);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } finally {
        const c = client;
        client = null;
        await c?.logout().catch(() => c.close());
      }
    }
  })();
  return async () => {
    abort.abort();
    client?.close();
    await loop;
  };
}

/**
 * The server's announcements of new mail (in IDLE, which ImapFlow enters by itself when the connection
 * is quiet): one that arrives while a pass runs is kept, so the next wait returns at once instead of
 * missing it. A dropped connection ends the session.
 */
function watchForMail(client: ImapFlow) {
  let announced = false;
  let closed = false;
  let wake: (() => void) | null = null;
  client.on('exists', () => {
    announced = true;
    wake?.();
  });
  client.on('close', () => {
    closed = true;
    wake?.();
  });
  return {
    reset() {
      announced = false;
    },
    async wait(ms: number, signal: AbortSignal) {
      if (!announced && !closed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          sleep(ms, signal).then(resolve);
        });
        wake = null;
      }
      if (closed) throw new Error('The server closed the connection.');
    },
  };
}

/**
 * Every message without the processed keyword, oldest first: committed through the inbound pipeline,
 * then flagged or moved. A crash between the two leaves it unflagged; the next pass hands it to the
 * pipeline again, which finds its Message-ID and adds nothing, and then it is flagged.
 */
async function processNew(ctx: AppContext, client: ImapFlow, row: MailboxRow): Promise<string | null> {
  let problem: string | null = null;
  const uids = (await client.search({ unKeyword: PROCESSED_KEYWORD }, { uid: true })) || [];
  for (const uid of uids.sort((a, b) => a - b)) {
    const head = await client.fetchOne(String(uid), { size: true }, { uid: true });
    if (head === false) continue;
    if ((head.size ?? 0) > ctx.config.inboundMaxBytes) {
      // Never dropped: it stays in the mailbox, marked, for someone to look at.
      await client.messageFlagsAdd(String(uid), [PROCESSED_KEYWORD, TOO_LARGE_KEYWORD], { uid: true });
      problem = `A message of ${head.size} bytes is larger than INBOUND_MAX_BYTES: it was left in the mailbox with the keyword ${TOO_LARGE_KEYWORD}.`;
      continue;
    }
    const message = await client.fetchOne(String(uid), { source: true, envelope: true }, { uid: true });
    if (message === false || !message.source) continue;
    // A mailbox has no envelope: its To and Cc stand in (a reply+token address among them threads the reply).
    const { to = [], cc = [] } = message.envelope ?? {};
    const envelopeTo = [...to, ...cc].flatMap((a) => (a.address ? [a.address] : []));
    await ingestInboundMail(ctx, {
      raw: message.source,
      envelopeTo,
      source: 'imap',
      projectId: row.projectId,
    });
    if (row.processedFolder) await client.messageMove(String(uid), row.processedFolder, { uid: true });
    else await client.messageFlagsAdd(String(uid), [PROCESSED_KEYWORD], { uid: true });
  }
  return problem;
}
