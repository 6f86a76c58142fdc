import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from './helpers/factories.js';

let t: TestApp;
let tenant: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
});

/** Everything a refused request could have written: rows in each table that tickets touch. */
async function snapshot() {
  const result = await t.db.execute(sql`SELECT
    (SELECT count(*) FROM tickets)::int AS tickets,
    (SELECT count(*) FROM messages)::int AS messages,
    (SELECT count(*) FROM customers)::int AS customers,
    (SELECT count(*) FROM audit_events)::int AS audit_events,
    (SELECT count(*) FROM ticket_watchers)::int AS watchers`);
  return result.rows[0];
}

const getTicket = (id: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: tenant.owner.headers });

/** The documented error shape: a 4xx with {error: {code, message, details?}} and nothing else. */
function expectError(res: { statusCode: number; json: () => unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json() as { error: { code: string; message: string; details?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

const fieldsOf = (details: unknown) => (details as { field: string }[]).map((d) => d.field);

describe('refused requests answer with the error shape and write nothing', () => {
  it('malformed JSON is a 400 MALFORMED_JSON and creates no ticket', async () => {
    const before = await snapshot();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${tenant.projectId}/tickets`,
      headers: { ...tenant.owner.headers, 'content-type': 'application/json' },
      payload: '{"subject": "Broken", "body": ',
    });
    expectError(res, 400, 'MALFORMED_JSON');
    expect(await snapshot()).toEqual(before);
  });

  it('a value of the wrong type is a 400 VALIDATION_ERROR naming the field', async () => {
    const before = await snapshot();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${tenant.projectId}/tickets`,
      headers: tenant.owner.headers,
      payload: {
        subject: 42,
        body: 'Hello',
        requester: { email: 'x@example.com', name: 'X' },
        tags: 'not-a-list',
      },
    });
    const error = expectError(res, 400, 'VALIDATION_ERROR');
    expect(fieldsOf(error.details)).toEqual(expect.arrayContaining(['subject', 'tags']));
    expect(error.message).toContain('subject');
    expect(await snapshot()).toEqual(before);
  });

  it('an unknown ticket id is a 404 NOT_FOUND for reads and writes alike', async () => {
    const before = await snapshot();
    const unknown = randomUUID();
    expectError(await getTicket(unknown), 404, 'NOT_FOUND');
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${unknown}`,
      headers: tenant.owner.headers,
      payload: { priority: 'high' },
    });
    expectError(patch, 404, 'NOT_FOUND');
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${unknown}/messages`,
      headers: tenant.owner.headers,
      payload: { body: 'Anyone there?' },
    });
    expectError(reply, 404, 'NOT_FOUND');
    const project = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${randomUUID()}/tickets`,
      headers: tenant.owner.headers,
      payload: { subject: 'Hi', body: 'Hi', requester: { email: 'y@example.com', name: 'Y' } },
    });
    expectError(project, 404, 'NOT_FOUND');
    expect(await snapshot()).toEqual(before);
  });

  it('an id that is not a UUID in the path is a 400 naming the parameter', async () => {
    const error = expectError(await getTicket('not-a-uuid'), 400, 'VALIDATION_ERROR');
    expect(fieldsOf(error.details)).toContain('ticketId');
  });

  it('a message of 10,001 characters is a 400 on body; 10,000 characters are accepted', async () => {
    const ticket = await buildTicket(t, tenant);
    const before = await snapshot();
    const post = (body: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${ticket.id}/messages`,
        headers: tenant.owner.headers,
        payload: { body },
      });
    const tooLong = await post('x'.repeat(10_001));
    const error = expectError(tooLong, 400, 'VALIDATION_ERROR');
    expect(fieldsOf(error.details)).toEqual(['body']);
    expect(await snapshot()).toEqual(before);
    expect((await getTicket(ticket.id)).json().thread).toHaveLength(1);

    const longest = await post('y'.repeat(10_000));
    expect(longest.statusCode, longest.body).toBe(201);
    expect(longest.json().body).toHaveLength(10_000);
  });

  it('a new ticket whose first message has 10,001 characters is refused as a whole', async () => {
    const before = await snapshot();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${tenant.projectId}/tickets`,
      headers: tenant.owner.headers,
      payload: {
        subject: 'Long',
        body: 'z'.repeat(10_001),
        requester: { email: 'long@example.com', name: 'L' },
      },
    });
    expect(fieldsOf(expectError(res, 400, 'VALIDATION_ERROR').details)).toEqual(['body']);
    expect(await snapshot()).toEqual(before);
  });

  it('an unknown status is a 400 naming status, and the ticket is unchanged', async () => {
    const ticket = await buildTicket(t, tenant);
    const before = await snapshot();
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
      payload: { status: 'done', priority: 'urgent' },
    });
    expect(fieldsOf(expectError(res, 400, 'VALIDATION_ERROR').details)).toEqual(['status']);
    expect(await snapshot()).toEqual(before);
    expect((await getTicket(ticket.id)).json()).toMatchObject({ status: 'open', priority: 'normal' });
  });

  it('a forbidden action is a 403 FORBIDDEN, and the permitted parts of the same request are not applied', async () => {
    const ticket = await buildTicket(t, tenant);
    const member = await buildMember(t, tenant, {
      permissions: ['tickets.view_all', 'tickets.change_priority'],
    });
    const before = await snapshot();
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: member.headers,
      payload: { priority: 'urgent', status: 'resolved' },
    });
    expect(expectError(patch, 403, 'FORBIDDEN').message).toContain('tickets.change_status');
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: member.headers,
    });
    expectError(remove, 403, 'FORBIDDEN');
    expect(await snapshot()).toEqual(before);
    expect((await getTicket(ticket.id)).json()).toMatchObject({ priority: 'normal', status: 'open' });
  });

  it('a request without credentials is a 401 UNAUTHENTICATED', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/projects/${tenant.projectId}/tickets` });
    expectError(res, 401, 'UNAUTHENTICATED');
  });
});

describe('transport errors', () => {
  it('an unknown route is a 404 NOT_FOUND in the same shape', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/no-such-thing?x=1',
      headers: tenant.owner.headers,
    });
    const error = expectError(res, 404, 'NOT_FOUND');
    expect(error.message).toContain('/api/v1/no-such-thing');
  });

  it('a body over 1 MiB is a 413 PAYLOAD_TOO_LARGE and writes nothing', async () => {
    const before = await snapshot();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${tenant.projectId}/tickets`,
      headers: tenant.owner.headers,
      payload: {
        subject: 'Huge',
        body: 'h'.repeat(1024 * 1024 + 1),
        requester: { email: 'huge@example.com', name: 'H' },
      },
    });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(await snapshot()).toEqual(before);
  });

  it('a body in a content type the route does not accept is a 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${tenant.projectId}/tickets`,
      headers: { ...tenant.owner.headers, 'content-type': 'application/xml' },
      payload: '<ticket><subject>Hi</subject></ticket>',
    });
    expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});
