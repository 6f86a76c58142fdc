import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Scope } from '../../app-context.js';
import type { Config } from '../../config.js';
import type { Queryable } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import type { UploadedFile } from '../../lib/multipart.js';
import * as repo from './attachments.repo.js';

/** Bytes per row of `attachment_chunks`: large enough for few rows, small enough to hold one at a time. */
export const CHUNK_BYTES = 256 * 1024;

/** Where bytes go and how many a file and a message may have; from the settings (`attachmentStorage(config)`). */
export interface AttachmentStorage {
  /** Unset: PostgreSQL chunks. */
  dir: string | undefined;
  maxFileBytes: number;
  maxMessageBytes: number;
}

export const attachmentStorage = (config: Config): AttachmentStorage => ({
  dir: config.attachmentsDir,
  maxFileBytes: config.attachmentMaxBytes,
  maxMessageBytes: config.attachmentMessageMaxBytes,
});

/** An attachment as other modules see it; `onDisk` only tells openAttachment where its bytes are. */
export interface Attachment {
  id: string;
  ticketId: string;
  messageId: string;
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  onDisk: boolean;
  createdAt: Date;
}

/** A file's bytes: in memory already (a Buffer, or postal-mime's ArrayBuffer) or a stream read once. */
export type AttachmentContent = Uint8Array | ArrayBuffer | AsyncIterable<Uint8Array | string>;

export interface NewAttachment {
  accountId: string;
  ticketId: string;
  messageId: string;
  filename: string;
  contentType: string;
  contentId?: string | null | undefined;
  content: AttachmentContent;
}

const toAttachment = (row: repo.AttachmentRow): Attachment => ({
  id: row.id,
  ticketId: row.ticketId,
  messageId: row.messageId,
  filename: row.filename,
  contentType: row.contentType,
  size: row.size,
  contentId: row.contentId,
  onDisk: row.onDisk,
  createdAt: row.createdAt,
});

/** The name as given, without a path, control characters or more than 255 characters; never empty. */
export function cleanFilename(name: string): string {
  const clean = basename(name.replaceAll('\\', '/'))
    .replace(/\p{Cc}/gu, '')
    .trim();
  return [...clean].slice(0, 255).join('') || 'attachment';
}

/** `type/subtype` in lower case, without parameters; anything else is application/octet-stream. */
export function cleanContentType(type: string): string {
  const essence = type.split(';')[0]?.trim().toLowerCase() ?? '';
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(essence)
    ? essence
    : 'application/octet-stream';
}

export const tooLarge = (per: 'file' | 'message', limitBytes: number) =>
  new AppError(
    'ATTACHMENT_TOO_LARGE',
    per === 'file'
      ? `An attachment may be at most ${limitBytes} bytes.`
      : `A message's attachments may add up to at most ${limitBytes} bytes.`,
    { per, limitBytes },
  );

/**
 * The content in pieces of exactly CHUNK_BYTES (the last shorter), counted against the limits as it
 * comes: past one, it throws ATTACHMENT_TOO_LARGE before the piece is written anywhere.
 */
async function* chunksOf(content: AttachmentContent, limits: { file: number; message: number }) {
  let total = 0;
  const count = (piece: Buffer) => {
    total += piece.length;
    if (total > limits.file) throw tooLarge('file', limits.file);
    if (total > limits.message) throw tooLarge('message', limits.message);
    return piece;
  };
  if (content instanceof ArrayBuffer || content instanceof Uint8Array) {
    const bytes =
      content instanceof ArrayBuffer
        ? Buffer.from(content)
        : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) yield count(bytes.subarray(at, at + CHUNK_BYTES));
    return;
  }
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const part of content) {
    const piece =
      typeof part === 'string'
        ? Buffer.from(part)
        : Buffer.from(part.buffer, part.byteOffset, part.byteLength);
    pending.push(piece);
    pendingBytes += piece.length;
    while (pendingBytes >= CHUNK_BYTES) {
      const joined = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
      yield count(joined.subarray(0, CHUNK_BYTES));
      const rest = joined.subarray(CHUNK_BYTES);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
    }
  }
  if (pendingBytes > 0) yield count(pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending));
}

