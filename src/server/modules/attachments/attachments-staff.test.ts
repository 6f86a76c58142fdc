import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { type FilePart, multipart } from '../../../../tests/helpers/multipart.js';

let t: TestApp;
let tenant: Tenant;
const MAX_FILE = 64 * 1024;
const MAX_MESSAGE = 96 * 1024;

beforeAll(async () => {
  t = await createTestApp({ attachmentMaxBytes: MAX_FILE, attachmentMessageMaxBytes: MAX_MESSAGE });
  tenant = await buildAccount(t);
});

const pdf: FilePart = {
  filename: 'report.pdf',
  contentType: 'application/pdf',
  content: randomBytes(40_000),
};
const png: FilePart = { filename: 'screen.png', contentType: 'image/png', content: randomBytes(2_000) };

async function post(
  ticketId: string,
  fields: Record<string, string>,
  files: FilePart[],
  headers = tenant.owner.headers,
) {
  const body = multipart(fields, files);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticketId}/messages`,
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
}

const download = (id: string, headers: Record<string, string> = tenant.owner.headers) =>
  t.app.inject({ method: 'GET', url: `/api/v1/attachments/${id}`, headers });

async function rowCounts(ticketId: string) {
  const result = await t.db.$client.query<{ messages: number; attachments: number; chunks: number }>(
    `SELECT (SELECT count(*) FROM messages WHERE ticket_id = $1)::int AS messages,
            (SELECT count(*) FROM attachments WHERE ticket_id = $1)::int AS attachments,
            (SELECT count(*) FROM attachment_chunks)::int AS chunks`,
    [ticketId],
  );
  return result.rows[0];
}

describe('staff replies and notes carry files (multipart/form-data, fields first)', () => {
  it('a reply with two files lists them on the message and in the thread, and each downloads byte for byte', async () => {
    const ticket = await buildTicket(t, tenant);
    const res = await post(ticket.id, { body: 'Logs attached.' }, [pdf, png]);
    expect(res.statusCode, res.body).toBe(201);
    const message = res.json();
    expect(message.kind).toBe('public');
    expect(message.attachments.map((a: { filename: string; size: number }) => [a.filename, a.size])).toEqual([
      ['report.pdf', pdf.content.length],
      ['screen.png', png.content.length],
    ]);
    const thread = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/tickets/${ticket.id}`,
        headers: tenant.owner.headers,
      })
    ).json().thread;
    expect(thread.find((m: { id: string }) => m.id === message.id).attachments).toEqual(message.attachments);
    expect(thread[0].attachments).toEqual([]);
    const got = await download(message.attachments[0].id);
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(pdf.content)).toBe(true);
  });

  it('an internal note takes files the same way (internal as a form field)', async () => {
    const ticket = await buildTicket(t, tenant);
    const res = await post(ticket.id, { body: 'Private', internal: 'true' }, [png]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'internal', attachments: [{ filename: 'screen.png' }] });
  });

  it('JSON replies still work and have no files', async () => {
    const ticket = await buildTicket(t, tenant);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${ticket.id}/messages`,
      headers: tenant.owner.headers,
      payload: { body: 'Plain', internal: false },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().attachments).toEqual([]);
  });
});

describe('limits: too large is 413 ATTACHMENT_TOO_LARGE and nothing is written', () => {
  it('one file over ATTACHMENT_MAX_BYTES refuses the whole reply', async () => {
    const ticket = await buildTicket(t, tenant);
    const before = await rowCounts(ticket.id);
    const big = { ...pdf, content: randomBytes(MAX_FILE + 1) };
    const res = await post(ticket.id, { body: 'Too big' }, [png, big]);
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({
      code: 'ATTACHMENT_TOO_LARGE',
      details: { per: 'file', limitBytes: MAX_FILE },
    });
    expect(await rowCounts(ticket.id)).toEqual(before);
  });

  it('files together over ATTACHMENT_MESSAGE_MAX_BYTES refuse the reply', async () => {
    const ticket = await buildTicket(t, tenant);
    const before = await rowCounts(ticket.id);
    const res = await post(ticket.id, { body: 'Two halves' }, [
      { ...pdf, content: randomBytes(MAX_FILE) },
      { ...pdf, filename: 'second.pdf', content: randomBytes(MAX_MESSAGE - MAX_FILE + 1) },
    ]);
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'ATTACHMENT_TOO_LARGE', details: { per: 'message' } });
    expect(await rowCounts(ticket.id)).toEqual(before);
  });

  it('a field after the files, a field sent twice or a broken body is a 400 and writes nothing', async () => {
    const ticket = await buildTicket(t, tenant);
    const before = await rowCounts(ticket.id);
    const late = multipart({ body: 'Hello' }, [png], { internal: 'true' });
    const twice = multipart(
      [
        ['body', 'Hello'],
        ['body', 'again'],
      ],
      [png],
    );
    const broken = multipart({ body: 'Hello' }, [png]);
    for (const [payload, headers, message] of [
      [late.payload, late.headers, /before the files/],
      [twice.payload, twice.headers, /more than once/],
      [broken.payload.subarray(0, broken.payload.length - 500), broken.headers, /malformed/],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${ticket.id}/messages`,
        headers: { ...tenant.owner.headers, ...headers },
        payload,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_ERROR');
      expect(res.json().error.message).toMatch(message);
    }
    expect(await rowCounts(ticket.id)).toEqual(before);
  });
});

