import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { splitMail } from './inbound-mime.js';
import { nameInlineImages, parseMail } from './inbound-parse.js';

const fixture = (name: string) =>
  fs.readFileSync(new URL(`../../../../tests/fixtures/mail/${name}`, import.meta.url));

/** Splits `raw` in pieces of `size` bytes, as the SMTP listener receives it. */
const pieces = (raw: Buffer, size: number) =>
  Array.from({ length: Math.ceil(raw.length / size) }, (_, i) => raw.subarray(i * size, (i + 1) * size));

async function storeAll(raw: readonly Buffer[]) {
  const stored: { name: string; type: string; bytes: Buffer; largestPiece: number }[] = [];
  await splitMail(raw, async (part, content) => {
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    stored.push({
      name: part.filename,
      type: part.contentType,
      bytes: Buffer.concat(chunks),
      largestPiece: Math.max(0, ...chunks.map((c) => c.length)),
    });
  });
  return stored;
}

describe('splitting a mail into its text and its files', () => {
  it('the multipart fixture yields its inline image and its PDF with their names, types, Content-IDs and exact bytes', async () => {
    const raw = fixture('attachments.eml');
    const expected = await PostalMime.parse(raw);
    for (const size of [raw.length, 7]) {
      const { parts } = await splitMail(pieces(raw, size));
      expect(parts).toEqual([
        { filename: 'shot.png', contentType: 'image/png', contentId: 'shot@example.org' },
        { filename: 'invoice.pdf', contentType: 'application/pdf', contentId: null },
      ]);
      const stored = await storeAll(pieces(raw, size));
      expect(stored.map((s) => [s.name, s.type])).toEqual([
        ['shot.png', 'image/png'],
        ['invoice.pdf', 'application/pdf'],
      ]);
      for (const [i, file] of stored.entries()) {
        expect(file.bytes.equals(Buffer.from(expected.attachments[i]?.content as ArrayBuffer))).toBe(true);
      }
    }
  });

  it('the skeleton keeps the headers and the text but no file body, and parses to the same text', async () => {
    const raw = fixture('attachments.eml');
    const { skeleton } = await splitMail([raw]);
    expect(skeleton.toString()).toContain('Content-ID: <shot@example.org>');
    expect(skeleton.toString()).not.toContain('iVBORw0KGgo');
    expect(skeleton.toString()).not.toContain('JVBERi0xLjQ');
    const [whole, parsed] = await Promise.all([PostalMime.parse(raw), PostalMime.parse(skeleton)]);
    expect(parsed.html).toBe(whole.html);
    expect(parsed.subject).toBe(whole.subject);
  });

  it('a 25 MB attachment reaches the store in pieces, never decoded whole, byte for byte', async () => {
    const content = randomBytes(25 * 1024 * 1024);
    const raw = await new MailComposer({
      from: 'big@example.org',
      to: 'support@example.com',
      subject: 'big',
      text: 'See the attached file.',
      attachments: [{ filename: 'big.bin', content }],
    })
      .compile()
      .build();
    const [file] = await storeAll(pieces(raw, 64 * 1024));
    expect(file?.name).toBe('big.bin');
    expect(file?.bytes.equals(content)).toBe(true);
    expect(file?.largestPiece).toBeLessThan(1024 * 1024);
  });

  it("a delivery report's parts are its evidence, not files; a plain mail has none", async () => {
    expect((await splitMail([fixture('dsn-bounce.eml')])).parts).toEqual([]);
    expect((await splitMail([fixture('gmail-reply.eml')])).parts).toEqual([]);
  });

  it('an attachment without a name gets one from its place; path characters never survive in a name', async () => {
    const raw = Buffer.from(
      [
        'From: a@example.org',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'two files',
        '--b',
        'Content-Type: application/octet-stream',
        '',
        'no name',
        '--b',
        'Content-Type: application/octet-stream',
        'Content-Disposition: attachment; filename="../../etc/passwd"',
        '',
        'x',
        '--b--',
        '',
      ].join('\r\n'),
    );
    expect((await splitMail([raw])).parts.map((p) => p.filename)).toEqual(['part-1', '.._.._etc_passwd']);
  });
});

describe('inline images in the text', () => {
  it('a cid: image in the HTML becomes the name of the attached image', async () => {
    const parsed = await parseMail([fixture('attachments.eml')]);
    expect(parsed.body).toContain('Screenshot of the error: [image: shot.png]');
    expect(parsed.body).not.toContain('cid:');
  });

  it('the [cid:…] of plain-text clients is named too; an unknown Content-ID says only that an image was there', () => {
    const parts = [{ filename: 'logo.png', contentType: 'image/png', contentId: 'image001.png@01DA' }];
    expect(nameInlineImages('Hi [cid:image001.png@01DA] and ![x](cid:nope@x)', parts)).toBe(
      'Hi [image: logo.png] and [image]',
    );
  });
});