/**
 * Stores one file on a message, in the caller's transaction: a rollback leaves no row (and, with
 * ATTACHMENTS_DIR, the file of a refused attachment is removed at once). The content is read once,
 * chunk by chunk; past the per-file limit or what the message has left of its limit it throws
 * ATTACHMENT_TOO_LARGE (413) — let it roll the transaction back, and nothing of the message stays.
 */
export async function storeAttachment(
  s: Pick<Scope, 'tx' | 'clock'>,
  storage: AttachmentStorage,
  input: NewAttachment,
): Promise<Attachment> {
  const used = await repo.sumMessageSizes(s.tx, input.messageId);
  const limits = { file: storage.maxFileBytes, message: storage.maxMessageBytes - used };
  const row = await repo.insertAttachment(s.tx, {
    id: randomUUID(),
    accountId: input.accountId,
    ticketId: input.ticketId,
    messageId: input.messageId,
    filename: cleanFilename(input.filename),
    contentType: cleanContentType(input.contentType),
    size: 0,
    contentId: input.contentId ?? null,
    onDisk: storage.dir !== undefined,
    createdAt: s.clock.now(),
  });
  let size = 0;
  if (storage.dir === undefined) {
    let seq = 0;
    for await (const data of chunksOf(input.content, limits)) {
      await repo.insertChunk(s.tx, { attachmentId: row.id, seq: seq++, accountId: row.accountId, data });
      size += data.length;
    }
  } else {
    await mkdir(storage.dir, { recursive: true });
    const path = join(storage.dir, row.id);
    const counted = async function* () {
      for await (const data of chunksOf(input.content, limits)) {
        size += data.length;
        yield data;
      }
    };
    try {
      await pipeline(counted, createWriteStream(path, { flags: 'wx' }));
    } catch (err) {
      await unlink(path).catch(() => {});
      throw err;
    }
  }
  await repo.setAttachmentSize(s.tx, row.id, size);
  return toAttachment({ ...row, size });
}

/** Stores the files of a request one after another on the message (see storeAttachment). */
export async function storeUploads(
  s: Pick<Scope, 'tx' | 'clock'>,
  storage: AttachmentStorage,
  target: { accountId: string; ticketId: string; messageId: string },
  uploads: AsyncIterable<UploadedFile>,
): Promise<Attachment[]> {
  const stored: Attachment[] = [];
  for await (const file of uploads) stored.push(await storeAttachment(s, storage, { ...target, ...file }));
  return stored;
}

/** The attachment and the kind of the message it is on; undefined when there is none. */
export async function findAttachment(db: Queryable, id: string) {
  const row = await repo.findWithMessageKind(db, id);
  return (
    row && {
      ...toAttachment(row.attachment),
      accountId: row.attachment.accountId,
      messageKind: row.messageKind,
    }
  );
}

/** The attachments of these messages, in one query: by message, each message's in the order stored. */
export async function listAttachments(db: Queryable, messageIds: readonly string[]): Promise<Attachment[]> {
  return (await repo.listForMessages(db, messageIds)).map(toAttachment);
}

/** The same, by message id (a message without files has no entry). */
export async function listAttachmentsByMessage(db: Queryable, messageIds: readonly string[]) {
  const byMessage = new Map<string, Attachment[]>();
  for (const a of await listAttachments(db, messageIds)) {
    const list = byMessage.get(a.messageId);
    if (list) list.push(a);
    else byMessage.set(a.messageId, [a]);
  }
  return byMessage;
}

/**
 * The attachment's bytes as a stream, one chunk (or file block) in memory at a time. Read outside
 * a transaction it reads committed chunks; an attachment deleted meanwhile ends short (chunks) or
 * still reads whole (an open file).
 */
export function openAttachment(
  db: Queryable,
  storage: AttachmentStorage,
  attachment: Pick<Attachment, 'id' | 'onDisk'>,
): Readable {
  if (attachment.onDisk) {
    if (storage.dir === undefined) {
      throw new Error(`Attachment ${attachment.id} is stored on disk but ATTACHMENTS_DIR is not set.`);
    }
    return createReadStream(join(storage.dir, attachment.id));
  }
  return Readable.from(
    (async function* () {
      for (let seq = 0; ; seq++) {
        const data = await repo.findChunk(db, attachment.id, seq);
        if (data === undefined) return;
        yield data;
      }
    })(),
  );
}
