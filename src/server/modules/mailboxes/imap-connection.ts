import type { ImapFlow } from 'imapflow';
import type { MailboxRow } from './mailboxes.repo.js';

export interface ImapTarget {
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password: string;
}

/** imapflow loads with the first mailbox watched or checked, not at start. */
export async function imapClient(target: ImapTarget): Promise<ImapFlow> {
  const { ImapFlow } = await import('imapflow');
  return new ImapFlow({
    host: target.host,
    port: target.port,
    secure: target.tls,
    auth: { user: target.username, pass: target.password },
    logger: false,
    // A stalled server must not hold a watcher (or a settings save) for minutes.
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 5 * 60_000,
    // Enter IDLE as soon as the watcher waits (the default waits 15 s), so new mail is seen at once.
    autoIdleDelay: 500,
  });
}

/** What the server said when it refused, in words an admin can act on. */
export function describeImapError(err: unknown): string {
  const e = err as { authenticationFailed?: boolean; responseText?: string; code?: string; message?: string };
  if (e.authenticationFailed)
    return `The server refused the user name or password${e.responseText ? `: ${e.responseText}` : ''}.`;
  if (e.code === 'ECONNREFUSED') return 'Nothing accepts connections at that host and port.';
  if (e.code === 'ENOTFOUND') return 'That host name does not resolve.';
  if (e.code === 'ETIMEDOUT' || e.code === 'CONNECT_TIMEOUT') return 'The server did not answer in time.';
  return e.responseText || e.message || String(err);
}

/** Connects, signs in and opens the folders, as the watcher will: the check made before settings are saved. */
export async function checkMailbox(target: ImapTarget, folders: string[]): Promise<string | null> {
  const client = await imapClient(target);
  client.on('error', () => {});
  try {
    await client.connect();
    for (const folder of folders) {
      const status = await client.status(folder, { messages: true }).catch(() => null);
      if (!status) return `The folder "${folder}" does not exist on the server.`;
    }
    return null;
  } catch (err) {
    return describeImapError(err);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export const targetOf = (row: MailboxRow, password: string): ImapTarget => ({
  host: row.host,
  port: row.port,
  tls: row.tls,
  username: row.username,
  password,
});
