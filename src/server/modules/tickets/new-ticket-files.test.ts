import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, type Tenant } from '../../../../tests/helpers/factories.js';
import { type FilePart, multipart } from '../../../../tests/helpers/multipart.js';
import { allBut, expectError, permissionHelpers } from '../../../../tests/helpers/permissions.js';

let t: TestApp;
let tenant: Tenant;
const MAX_FILE = 64 * 1024;
const { member } = permissionHelpers(() => ({ t, tenant }));

beforeAll(async () => {
  t = await createTestApp({ attachmentMaxBytes: MAX_FILE });
  tenant = await buildAccount(t);
});

const pdf: FilePart = {
  filename: 'invoice.pdf',
  contentType: 'application/pdf',
  content: randomBytes(30_000),
};

function post(fields: Record<string, string>, files: FilePart[], headers = tenant.owner.headers) {
  const body = multipart(fields, files);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/projects/${tenant.projectId}/tickets`,
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
}

const fields = (email: string, extra: Record<string, string> = {}) => ({
  subject: 'Wrong invoice',
  body: 'See the attached invoice.',
  'requester.email': email,
  'requester.name': 'Ivy Invoice',
  notifyRequester: 'false',
  ...extra,
});

const counts = async () =>
  (
    await t.db.execute<{ tickets: number; attachments: number; chunks: number }>(sql`
      SELECT (SELECT count(*) FROM tickets)::int AS tickets,
             (SELECT count(*) FROM attachments)::int AS attachments,
             (SELECT count(*) FROM attachment_chunks)::int AS chunks`)
  ).rows[0];

describe('a new ticket from staff carries files (multipart/form-data)', () => {
  it("the files are on the requester's first message, byte for byte", async () => {
    const email = `ivy-${randomBytes(3).toString('hex')}@example.com`;
    const res = await post(fields(email, { priority: 'high' }), [pdf]);
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json() as { id: string; requester: { email: string }; priority: string };
    expect(created.requester.email).toBe(email);
    expect(created.priority).toBe('high');
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${created.id}`,
      headers: tenant.owner.headers,
    });
    const [first] = view.json().thread as { body: string; attachments: { id: string; filename: string }[] }[];
    expect(first?.body).toBe('See the attached invoice.');
    expect(first?.attachments.map((a) => a.filename)).toEqual(['invoice.pdf']);
    const download = await t.app.inject({
      method: 'GET',
      url: `/api/v1/attachments/${first?.attachments[0]?.id}`,
      headers: tenant.owner.headers,
    });
    expect(download.rawPayload.equals(pdf.content)).toBe(true);
  });

  it('a file past the limit refuses the whole ticket: 413, no ticket, no file, no customer mail queued', async () => {
    const before = await counts();
    const res = await post(
      fields(`big-${randomBytes(3).toString('hex')}@example.com`, { notifyRequester: 'true' }),
      [{ ...pdf, content: randomBytes(MAX_FILE + 1) }],
    );
    expectError(res, 413, 'ATTACHMENT_TOO_LARGE');
    expect(await counts()).toEqual(before);
    const mails = await t.db.execute(sql`SELECT 1 FROM deliveries WHERE kind = 'acknowledgement'`);
    expect(mails.rows).toHaveLength(0);
  });

  it('names a missing requester field as the JSON route would', async () => {
    const { 'requester.name': _, ...withoutName } = fields('no-name@example.com');
    const res = await post(withoutName, []);
    expectError(res, 400, 'VALIDATION_ERROR');
    expect(res.body).toContain('requester');
  });

  it('needs tickets.create, and tickets.assign for an assignee, before any file is stored', async () => {
    const before = await counts();
    const noCreate = await member(allBut('tickets.create'));
    expectError(await post(fields('a@example.com'), [pdf], noCreate.headers), 403, 'FORBIDDEN');
    const noAssign = await member(allBut('tickets.assign'));
    const colleague = await buildMember(t, tenant);
    expectError(
      await post(fields('a@example.com', { assigneeId: colleague.userId }), [pdf], noAssign.headers),
      403,
      'FORBIDDEN',
    );
    expect(await counts()).toEqual(before);
  });
});
