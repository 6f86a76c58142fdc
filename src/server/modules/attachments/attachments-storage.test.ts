import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import {
  type AttachmentContent,
  type AttachmentStorage,
  listAttachments,
  openAttachment,
  storeAttachment,
} from './index.js';

let t: TestApp;
let tenant: Tenant;
const dirs: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const KiB = 1024;
const inDatabase = (limits: Partial<AttachmentStorage> = {}): AttachmentStorage => ({
  dir: undefined,
  maxFileBytes: 1024 * KiB,
  maxMessageBytes: 1536 * KiB,
  ...limits,
});
const onDisk = (limits: Partial<AttachmentStorage> = {}): AttachmentStorage => {
  const dir = mkdtempSync(join(tmpdir(), 'clearline-attachments-'));
  dirs.push(dir);
  return { ...inDatabase(limits), dir };
};

/** A fresh ticket's first message, to attach files to. */
async function newMessage() {
  const ticket = await buildTicket(t, tenant);
  const rows = await t.db.$client.query<{ id: string }>('SELECT id FROM messages WHERE ticket_id = $1', [
    ticket.id,
  ]);
  return { ticketId: ticket.id, messageId: rows.rows[0]?.id as string, accountId: tenant.accountId };
}

/** The bytes as a stream of uneven pieces, the way a socket delivers them. */
const trickle = (bytes: Buffer) =>
  Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += 70_001) yield bytes.subarray(at, at + 70_001);
    })(),
  );

async function store(
  storage: AttachmentStorage,
  target: Awaited<ReturnType<typeof newMessage>>,
  content: AttachmentContent,
  filename = 'report.pdf',
) {
  return inTransaction(t.db, (tx) =>
    storeAttachment({ tx, clock: t.ctx.clock }, storage, {
      ...target,
      filename,
      contentType: 'application/pdf',
      content,
    }),
  );
}

async function counts(messageId: string) {
  const result = await t.db.$client.query<{ attachments: number; chunks: number }>(
    `SELECT (SELECT count(*) FROM attachments WHERE message_id = $1)::int AS attachments,
            (SELECT count(*) FROM attachment_chunks c JOIN attachments a ON a.id = c.attachment_id
              WHERE a.message_id = $1)::int AS chunks`,
    [messageId],
  );
  return result.rows[0];
}

describe('attachment storage in PostgreSQL (the default)', () => {
  it('a streamed file is kept in 256 KiB chunks and read back byte for byte', async () => {
    const target = await newMessage();
    const bytes = randomBytes(600 * KiB + 7);
    const stored = await store(inDatabase(), target, trickle(bytes));
    expect(stored).toMatchObject({ size: bytes.length, filename: 'report.pdf', onDisk: false });
    const chunks = await t.db.$client.query<{ seq: number; n: number }>(
      'SELECT seq, length(data) AS n FROM attachment_chunks WHERE attachment_id = $1 ORDER BY seq',
      [stored.id],
    );
    expect(chunks.rows).toEqual([
      { seq: 0, n: 256 * KiB },
      { seq: 1, n: 256 * KiB },
      { seq: 2, n: 88 * KiB + 7 },
    ]);
    expect((await buffer(openAttachment(t.db, inDatabase(), stored))).equals(bytes)).toBe(true);
  });

  it('a Buffer (as a mail parser hands it over) and an empty file store as well', async () => {
    const target = await newMessage();
    const bytes = randomBytes(300 * KiB);
    const stored = await store(inDatabase(), target, bytes);
    const empty = await store(inDatabase(), target, Buffer.alloc(0), 'empty.txt');
    expect((await buffer(openAttachment(t.db, inDatabase(), stored))).equals(bytes)).toBe(true);
    expect(empty.size).toBe(0);
    expect((await buffer(openAttachment(t.db, inDatabase(), empty))).length).toBe(0);
  });

  it('a file over the per-file limit is refused with ATTACHMENT_TOO_LARGE and leaves no row or chunk', async () => {
    const target = await newMessage();
    const storage = inDatabase({ maxFileBytes: 512 * KiB });
    const refused = await store(storage, target, trickle(randomBytes(512 * KiB + 1))).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: 'ATTACHMENT_TOO_LARGE',
      details: { per: 'file', limitBytes: 512 * KiB },
    });
    expect(refused.statusCode).toBe(413);
    expect(await counts(target.messageId)).toEqual({ attachments: 0, chunks: 0 });
    // Exactly at the limit is fine.
    await store(storage, target, randomBytes(512 * KiB));
    expect(await counts(target.messageId)).toEqual({ attachments: 1, chunks: 2 });
  });

  it("the message's files together may not pass the per-message limit", async () => {
    const target = await newMessage();
    const storage = inDatabase({ maxFileBytes: 400 * KiB, maxMessageBytes: 700 * KiB });
    await store(storage, target, randomBytes(400 * KiB));
    const refused = await store(storage, target, trickle(randomBytes(300 * KiB + 1))).catch((e) => e);
    expect(refused).toMatchObject({
      code: 'ATTACHMENT_TOO_LARGE',
      details: { per: 'message', limitBytes: 300 * KiB },
    });
    expect(await counts(target.messageId)).toEqual({ attachments: 1, chunks: 2 });
  });

  it('a rollback after storing leaves nothing', async () => {
    const target = await newMessage();
    const failed = await inTransaction(t.db, async (tx) => {
      await storeAttachment({ tx, clock: t.ctx.clock }, inDatabase(), {
        ...target,
        filename: 'a.bin',
        contentType: 'application/octet-stream',
        content: randomBytes(10 * KiB),
      });
      throw new Error('the message failed');
    }).catch((e) => e);
    expect(failed.message).toBe('the message failed');
    expect(await counts(target.messageId)).toEqual({ attachments: 0, chunks: 0 });
  });
});

