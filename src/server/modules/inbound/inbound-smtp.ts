import fs from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { SMTPServerOptions } from 'smtp-server';
import type { AppContext } from '../../app-context.js';
import { ingestInboundMail, resolveRecipient } from './inbound.service.js';

const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

/**
 * The built-in SMTP listener (INBOUND_SMTP_PORT): an MTA or the MX hands it mail for Clearline's
 * addresses. It takes only recipients Clearline owns (550 at RCPT otherwise: never a relay), refuses
 * a mail larger than INBOUND_MAX_BYTES (declared SIZE at MAIL FROM, counted bytes at DATA: 552) and
 * answers 250 only once the mail is committed; a failure to commit is a 451, so the sender retries.
 */
export async function startInboundSmtp(
  ctx: AppContext,
  options: { port: number; host: string; tls: { cert: string; key: string } | null },
  log: FastifyBaseLogger,
) {
  const max = ctx.config.inboundMaxBytes;
  const serverOptions: SMTPServerOptions = {
    name: new URL(ctx.config.publicUrl).hostname,
    banner: 'Clearline',
    size: max,
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls && {
      cert: fs.readFileSync(options.tls.cert),
      key: fs.readFileSync(options.tls.key),
    }),
    logger: false,
    onMailFrom(address, _session, callback) {
      const declared = Number(address.args && (address.args as Record<string, string>).SIZE);
      if (declared > max) return callback(smtpError(552, `Message exceeds the ${max}-byte limit`));
      callback();
    },
    onRcptTo(address, _session, callback) {
      resolveRecipient(ctx, address.address).then(
        (recipient) =>
          callback(recipient ? undefined : smtpError(550, `No such recipient here: ${address.address}`)),
        (err) => {
          log.error({ err }, 'inbound SMTP: recipient check failed');
          callback(smtpError(451, 'Temporary failure, try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit the rest is read and dropped: the client still gets its 552.
        if (size <= max) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || size > max) {
          return callback(smtpError(552, `Message exceeds the ${max}-byte limit`));
        }
        // The pieces as they came, handed over (the pipeline lets go of them once stored).
        ingestInboundMail(ctx, {
          raw: chunks.splice(0),
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          source: 'smtp',
        }).then(
          (result) => callback(null, `Accepted (${result.outcome})`),
          (err) => {
            log.error({ err }, 'inbound SMTP: mail not committed');
            callback(smtpError(451, 'Temporary failure, try again later'));
          },
        );
      });
    },
  };
  // Loaded only when the listener is configured.
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer(serverOptions);
  server.on('error', (err) => log.error({ err }, 'inbound SMTP error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
