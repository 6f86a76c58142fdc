import { randomBytes, randomInt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { type FilePart, multipart } from '../../../../tests/helpers/multipart.js';
import { portalLinkOf, signInCustomer, solveCaptcha } from '../../../../tests/helpers/portal.js';

let t: TestApp;
let tenant: Tenant;
const MAX_FILE = 64 * 1024;

beforeAll(async () => {
  t = await createTestApp({ attachmentMaxBytes: MAX_FILE });
  tenant = await buildAccount(t);
});

const unique = () => randomBytes(4).toString('hex');
const file = (filename: string, size = 3_000): FilePart => ({
  filename,
  contentType: 'application/pdf',
  content: randomBytes(size),
});

async function newTicket() {
  const requester = { email: `casey-${unique()}@example.com`, name: 'Casey' };
  const ticket = await buildTicket(t, tenant, { requester });
  return { ...ticket, email: requester.email, path: portalLinkOf(t, ticket.id) };
}

async function staffPost(ticketId: string, fields: Record<string, string>, files: FilePart[]) {
  const body = multipart(fields, files);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticketId}/messages`,
    headers: { ...tenant.owner.headers, ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; attachments: { id: string; filename: string }[] };
}

/** A requester's reply as the portal page's form sends it (multipart, from a client address of its own). */
async function formReply(path: string, body: string, files: FilePart[]) {
  const form = multipart({ body, website: '', altcha: await solveCaptcha(t) }, files);
  return t.app.inject({
    method: 'POST',
    url: `${path}/reply`,
    remoteAddress: `10.1.${randomInt(256)}.${randomInt(1, 255)}`,
    headers: form.headers,
    payload: form.payload,
  });
}

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });
const apiPathOf = (path: string) => path.replace('/p/', '/api/v1/portal/');

async function counts(ticketId: string) {
  const result = await t.db.$client.query<{ messages: number; attachments: number }>(
    `SELECT (SELECT count(*) FROM messages WHERE ticket_id = $1)::int AS messages,
            (SELECT count(*) FROM attachments WHERE ticket_id = $1)::int AS attachments`,
    [ticketId],
  );
  return result.rows[0];
}

describe('requesters attach files to portal replies', () => {
  it("the page's form sends files with the reply; the page lists them and they download byte for byte", async () => {
    const ticket = await newTicket();
    const pdf = file('invoice.pdf');
    const sent = await formReply(ticket.path, 'Here is the invoice.', [pdf]);
    expect(sent.statusCode, sent.body).toBe(303);
    const html = (await get(ticket.path)).body;
    const [, href] = html.match(/<a href="([^"]+\/attachments\/[^"]+)">invoice\.pdf<\/a>/) ?? [];
    expect(href).toBeDefined();
    const got = await get(href as string);
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(pdf.content)).toBe(true);
    expect(got.headers['content-disposition']).toMatch(/^attachment; /);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    // Staff see the requester's file on the message.
    const thread = (await get(`/api/v1/tickets/${ticket.id}`, tenant.owner.headers)).json().thread;
    expect(thread.at(-1).attachments.map((a: { filename: string }) => a.filename)).toEqual(['invoice.pdf']);
  });

  it('the portal JSON API takes the same multipart reply and lists the files on the message', async () => {
    const ticket = await newTicket();
    const form = multipart({ body: 'Logs', altcha: await solveCaptcha(t) }, [file('a.log'), file('b.log')]);
    const res = await t.app.inject({
      method: 'POST',
      url: `${apiPathOf(ticket.path)}/messages`,
      headers: form.headers,
      payload: form.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    const names = res.json().message.attachments.map((a: { filename: string }) => a.filename);
    expect(names).toEqual(['a.log', 'b.log']);
    const view = (await get(apiPathOf(ticket.path))).json();
    const [listed] = view.thread.at(-1).attachments;
    const got = await get(`${apiPathOf(ticket.path)}/attachments/${listed.id}`);
    expect(got.statusCode).toBe(200);
    expect(Number(got.headers['content-length'])).toBe(listed.size);
  });

  it('a file over the limit is refused (413 ATTACHMENT_TOO_LARGE, the page says so) and nothing is written', async () => {
    const ticket = await newTicket();
    const before = await counts(ticket.id);
    const page = await formReply(ticket.path, 'Big one', [file('big.bin', MAX_FILE + 1)]);
    expect(page.statusCode).toBe(413);
    expect(page.body).toMatch(/id="reply-error"[^>]*>The attachments are too large: at most/);
    expect(page.body).toContain('Big one');
    const form = multipart({ body: 'Big one', altcha: await solveCaptcha(t) }, [
      file('big.bin', MAX_FILE + 1),
    ]);
    const api = await t.app.inject({
      method: 'POST',
      url: `${apiPathOf(ticket.path)}/messages`,
      headers: form.headers,
      payload: form.payload,
    });
    expect(api.statusCode).toBe(413);
    expect(api.json().error.code).toBe('ATTACHMENT_TOO_LARGE');
    expect(await counts(ticket.id)).toEqual(before);
  });
});

describe("an internal note's files never reach a requester", () => {
  it('no requester path lists or serves a note file (marker), while the public reply file next to it is served', async () => {
    const ticket = await newTicket();
    const marker = `MARKER-${unique()}.txt`;
    const note = await staffPost(ticket.id, { body: 'Between us', internal: 'true' }, [
      { filename: marker, contentType: 'text/plain', content: Buffer.from(marker) },
    ]);
    const reply = await staffPost(ticket.id, { body: 'See attached' }, [file('public.pdf')]);
    const noteFile = note.attachments[0]?.id as string;
    const publicFile = reply.attachments[0]?.id as string;
    const session = await signInCustomer(t, tenant.accountId, ticket.email);
    const sessionBase = `/portal/${tenant.accountId}/tickets/${ticket.id}`;

    for (const [listing, headers] of [
      [ticket.path, {}],
      [apiPathOf(ticket.path), {}],
      [sessionBase, session],
    ] as const) {
      const res = await get(listing, headers);
      expect(res.statusCode, listing).toBe(200);
      expect(res.body, listing).not.toContain(marker);
      expect(res.body, listing).not.toContain(noteFile);
      expect(res.body, listing).toContain(publicFile);
    }
    for (const [base, headers] of [
      [ticket.path, {}],
      [apiPathOf(ticket.path), {}],
      [sessionBase, session],
    ] as const) {
      const hidden = await get(`${base}/attachments/${noteFile}`, headers);
      expect(hidden.statusCode, base).toBe(404);
      expect(hidden.body, base).not.toContain(marker);
      const shown = await get(`${base}/attachments/${publicFile}`, headers);
      expect(shown.statusCode, base).toBe(200);
    }
  });

  it("another ticket's file is not found through this ticket's link, nor a trashed ticket's", async () => {
    const mine = await newTicket();
    const other = await newTicket();
    const [theirs] = (await staffPost(other.id, { body: 'x' }, [file('theirs.pdf')])).attachments;
    expect((await get(`${apiPathOf(mine.path)}/attachments/${theirs?.id}`)).statusCode).toBe(404);
    expect((await get(`${mine.path}/attachments/${theirs?.id}`)).statusCode).toBe(404);
    expect((await get(`${other.path}/attachments/${theirs?.id}`)).statusCode).toBe(200);
    const trashed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tickets/${other.id}`,
      headers: tenant.owner.headers,
    });
    expect(trashed.statusCode).toBe(204);
    expect((await get(`${other.path}/attachments/${theirs?.id}`)).statusCode).toBe(404);
    expect((await get(`${apiPathOf(other.path)}/attachments/${theirs?.id}`)).statusCode).toBe(404);
  });
});
