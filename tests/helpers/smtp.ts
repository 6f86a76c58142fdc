import net, { type AddressInfo } from 'node:net';
import PostalMime, { type Email } from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** RCPT TO addresses. */
  to: string[];
  raw: string;
  parsed: Email;
}

/**
 * A real SMTP server on 127.0.0.1 (a free port) that keeps what it receives, parsed. `refuseNext(n)`
 * makes it answer the next n messages with 451 (a temporary failure; or another code) instead of
 * accepting them. `hold()` stalls every conversation at MAIL FROM until `release()`: a slow server.
 */
export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  let refusals = 0;
  let refusalCode = 451;
  let holding = false;
  const held: (() => void)[] = [];
  const heldWaiters: { n: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP: the client would otherwise upgrade to TLS on a self-signed certificate.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (!holding) return callback();
      held.push(() => callback());
      for (const waiter of heldWaiters.filter((w) => held.length >= w.n)) {
        heldWaiters.splice(heldWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          const text = refusalCode < 500 ? 'Mailbox busy, try again later' : 'No such mailbox here';
          callback(Object.assign(new Error(text), { responseCode: refusalCode }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        PostalMime.parse(raw).then(
          (parsed) => {
            received.push({ to: (session.envelope.rcptTo ?? []).map((r) => r.address), raw, parsed });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  let open = 0;
  const idleWaiters: (() => void)[] = [];
  server.server.on('connection', (socket: net.Socket) => {
    open++;
    socket.on('close', () => {
      if (--open === 0) for (const resolve of idleWaiters.splice(0)) resolve();
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** The mails received for this address. */
    to: (address: string) => received.filter((m) => m.to.includes(address)),
    refuseNext(n: number, code = 451) {
      refusals = n;
      refusalCode = code;
    },
    /** From now on, conversations stall after the greeting, mid-transaction, until released. */
    hold() {
      holding = true;
    },
    /** Resolves once `n` conversations are stalled at the same time. */
    whenHeld: (n: number) =>
      new Promise<void>((resolve) => {
        if (held.length >= n) resolve();
        else heldWaiters.push({ n, resolve });
      }),
    /** Resolves once no client is connected (a client that gave up has closed its connection). */
    whenIdle: () =>
      new Promise<void>((resolve) => {
        if (open === 0) resolve();
        else idleWaiters.push(resolve);
      }),
    /** Lets every stalled conversation go on, and stops stalling new ones. */
    release() {
      holding = false;
      for (const resume of held.splice(0)) resume();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An SMTP URL where nothing listens: every connection is refused. */
export async function unreachableSmtpUrl() {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}

/** Every http(s) link in a text. */
export const linksIn = (text: string) => [...text.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
