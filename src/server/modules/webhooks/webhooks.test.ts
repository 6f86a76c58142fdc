import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { expectError } from '../../../../tests/helpers/permissions.js';
import { startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { sendDeliveryJob } from '../delivery/index.js';
import { isForbiddenAddress } from './webhook-address.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP receiver: answers each request with the next queued behaviour (then 200). */
async function startReceiver() {
  const received: Received[] = [];
  const plan: ((res: ServerResponse) => void)[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const next = plan.shift();
      if (next) next(res);
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { received, plan, port, close: () => new Promise((r) => server.close(r)) };
}

let t: TestApp;
let tenant: Tenant;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

const api = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  as = tenant.owner,
) => t.app.inject({ method, url, headers: as.headers, ...(payload ? { payload } : {}) });

async function register(
  events: string[],
  extra: object = {},
  url = `http://127.0.0.1:${receiver.port}/hook`,
) {
  const res = await api('POST', '/api/v1/webhooks', { url, events, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string };
}

const log = async (endpointId: string) =>
  (await api('GET', `/api/v1/webhooks/${endpointId}/deliveries`)).json().deliveries as {
    id: string;
    eventId: string;
    type: string;
    status: string;
    lastError: string | null;
    log: { statusCode: number | null; excerpt: string }[];
  }[];

beforeAll(async () => {
  receiver = await startReceiver();
  smtp = await startSmtpServer();
  t = await createTestApp({
    webhooksAllowHttp: true,
    webhooksAllowPrivate: true,
    deliveryTimeoutSeconds: 1,
    smtpUrl: smtp.url,
  });
});
afterAll(async () => {
  await receiver.close();
  await smtp.close();
});

beforeEach(async () => {
  // A fresh account per test: only its own endpoints see its events.
  tenant = await buildAccount(t);
  receiver.received.length = 0;
  receiver.plan.length = 0;
});

describe('webhooks: format and signature', () => {
  it('a delivery is a POST of {id, type, occurred_at, account, data} whose Clearline-Signature verifies with the secret', async () => {
    const endpoint = await register(['ticket.created']);
    const ticket = await buildTicket(t, tenant, { subject: 'Printer' });
    await t.runJobs(sendDeliveryJob);
    expect(receiver.received).toHaveLength(1);
    const [{ headers, body }] = receiver.received as [Received];
    const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['clearline-signature'])) ?? [];
    expect(v1).toBe(createHmac('sha256', endpoint.secret).update(`${ts}.${body}`).digest('hex'));
    const event = JSON.parse(body);
    expect(event).toMatchObject({
      type: 'ticket.created',
      account: { id: tenant.accountId },
      data: { ticket: { id: ticket.id, subject: 'Printer', reference: ticket.reference } },
    });
    expect(headers['clearline-event-id']).toBe(event.id);
    expect(new Date(event.occurred_at).toISOString()).toBe(event.occurred_at);
    // The secret is sealed at rest and can be read back by the owner.
    const secret = await api('GET', `/api/v1/webhooks/${endpoint.id}/secret`);
    expect(secret.json().secret).toBe(endpoint.secret);
    const stored = await t.db.$client.query('SELECT secret_sealed FROM webhook_endpoints WHERE id = $1', [
      endpoint.id,
    ]);
    expect(stored.rows[0].secret_sealed).not.toContain(endpoint.secret);
  });

  it('only chosen events are sent, and internal notes only when chosen explicitly', async () => {
    const publicOnly = await register(['message.created']);
    const withNotes = await register(['message.created'], { includeInternalNotes: true });
    const ticket = await buildTicket(t, tenant);
    await api('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'A note', internal: true });
    await api('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'A reply' });
    await t.runJobs(sendDeliveryJob);
    const kinds = async (id: string) =>
      (await log(id)).map((d) => receiver.received.find((r) => JSON.parse(r.body).id === d.eventId)?.body);
    const publicKinds = (await kinds(publicOnly.id)).map((b) => JSON.parse(b as string).data.message.kind);
    const allKinds = (await kinds(withNotes.id)).map((b) => JSON.parse(b as string).data.message.kind);
    expect(publicKinds).toEqual(['public']);
    expect(allKinds.sort()).toEqual(['internal', 'public']);
  });

  it('status changes and the survey lifecycle (created, answered, withdrawn, expired) are sent', async () => {
    const endpoint = await register([
      'ticket.status_changed',
      'csat.survey_created',
      'csat.survey_answered',
      'csat.survey_withdrawn',
      'csat.survey_expired',
    ]);
    await api('PUT', `/api/v1/projects/${tenant.projectId}/csat/settings`, {
      enabled: true,
      expiryDays: 5,
      invitationText: 'How did we do?',
    });
    const ticket = await buildTicket(t, tenant);
    await api('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'resolved' });
    await api('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'open' });
    await api('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'resolved' });
    t.clock.advance(6 * 24 * 3600 * 1000);
    const { expireSurveysJob } = await import('../csat/index.js');
    await inTransaction(t.db, (tx) => t.ctx.jobs.enqueue(tx, expireSurveysJob, {}));
    await t.runJobs(expireSurveysJob);
    await t.runJobs(sendDeliveryJob);
    const types = receiver.received.map((r) => JSON.parse(r.body).type);
    expect(types).toEqual(
      expect.arrayContaining([
        'ticket.status_changed',
        'csat.survey_created',
        'csat.survey_withdrawn',
        'csat.survey_expired',
      ]),
    );
    const changes = receiver.received
      .map((r) => JSON.parse(r.body))
      .filter((e) => e.type === 'ticket.status_changed')
      .map((e) => e.data);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ to: 'resolved', ticket: expect.objectContaining({ id: ticket.id }) }),
        expect.objectContaining({ from: 'resolved', to: 'open' }),
      ]),
    );
    expect((await log(endpoint.id)).every((d) => d.status === 'sent')).toBe(true);
  });
});

