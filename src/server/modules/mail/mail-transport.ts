import type { Readable } from 'node:stream';
import type { Transporter } from 'nodemailer';
import type { RenderedMail } from './mail-render.js';

const transports = new Map<string, Transporter>();

/**
 * One transport per SMTP URL, kept for the process (tests run apps with different servers).
 * nodemailer loads with the first mail sent, not at start.
 */
async function transportFor(smtpUrl: string): Promise<Transporter> {
  let transport = transports.get(smtpUrl);
  if (!transport) {
    const { default: nodemailer } = await import('nodemailer');
    transport = nodemailer.createTransport({
      url: smtpUrl,
      // A stuck server fails the attempt early; DELIVERY_TIMEOUT_SECONDS bounds the whole send.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    transports.set(smtpUrl, transport);
  }
  return transport;
}

export async function sendThroughSmtp(
  smtpUrl: string,
  envelope: { from: string; to: string },
  mail: RenderedMail,
  /** The bytes of each of `mail.files`, in order: read as the message goes out. */
  contents: Readable[],
  /** Aborting closes the SMTP connection, whatever stage the conversation is at. */
  signal: AbortSignal,
): Promise<void> {
  await (await transportFor(smtpUrl)).sendMail({
    from: { name: mail.fromName, address: envelope.from },
    to: envelope.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.headers.messageId,
    ...(mail.headers.inReplyTo && { inReplyTo: mail.headers.inReplyTo }),
    ...(mail.headers.references && { references: mail.headers.references }),
    ...(mail.headers.replyTo && { replyTo: mail.headers.replyTo }),
    // RFC 3834: machine-sent, so auto-responders do not answer it.
    headers: { 'Auto-Submitted': 'auto-generated' },
    attachments: mail.files.map((f, i) => ({
      filename: f.filename,
      contentType: f.contentType,
      content: contents[i],
    })),
    signal,
  });
}

/**
 * Permanent failures are the SMTP server's 5xx answers (unknown mailbox, refused message): retrying
 * cannot help. Everything else (4xx, refused or dropped connections, timeouts) is worth a retry.
 */
export function isPermanentSmtpFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** What staff see on the ticket: the server's answer, or the connection problem; never credentials. */
export function describeSmtpFailure(err: unknown): string {
  const e = err as { responseCode?: number; code?: string; response?: string; message?: string };
  const detail = e.response ?? e.message ?? String(err);
  const text = [e.code, e.responseCode, detail].filter((part) => part !== undefined).join(' ');
  return text.replace(/\/\/[^@/\s]*@/g, '//***@').slice(0, 500);
}
