import { once } from 'node:events';
import { Readable, type Transform } from 'node:stream';
import type { MimeNode } from '@zone-eu/mailsplit';

/** A file a mail carries: an attachment, or an inline image a `cid:` in its HTML names. */
export interface MailPart {
  filename: string;
  contentType: string;
  /** The Content-ID without its angle brackets, or null. */
  contentId: string | null;
}

/** Takes one part's decoded bytes; if it stops reading early, the rest of the part is dropped. */
export type StorePart = (part: MailPart, content: AsyncIterable<Buffer>) => Promise<void>;

const TEXT_TYPES = new Set(['text/plain', 'text/html']);
const DEFAULT_NAMES: Record<string, string> = { 'message/rfc822': 'message.eml' };

/**
 * A leaf is a file unless it is the mail's text (plain or HTML, not marked as an attachment), as
 * postal-mime decides too; the parts of a delivery report are its evidence and stay text.
 */
function isFile(node: MimeNode, inReport: boolean) {
  if (node.multipart || inReport) return false;
  return node.disposition === 'attachment' || !TEXT_TYPES.has(node.contentType || 'text/plain');
}

function describe(node: MimeNode, index: number): MailPart {
  const contentType = (node.contentType || 'application/octet-stream').toLowerCase();
  const contentId = node.headers ? node.headers.getFirst('content-id').trim().replace(/^<|>$/g, '') : '';
  const fallback = DEFAULT_NAMES[contentType] ?? `part-${index + 1}`;
  return {
    filename: (node.filename || fallback).replace(/[\\/\p{Cc}]/gu, '_').slice(0, 255),
    contentType,
    contentId: contentId || null,
  };
}

/**
 * Walks a mail once as a stream, never holding a decoded file whole: the skeleton is the mail
 * with every file's body left out (headers kept), small enough for postal-mime to parse; `parts`
 * lists the files in order; with `store`, each file's decoded bytes are streamed to it.
 */
export async function splitMail(raw: Iterable<Buffer> | AsyncIterable<Buffer>, store?: StorePart) {
  // Loaded with the first mail received, not at start. A CommonJS package: its exports are the
  // default export (bundled, esbuild gives it no named ones).
  const { default: mailsplit } = await import('@zone-eu/mailsplit');
  const splitter = new mailsplit.Splitter({ ignoreEmbedded: true });
  Readable.from(raw, { objectMode: false }).pipe(splitter);
  const skeleton: Buffer[] = [];
  const parts: MailPart[] = [];
  const reports = new Set<MimeNode>();
  let inFile = false;
  let open: { decoder: Transform; stored: Promise<void>; isDone: boolean } | null = null;
  const finish = async () => {
    if (!open) return;
    const { decoder, stored, isDone } = open;
    open = null;
    if (!isDone) decoder.end();
    await stored;
  };
  for await (const data of splitter) {
    if (data.type === 'node') {
      await finish();
      const node = data as MimeNode;
      skeleton.push(node.getHeaders());
      const parent = node.parentNode || null;
      const inReport = parent !== null && reports.has(parent);
      if (node.multipart === 'report' || inReport) reports.add(node);
      inFile = isFile(node, inReport);
      if (!inFile) continue;
      const part = describe(node, parts.length);
      parts.push(part);
      if (store) {
        const decoder = node.getDecoder();
        // A store that stops early must not destroy the decoder the splitter still writes to.
        const content = decoder.iterator({ destroyOnReturn: false });
        const current = { decoder, stored: store(part, content), isDone: false };
        // Awaited below; until then a failure must not count as unhandled.
        current.stored.then(
          () => (current.isDone = true),
          () => (current.isDone = true),
        );
        open = current;
      }
    } else if (data.type === 'data' || !inFile) {
      skeleton.push(data.value);
    } else if (open && !open.isDone && !open.decoder.write(data.value)) {
      await Promise.race([once(open.decoder, 'drain'), open.stored]);
    }
  }
  await finish();
  return { skeleton: Buffer.concat(skeleton), parts };
}