describe('webhooks: delivery pipeline (at-least-once, stable id)', () => {
  it('500 then 200: retried, delivered once, with the same event id', async () => {
    const endpoint = await register(['ticket.created']);
    receiver.plan.push((res) => res.writeHead(500).end('boom'));
    await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    expect(receiver.received).toHaveLength(2);
    const ids = receiver.received.map((r) => JSON.parse(r.body).id);
    expect(ids[0]).toBe(ids[1]);
    const [delivery] = await log(endpoint.id);
    expect(delivery?.status).toBe('sent');
    expect(delivery?.log.map((a) => [a.statusCode, a.excerpt]).sort()).toEqual([
      [200, 'ok'],
      [500, 'boom'],
    ]);
  });

  it('a timeout is retried (the connection is closed at the deadline)', async () => {
    const endpoint = await register(['ticket.created']);
    receiver.plan.push(() => {}); // never answers
    await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    expect(receiver.received).toHaveLength(2);
    const [delivery] = await log(endpoint.id);
    expect(delivery?.status).toBe('sent');
    expect(delivery?.log).toEqual(
      expect.arrayContaining([expect.objectContaining({ statusCode: null, excerpt: 'Timed out.' })]),
    );
    expect(new Set(receiver.received.map((r) => JSON.parse(r.body).id)).size).toBe(1);
  });

  it('429 is retried; another 4xx fails for good without retry', async () => {
    const endpoint = await register(['ticket.created']);
    receiver.plan.push((res) => res.writeHead(429).end());
    receiver.plan.push((res) => res.writeHead(410).end('gone'));
    await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    expect(receiver.received).toHaveLength(2);
    const [delivery] = await log(endpoint.id);
    expect(delivery).toMatchObject({ status: 'failed', lastError: 'HTTP 410' });
  });

  it('a rolled-back change sends nothing (queued in the transaction of the change)', async () => {
    const endpoint = await register(['ticket.created']);
    const ticket = await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    receiver.received.length = 0;
    await expect(
      inTransaction(t.db, async (tx) => {
        await t.ctx.bus.publish(scopeOf(t.ctx, tx), 'ticket.created', {
          ticketId: ticket.id,
          projectId: tenant.projectId,
          accountId: tenant.accountId,
          assigneeId: null,
          actor: { type: 'system' },
          acknowledge: false,
          at: t.clock.now(),
        });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await t.runJobs(sendDeliveryJob);
    expect(receiver.received).toHaveLength(0);
    expect(await log(endpoint.id)).toHaveLength(1);
  });

  it('"send again" delivers the same event id as a new delivery', async () => {
    const endpoint = await register(['ticket.created']);
    await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    const [first] = await log(endpoint.id);
    const again = await api('POST', `/api/v1/webhooks/${endpoint.id}/deliveries/${first?.id}/resend`);
    expect(again.statusCode, again.body).toBe(202);
    await t.runJobs(sendDeliveryJob);
    const ids = receiver.received.map((r) => JSON.parse(r.body).id);
    expect(ids).toEqual([first?.eventId, first?.eventId]);
    expect(await log(endpoint.id)).toHaveLength(2);
  });

  it('an endpoint failing for 3 days is disabled, its owner is mailed once, and it gets no more deliveries', async () => {
    const admin = await buildMember(t, tenant, { role: 'admin' });
    const endpoint = await register(['ticket.created']);
    const disabledMails = (email: string) =>
      smtp.to(email).filter((m) => m.parsed.subject?.includes('webhook endpoint'));
    receiver.plan.push((res) => res.writeHead(400).end());
    await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    // Failing for less than three days: still enabled, nobody mailed.
    expect((await api('GET', `/api/v1/webhooks/${endpoint.id}`)).json()).toMatchObject({ enabled: true });
    expect(disabledMails(tenant.owner.email)).toHaveLength(0);
    t.clock.advance(3 * 24 * 3600 * 1000 + 1000);
    receiver.plan.push((res) => res.writeHead(400).end());
    await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    const shown = (await api('GET', `/api/v1/webhooks/${endpoint.id}`)).json();
    expect(shown).toMatchObject({ enabled: false, disabledForFailures: true });
    const told = disabledMails(tenant.owner.email);
    expect(told).toHaveLength(1);
    expect(told[0]?.parsed.text).toContain(`http://127.0.0.1:${receiver.port}/hook`);
    // Project admins cannot manage webhooks: the mail is the account owner's alone.
    expect(disabledMails(admin.email)).toHaveLength(0);
    await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    expect(receiver.received).toHaveLength(2);
    expect(disabledMails(tenant.owner.email)).toHaveLength(1);
    const enabled = await api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { enabled: true });
    expect(enabled.json()).toMatchObject({ enabled: true, failingSince: null, disabledForFailures: false });
  });

  it('an endpoint disabled by hand is not reported as disabled for failures, and nobody is mailed', async () => {
    const endpoint = await register(['ticket.created']);
    receiver.plan.push((res) => res.writeHead(400).end());
    await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    const off = await api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { enabled: false });
    expect(off.json()).toMatchObject({ enabled: false, disabledForFailures: false });
    t.clock.advance(3 * 24 * 3600 * 1000 + 1000);
    await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    expect(smtp.to(tenant.owner.email).filter((m) => m.parsed.subject?.includes('webhook endpoint'))).toEqual(
      [],
    );
  });
});

describe('webhooks: permissions and tenant isolation', () => {
  it('only the account owner (account.manage) manages endpoints; another account sees 404', async () => {
    const admin = await buildMember(t, tenant, { role: 'admin' });
    expectError(await api('GET', '/api/v1/webhooks', undefined, admin), 403, 'FORBIDDEN');
    expectError(
      await api(
        'POST',
        '/api/v1/webhooks',
        { url: 'https://example.com/h', events: ['ticket.created'] },
        admin,
      ),
      403,
      'FORBIDDEN',
    );
    const endpoint = await register(['ticket.created']);
    const other = await buildAccount(t);
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/secret'],
      ['GET', '/deliveries'],
      ['DELETE', ''],
    ] as const) {
      expectError(
        await api(method, `/api/v1/webhooks/${endpoint.id}${path}`, undefined, other.owner),
        404,
        'NOT_FOUND',
      );
    }
  });
});

