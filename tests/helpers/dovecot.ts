import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

const DOVECOT = '/usr/sbin/dovecot';

/** Why the IMAP tests cannot run here, or null: they need Debian's Dovecot, started as root. */
export function dovecotMissing(): string | null {
  if (!fs.existsSync(DOVECOT)) {
    return 'Dovecot is not installed: run `apt-get install -y dovecot-imapd` (as root) to run the IMAP tests.';
  }
  if (process.getuid?.() !== 0) return 'The IMAP tests start Dovecot with its own users: run them as root.';
  return null;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  /** A client signed in to the test mailbox: to put mail in (APPEND) and look at its flags. */
  client(): Promise<ImapFlow>;
  /** Appends a raw message to `folder` (INBOX by default), as an MTA delivering to the mailbox would. */
  deliver(raw: string, folder?: string): Promise<void>;
  /** The flags of every message in `folder`, by Message-ID header. */
  flags(folder?: string): Promise<Map<string, string[]>>;
  stop(): Promise<void>;
}

/**
 * A real Dovecot IMAP server on a free 127.0.0.1 port, with a temporary configuration, one user and an
 * empty Maildir; plain IMAP with password login (no TLS: loopback only). `idle: false` removes IDLE from
 * the capabilities, as on servers that do not offer it, so the poller's fallback runs.
 */
export async function startDovecot(options: { idle?: boolean } = {}): Promise<Dovecot> {
  const missing = dovecotMissing();
  if (missing) throw new Error(missing);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-'));
  // Dovecot's own users read the config and the password file: the directory must be traversable.
  fs.chmodSync(dir, 0o755);
  const mail = path.join(dir, 'mail');
  fs.mkdirSync(mail);
  execFileSync('chown', ['dovecot:dovecot', mail]);
  const port = await freePort();
  const user = 'support@example.test';
  const password = 'mailbox-password';
  fs.writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${password}\n`);
  const capability =
    options.idle === false
      ? 'imap_capability = IMAP4rev1 SASL-IR LITERAL+ ENABLE UIDPLUS MOVE CONDSTORE ESEARCH NAMESPACE\n'
      : '';
  fs.writeFileSync(
    path.join(dir, 'dovecot.conf'),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = ${dir}/dovecot.log
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:${mail}/%u
first_valid_uid = 1
${capability}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${mail}/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', path.join(dir, 'dovecot.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const client = async () => {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
    });
    await c.connect();
    return c;
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await (await client()).logout();
      break;
    } catch (err) {
      if (attempt > 50 || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`Dovecot did not start: ${stderr}${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const withClient = async <T>(fn: (c: ImapFlow) => Promise<T>) => {
    const c = await client();
    try {
      return await fn(c);
    } finally {
      await c.logout().catch(() => {});
    }
  };

  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    client,
    deliver: (raw, folder = 'INBOX') =>
      withClient(async (c) => {
        await c.append(folder, raw);
      }),
    flags: (folder = 'INBOX') =>
      withClient(async (c) => {
        const result = new Map<string, string[]>();
        const lock = await c.getMailboxLock(folder);
        try {
          if (c.mailbox && c.mailbox.exists === 0) return result;
          for await (const m of c.fetch('1:*', { envelope: true, flags: true })) {
            result.set(m.envelope?.messageId ?? `uid:${m.uid}`, [...(m.flags ?? [])]);
          }
        } finally {
          lock.release();
        }
        return result;
      }),
    async stop() {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