describe('attachment storage in ATTACHMENTS_DIR', () => {
  it('the bytes go to one file named by the id, none to the database, and read back equal', async () => {
    const storage = onDisk();
    const target = await newMessage();
    const bytes = randomBytes(700 * KiB + 3);
    const stored = await store(storage, target, trickle(bytes));
    expect(stored).toMatchObject({ size: bytes.length, onDisk: true });
    expect(readdirSync(storage.dir as string)).toEqual([stored.id]);
    expect(readFileSync(join(storage.dir as string, stored.id)).equals(bytes)).toBe(true);
    expect(await counts(target.messageId)).toEqual({ attachments: 1, chunks: 0 });
    expect((await buffer(openAttachment(t.db, storage, stored))).equals(bytes)).toBe(true);
  });

  it('a file over the limit leaves neither a row nor a file', async () => {
    const storage = onDisk({ maxFileBytes: 300 * KiB });
    const target = await newMessage();
    const refused = await store(storage, target, trickle(randomBytes(300 * KiB + 1))).catch((e) => e);
    expect(refused).toMatchObject({ code: 'ATTACHMENT_TOO_LARGE' });
    expect(readdirSync(storage.dir as string)).toEqual([]);
    expect(await counts(target.messageId)).toEqual({ attachments: 0, chunks: 0 });
  });

  it('files stored in the database stay readable after ATTACHMENTS_DIR is set', async () => {
    const target = await newMessage();
    const bytes = randomBytes(5 * KiB);
    const stored = await store(inDatabase(), target, bytes);
    expect((await buffer(openAttachment(t.db, onDisk(), stored))).equals(bytes)).toBe(true);
  });
});

describe('listing and naming', () => {
  it("lists several messages' attachments at once, each message's in storing order", async () => {
    const first = await newMessage();
    const second = await newMessage();
    for (const name of ['c.txt', 'a.txt', 'b.txt']) await store(inDatabase(), first, Buffer.from(name), name);
    await store(inDatabase(), second, Buffer.from('x'), 'x.txt');
    const listed = await listAttachments(t.db, [second.messageId, first.messageId]);
    const byMessage = (id: string) => listed.filter((a) => a.messageId === id).map((a) => a.filename);
    expect(byMessage(first.messageId)).toEqual(['c.txt', 'a.txt', 'b.txt']);
    expect(byMessage(second.messageId)).toEqual(['x.txt']);
    expect(listed).toHaveLength(4);
    expect(await listAttachments(t.db, [])).toEqual([]);
  });

  it('a filename loses any path and control characters; a content type keeps only type/subtype', async () => {
    const target = await newMessage();
    const stored = await inTransaction(t.db, (tx) =>
      storeAttachment({ tx, clock: t.ctx.clock }, inDatabase(), {
        ...target,
        filename: '..\\..\\etc/pass\u0000wd\r\n',
        contentType: 'Text/Plain; charset=utf-8',
        content: Buffer.from('x'),
      }),
    );
    const odd = await inTransaction(t.db, (tx) =>
      storeAttachment({ tx, clock: t.ctx.clock }, inDatabase(), {
        ...target,
        filename: '/',
        contentType: 'not a type',
        content: Buffer.from('x'),
      }),
    );
    expect(stored).toMatchObject({ filename: 'passwd', contentType: 'text/plain' });
    expect(odd).toMatchObject({ filename: 'attachment', contentType: 'application/octet-stream' });
  });
});
