import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { type FilePart, multipart } from '../../../../tests/helpers/multipart.js';
import { linksIn, startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { sendDeliveryJob } from '../delivery/index.js';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let tenant: Tenant;
const MAIL_MAX = 16 * 1024;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url, attachmentMailMaxBytes: MAIL_MAX });
  tenant = await buildAccount(t);
});
afterAll(() => smtp?.close());

async function replyWith(files: FilePart[], internal = false) {
  const requester = { email: `req-${randomBytes(4).toString('hex')}@example.com`, name: 'Rita' };
  const ticket = await buildTicket(t, tenant, { requester });
  const body = multipart({ body: 'The files you asked for.', internal: String(internal) }, files);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticket.id}/messages`,
    headers: { ...tenant.owner.headers, ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  await t.runJobs(sendDeliveryJob);
  return smtp.to(requester.email);
}

describe("a public reply's mail to the requester carries its files", () => {
  it('files that fit ATTACHMENT_MAIL_MAX_BYTES go along as attachments, byte for byte', async () => {
    const pdf = { filename: 'quote.pdf', contentType: 'application/pdf', content: randomBytes(9_000) };
    const png = { filename: 'shot.png', contentType: 'image/png', content: randomBytes(7_000) };
    const [mail, ...more] = await replyWith([pdf, png]);
    expect(more).toHaveLength(0);
    const parsed = mail?.parsed;
    expect(parsed?.attachments.map((a) => [a.filename, a.mimeType])).toEqual([
      ['quote.pdf', 'application/pdf'],
      ['shot.png', 'image/png'],
    ]);
    expect(Buffer.from(parsed?.attachments[0]?.content as ArrayBuffer).equals(pdf.content)).toBe(true);
    expect(Buffer.from(parsed?.attachments[1]?.content as ArrayBuffer).equals(png.content)).toBe(true);
    expect(parsed?.text).not.toContain('/attachments/');
  });

  it('past the threshold the mail links to each file through the portal link instead, and the link downloads it', async () => {
    const big = {
      filename: 'dump.bin',
      contentType: 'application/octet-stream',
      content: randomBytes(MAIL_MAX + 1),
    };
    const [mail] = await replyWith([big]);
    const parsed = mail?.parsed;
    expect(parsed?.attachments).toEqual([]);
    const link = linksIn(parsed?.text ?? '').find((l) => l.includes('/attachments/'));
    expect(link).toBeDefined();
    expect(parsed?.text).toContain('dump.bin (16 kB)');
    expect(parsed?.html).toContain(`href="${link}"`);
    const url = new URL(link as string);
    expect(url.pathname).toMatch(/^\/p\/[^/]+\/attachments\/[0-9a-f-]{36}$/);
    const got = await t.app.inject({ method: 'GET', url: url.pathname });
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(big.content)).toBe(true);
  });

  it("an internal note's files are never mailed (the note sends no mail at all)", async () => {
    const mails = await replyWith(
      [{ filename: 'secret.txt', contentType: 'text/plain', content: Buffer.from('x') }],
      true,
    );
    expect(mails).toHaveLength(0);
  });
});