describe('downloads are for staff who can see the ticket', () => {
  it('staff who cannot see the ticket, another account and the anonymous get no file', async () => {
    const ticket = await buildTicket(t, tenant);
    const [file] = (await post(ticket.id, { body: 'x' }, [pdf])).json().attachments;
    const outsider = await buildMember(t, tenant, { permissions: ['messages.create'] });
    const other = await buildAccount(t);
    expect((await download(file.id, outsider.headers)).statusCode).toBe(404);
    expect((await download(file.id, other.owner.headers)).statusCode).toBe(404);
    expect((await download(file.id, {})).statusCode).toBe(401);
    const viewer = await buildMember(t, tenant, { permissions: ['tickets.view_all'] });
    expect((await download(file.id, viewer.headers)).statusCode).toBe(200);
  });

  it('a file of a ticket in the trash is not found', async () => {
    const ticket = await buildTicket(t, tenant);
    const [file] = (await post(ticket.id, { body: 'x' }, [pdf])).json().attachments;
    const trashed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
    });
    expect(trashed.statusCode).toBe(204);
    expect((await download(file.id)).statusCode).toBe(404);
  });
});

describe('download headers', () => {
  async function stored(file: FilePart) {
    const ticket = await buildTicket(t, tenant);
    const res = await post(ticket.id, { body: 'x' }, [file]);
    expect(res.statusCode, res.body).toBe(201);
    return download(res.json().attachments[0].id);
  }

  it('a PDF is a download named in RFC 5987 form, with nosniff and a CSP that allows nothing', async () => {
    const res = await stored({ ...pdf, filename: 'résumé plan.pdf' });
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="r_sum_ plan.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20plan.pdf`,
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; sandbox; frame-ancestors 'none'",
    );
    expect(res.headers['content-length']).toBe(String(pdf.content.length));
  });

  it('raster images are shown inline; HTML and SVG never are, and are sent as plain bytes', async () => {
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp']) {
      const res = await stored({ ...png, contentType: type });
      expect(res.headers['content-disposition'], type).toMatch(/^inline; /);
      expect(res.headers['content-type']).toBe(type);
    }
    for (const type of ['text/html', 'image/svg+xml', 'application/xhtml+xml']) {
      const res = await stored({
        filename: 'page',
        contentType: type,
        content: Buffer.from('<script>alert(1)</script>'),
      });
      expect(res.headers['content-disposition'], type).toMatch(/^attachment; /);
      expect(res.headers['content-type'], type).toBe('application/octet-stream');
    }
  });
});