describe('webhooks: no server-side request forgery', () => {
  let strict: TestApp;
  let strictTenant: Tenant;
  beforeAll(async () => {
    strict = await createTestApp({ webhooksAllowHttp: true });
    strictTenant = await buildAccount(strict);
  });

  it('without WEBHOOKS_ALLOW_PRIVATE, loopback by IP or by name is refused and nothing reaches it', async () => {
    for (const url of [`http://127.0.0.1:${receiver.port}/h`, `http://localhost:${receiver.port}/h`]) {
      const res = await strict.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: strictTenant.owner.headers,
        payload: { url, events: ['ticket.created'] },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    await buildTicket(strict, strictTenant);
    await strict.runJobs(sendDeliveryJob);
    expect(receiver.received).toHaveLength(0);
    const rows = await strict.db.$client.query(
      "SELECT status, last_error FROM deliveries WHERE channel = 'webhook' AND account_id = $1",
      [strictTenant.accountId],
    );
    expect(rows.rows).toHaveLength(2);
    for (const row of rows.rows) {
      expect(row.status).toBe('failed');
      expect(row.last_error).toMatch(/^Refused: (127\.0\.0\.1|::1) is a private/);
    }
  });

  it('without WEBHOOKS_ALLOW_HTTP, only https:// endpoints are accepted', async () => {
    const httpsOnly = await createTestApp();
    const owner = (await buildAccount(httpsOnly)).owner;
    const res = await httpsOnly.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: owner.headers,
      payload: { url: 'http://example.com/h', events: ['ticket.created'] },
    });
    expectError(res, 400, 'VALIDATION_ERROR');
  });

  it('every forbidden range is recognised, including IPv6 forms of IPv4 ones; public addresses pass', () => {
    const forbidden = [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00:ec2::254',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a9fe:a9fe',
      '2002:c0a8:101::1',
    ];
    expect(forbidden.filter((a) => !isForbiddenAddress(a))).toEqual([]);
    expect(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'].filter(isForbiddenAddress)).toEqual([]);
  });
});
