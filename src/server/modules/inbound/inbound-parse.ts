import { createHash } from 'node:crypto';
import type { Email } from 'postal-mime';
import type TurndownService from 'turndown';
import { MAX_MESSAGE_LENGTH } from '../../../shared/tickets.js';
import { type MailPart, splitMail } from './inbound-mime.js';

/** The line our outgoing mails start with; what a reply quotes below it is cut. */
export const REPLY_MARKER = '-- Reply above this line to answer --';

/** Where quoted history starts, for the clients most customers use; the earliest match wins. */
const QUOTE_STARTS = [
  // Gmail and Apple Mail ("On Mon, 1 Dec 2026 at 10:00, Ada <a@b> wrote:", possibly wrapped once).
  /^[ \t>]*On\b[^\n]{0,300}(?:\n[^\n]{0,300})?\bwrote:[ \t]*$/im,
  // Outlook (desktop and web).
  /^[ \t]*-{2,}[ \t]*Original Message[ \t]*-{2,}/im,
  /^[ \t]*\**From:\**[ \t][^\n]+\n(?:[^\n]+\n){0,2}?[ \t]*\**Sent:\**[ \t]/im,
  /^_{20,}[ \t]*$/m,
];

const ID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** What our own Message-IDs name: a delivery (`<id@host>`) or a ticket's thread root (`<ticket-id@host>`). */
export function ourMessageIds(ids: string[], host: string) {
  const pattern = new RegExp(
    `^<(ticket-)?(${ID_PATTERN})@${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>$`,
    'i',
  );
  const deliveryIds: string[] = [];
  const ticketIds: string[] = [];
  for (const id of ids) {
    const m = pattern.exec(id.trim());
    if (m) (m[1] ? ticketIds : deliveryIds).push((m[2] as string).toLowerCase());
  }
  return { deliveryIds, ticketIds };
}

export function stripQuotedHistory(text: string): string {
  const normalised = text.replace(/\r\n?/g, '\n');
  let cut = normalised.length;
  const marker = normalised.indexOf(REPLY_MARKER);
  if (marker >= 0) cut = normalised.lastIndexOf('\n', marker) + 1;
  for (const pattern of QUOTE_STARTS) {
    const m = pattern.exec(normalised.slice(0, cut));
    if (m) cut = Math.min(cut, m.index);
  }
  // What is left may still end in a ">"-quoted block (clients that quote without a header).
  const lines = normalised.slice(0, cut).split('\n');
  while (lines.length && /^\s*(>.*)?$/.test(lines[lines.length - 1] as string)) lines.pop();
  return lines.join('\n').trim();
}

// Turndown (with the DOM it parses into) loads with the first HTML-only mail, not at start.
let turndown: Promise<TurndownService> | undefined;

/** HTML-only mail as Markdown; the Markdown renderer refuses raw HTML, so what stays is text. */
async function htmlToMarkdown(html: string): Promise<string> {
  turndown ??= import('turndown').then(({ default: Turndown }) =>
    new Turndown({ headingStyle: 'atx', codeBlockStyle: 'fenced' }).remove([
      'script',
      'style',
      'head',
      'title',
    ]),
  );
  return (await turndown).turndown(html);
}

export interface ParsedMail {
  /** The Message-ID, or a digest of the bytes when there is none (a second delivery still dedupes). */
  messageId: string;
  from: { address: string; name: string } | null;
  subject: string;
  /** In-Reply-To and References, as given. */
  refersTo: string[];
  body: string;
  /** Why nothing should answer this mail (an auto-reply, a list…), or null. */
  automatic: string | null;
  /** A delivery status notification (bounce). */
  isReport: boolean;
  /** The files it carries, in order (their bytes stay in the raw mail until stored). */
  parts: MailPart[];
}

const header = (email: Email, key: string) => email.headers.find((h) => h.key === key)?.value.trim();

function automaticReason(email: Email, from: string | null): string | null {
  const autoSubmitted = header(email, 'auto-submitted');
  if (autoSubmitted && autoSubmitted.toLowerCase() !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = header(email, 'precedence')?.toLowerCase();
  if (precedence && ['bulk', 'junk', 'list'].includes(precedence)) return `Precedence: ${precedence}`;
  for (const key of ['x-autoreply', 'x-autorespond', 'x-auto-response-suppress', 'list-id']) {
    if (header(email, key) !== undefined) return `${key} header`;
  }
  if (from && /^(mailer-daemon|postmaster)@/i.test(from)) return 'sent by a mailer daemon';
  return null;
}

/** Stands for the Message-ID of a mail without one (or unreadable): the same bytes, the same id. */
export function digestId(raw: readonly Buffer[]) {
  const hash = createHash('sha256');
  for (const chunk of raw) hash.update(chunk);
  return `<sha256-${hash.digest('hex')}@unknown>`;
}

/**
 * A `cid:` reference (an HTML image turned Markdown, or the `[cid:…]` plain-text clients write)
 * becomes the name of the inline image, which the message lists among its attachments.
 */
export function nameInlineImages(body: string, parts: readonly MailPart[]) {
  const named = (id: string) => {
    const part = parts.find((p) => p.contentId === id);
    return part ? `[image: ${part.filename}]` : '[image]';
  };
  return body
    .replace(/!\[[^\]]*\]\(<?cid:([^)\s>]+)>?[^)]*\)/gi, (_, id: string) => named(id))
    .replace(/\[cid:([^\]\s]+)\]/gi, (_, id: string) => named(id));
}

const cleanText = (s: string) => s.replaceAll('\u0000', '');

/**
 * Parses a mail from its skeleton (the files' bodies left out, so a large attachment is never
 * decoded here); throws on bytes that are not a mail at all (the caller keeps them for review).
 */
export async function parseMail(raw: readonly Buffer[]): Promise<ParsedMail> {
  const { skeleton, parts } = await splitMail(raw);
  const { default: PostalMime } = await import('postal-mime');
  const email = await PostalMime.parse(skeleton);
  const from = email.from?.address
    ? { address: email.from.address.toLowerCase(), name: email.from.name }
    : null;
  const text = email.text?.trim() ? email.text : email.html ? await htmlToMarkdown(email.html) : '';
  let body = cleanText(nameInlineImages(stripQuotedHistory(text), parts));
  if (body.length > MAX_MESSAGE_LENGTH) {
    const note = '\n\n(The rest of this mail is in the original, which staff can download.)';
    body = body.slice(0, MAX_MESSAGE_LENGTH - note.length) + note;
  }
  const contentType = header(email, 'content-type')?.toLowerCase() ?? '';
  return {
    messageId: email.messageId?.trim() || digestId(raw),
    from: from && { address: cleanText(from.address), name: cleanText(from.name) },
    subject: cleanText(email.subject ?? '')
      .trim()
      .slice(0, 200),
    refersTo: [email.inReplyTo, email.references].flatMap((v) => v?.match(/<[^<>\s]+>/g) ?? []),
    body: body || '(This mail had no text.)',
    automatic: automaticReason(email, from?.address ?? null),
    isReport: /multipart\/report/.test(contentType) && /delivery-status/.test(contentType),
    parts,
  };
}

/** Every Message-ID header in the raw bytes (a DSN quotes the bounced mail's headers). */
export const quotedMessageIds = (raw: readonly Buffer[]) =>
  [
    ...Buffer.concat(raw)
      .toString('latin1')
      .matchAll(/^Message-ID:[ \t]*(<[^<>\s]+>)/gim),
  ].map((m) => m[1] as string);
