import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { inTransaction, type Queryable, type Tx } from '../../db/client.js';
import { AppError, notFound } from '../../lib/errors.js';
import { type Member, requirePermission } from '../members/index.js';
import { checkMailbox, targetOf } from './imap-connection.js';
import type { MailboxRow } from './mailboxes.repo.js';
import * as repo from './mailboxes.repo.js';
import type { mailboxBody } from './mailboxes.schemas.js';

/** Watchers LISTEN on this channel; NOTIFY is sent at commit, so they never see a change that rolled back. */
export const MAILBOX_CHANNEL = 'clearline_mailboxes';

export const passwordContext = (projectId: string) => `mailbox.password:${projectId}`;

const present = (row: MailboxRow) => ({
  enabled: row.enabled,
  host: row.host,
  port: row.port,
  tls: row.tls,
  username: row.username,
  passwordSet: true as const,
  folder: row.folder,
  processedFolder: row.processedFolder,
  pollSeconds: row.pollSeconds,
  updatedAt: row.updatedAt.toISOString(),
  lastCheckedAt: row.lastCheckedAt?.toISOString() ?? null,
  lastError: row.lastError,
});

export async function readMailbox(db: Queryable, member: Member) {
  requirePermission(member, 'settings.manage');
  const row = await repo.findMailbox(db, member.projectId);
  if (!row) throw notFound('Mailbox');
  return present(row);
}

/**
 * Saves the project's IMAP mailbox after signing in to it with these settings, so a typo is refused
 * with the server's own reason instead of failing later in the background. The password is sealed;
 * leaving it out keeps the saved one.
 */
export async function saveMailbox(ctx: AppContext, member: Member, input: z.output<typeof mailboxBody>) {
  requirePermission(member, 'settings.manage');
  const existing = await repo.findMailbox(ctx.db, member.projectId);
  const password =
    input.password ??
    (existing ? ctx.secrets.open(existing.passwordSealed, passwordContext(member.projectId)) : null);
  if (password === null) {
    throw new AppError('VALIDATION_ERROR', 'Give the mailbox password.', { field: 'password' });
  }
  const folders = [input.folder, ...(input.processedFolder ? [input.processedFolder] : [])];
  const problem = input.enabled
    ? await checkMailbox(targetOf({ ...input, passwordSealed: '' } as MailboxRow, password), folders)
    : null;
  if (problem) throw new AppError('MAILBOX_UNREACHABLE', problem, { reason: problem });
  // The sign-in above holds no database connection; the write is one short transaction.
  return inTransaction(ctx.db, async (tx) => {
    const row = await repo.upsertMailbox(tx, {
      projectId: member.projectId,
      accountId: member.accountId,
      enabled: input.enabled,
      host: input.host,
      port: input.port,
      tls: input.tls,
      username: input.username,
      passwordSealed: ctx.secrets.seal(password, passwordContext(member.projectId)),
      folder: input.folder,
      processedFolder: input.processedFolder,
      pollSeconds: input.pollSeconds,
      updatedAt: ctx.clock.now(),
    });
    await notifyWatchers(tx, member.projectId);
    return present(row);
  });
}

const notifyWatchers = (tx: Tx, projectId: string) =>
  tx.execute(sql`SELECT pg_notify(${MAILBOX_CHANNEL}, ${projectId})`);

export async function removeMailbox(tx: Tx, member: Member) {
  requirePermission(member, 'settings.manage');
  if (!(await repo.deleteMailbox(tx, member.projectId))) throw notFound('Mailbox');
  await notifyWatchers(tx, member.projectId);
}
