import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { startSmtpServer, unreachableSmtpUrl } from '../../../../tests/helpers/smtp.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { claimDelivery } from '../delivery/delivery.repo.js';
import {
  INTERNAL_ERROR_TEXT,
  LEASE_SECONDS,
  MAX_DELIVERY_ATTEMPTS,
  requeueStrandedDeliveries,
  STRANDED_AFTER_SECONDS,
} from '../delivery/delivery.service.js';
import { requeueDeliveriesJob, sendDeliveryJob } from '../delivery/index.js';
import { hasSurveyInvitationFailed, queueMail } from './index.js';

let t: TestApp;
let down: TestApp;
let short: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let tenant: Tenant;
let downTenant: Tenant;
let shortTenant: Tenant;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t);
  down = await createTestApp({ smtpUrl: await unreachableSmtpUrl() });
  downTenant = await buildAccount(down);
  short = await createTestApp({ smtpUrl: smtp.url, deliveryTimeoutSeconds: 1 });
  shortTenant = await buildAccount(short);
});

afterAll(() => smtp?.close());

/** A ticket with a fresh requester and an agent's reply to it; the reply's mail is queued. */
async function replyOnNewTicket(app: TestApp, on: Tenant) {
  const email = `req-${randomBytes(4).toString('hex')}@example.com`;
  const ticket = await buildTicket(app, on, { requester: { email, name: 'Rita Requester' } });
  const res = await app.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticket.id}/messages`,
    headers: on.owner.headers,
    payload: { body: 'Here is your answer.' },
  });
  expect(res.statusCode).toBe(201);
  return { ticket, email, messageId: res.json().id as string };
}

const mailsOf = async (app: TestApp, on: Tenant, ticketId: string) => {
  const res = await app.app.inject({
    method: 'GET',
    url: `/api/v1/tickets/${ticketId}/mails`,
    headers: on.owner.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.json().mails as { id: string; status: string; attempts: number; lastError: string | null }[];
};

describe('delivery', () => {
  it('retries a mail the SMTP server refuses for now (451), and delivers it exactly once', async () => {
    const { ticket, email } = await replyOnNewTicket(t, tenant);
    smtp.refuseNext(1);
    expect(await t.runJobs(sendDeliveryJob)).toBe(2);
    expect(smtp.to(email)).toHaveLength(1);
    expect(await mailsOf(t, tenant, ticket.id)).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 2, lastError: null }),
    ]);
    expect(await t.runJobs(sendDeliveryJob)).toBe(0);
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('fails a mail at once when the SMTP server refuses it for good (5xx)', async () => {
    const { ticket, email } = await replyOnNewTicket(t, tenant);
    smtp.refuseNext(1, 550);
    expect(await t.runJobs(sendDeliveryJob)).toBe(1);
    expect(smtp.to(email)).toHaveLength(0);
    const [mail] = await mailsOf(t, tenant, ticket.id);
    expect(mail).toMatchObject({ status: 'failed', attempts: 1 });
    expect(mail?.lastError).toContain('550');
  });

  it('queues one mail per cause, however often the cause is queued', async () => {
    const { ticket, email, messageId } = await replyOnNewTicket(t, tenant);
    const again = await inTransaction(t.db, (tx) =>
      queueMail(scopeOf(t.ctx, tx), { kind: 'agent_reply', messageId }),
    );
    expect(again).toBeNull();
    await t.runJobs(sendDeliveryJob);
    expect(smtp.to(email)).toHaveLength(1);
    expect(await mailsOf(t, tenant, ticket.id)).toHaveLength(1);
  });

  it('skips a mail already sent when its job runs again', async () => {
    const { ticket, email } = await replyOnNewTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    const [mail] = await mailsOf(t, tenant, ticket.id);
    await inTransaction(t.db, (tx) =>
      t.ctx.jobs.enqueue(tx, sendDeliveryJob, { deliveryId: mail?.id ?? '', attempt: 1 }),
    );
    expect(await t.runJobs(sendDeliveryJob)).toBe(1);
    expect(smtp.to(email)).toHaveLength(1);
    expect(await mailsOf(t, tenant, ticket.id)).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 1 }),
    ]);
  });
});

describe('with the SMTP server down', () => {
  it('backs off between attempts, then marks the mail failed and shows it on the ticket', async () => {
    const { ticket } = await replyOnNewTicket(down, downTenant);

    // One attempt, as a worker makes it: the failure is recorded and the next attempt waits.
    const [job] = await down.ctx.jobs.boss.fetch<{ deliveryId: string; attempt: number }>(
      sendDeliveryJob.name,
    );
    if (!job) throw new Error('no send job queued');
    await sendDeliveryJob.handle(down.ctx, job.data);
    await down.ctx.jobs.boss.complete(sendDeliveryJob.name, job.id);
    expect(await mailsOf(down, downTenant, ticket.id)).toEqual([
      expect.objectContaining({
        status: 'queued',
        attempts: 1,
        lastError: expect.stringMatching(/ECONNREFUSED|ECONNECTION|ESOCKET/),
      }),
    ]);
    const next = await down.db.execute<{ attempt: number; wait: number }>(
      sql`SELECT (data->>'attempt')::int AS attempt, extract(epoch FROM start_after - now())::float AS wait
            FROM pgboss.job WHERE name = ${sendDeliveryJob.name} AND state = 'created'
             AND data->>'deliveryId' = ${job.data.deliveryId}`,
    );
    expect(next.rows).toEqual([{ attempt: 2, wait: expect.any(Number) }]);
    expect(next.rows[0]?.wait).toBeGreaterThan(25);

    // The remaining attempts (their waits skipped) all fail: the last one marks the mail failed.
    expect(await down.runJobs(sendDeliveryJob)).toBe(MAX_DELIVERY_ATTEMPTS - 1);
    const [mail] = await mailsOf(down, downTenant, ticket.id);
    expect(mail).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS });
    expect(mail?.lastError).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);
  });

  it("shows a ticket's mails only to those who can see the ticket", async () => {
    const { ticket } = await replyOnNewTicket(down, downTenant);
    const assignedOnly = await buildMember(down, downTenant, { permissions: ['messages.create'] });
    const res = await down.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/mails`,
      headers: assignedOnly.headers,
    });
    expect(res.statusCode).toBe(404);
    const stranger = await buildAccount(down);
    const other = await down.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/mails`,
      headers: stranger.owner.headers,
    });
    expect(other.statusCode).toBe(404);
  });
});

describe('the delivery pipeline', () => {
  const mailOf = async (ticketId: string) => {
    const [mail] = await mailsOf(t, tenant, ticketId);
    if (!mail) throw new Error('no mail queued');
    return mail;
  };

  /** What a worker that died after its claim leaves behind: a lease and nothing else. */
  const pastTheLease = () => t.clock.advance((LEASE_SECONDS + STRANDED_AFTER_SECONDS + 1) * 1000);

  it('no SMTP conversation happens inside a database transaction', async () => {
    const { ticket, email } = await replyOnNewTicket(t, tenant);
    const mail = await mailOf(ticket.id);
    smtp.hold();
    const sending = t.runJobs(sendDeliveryJob);
    await smtp.whenHeld(1);

    // Mid-conversation: no session of this database is in a transaction...
    const open = await t.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
    );
    expect(open.rows[0]?.n).toBe(0);
    // ...so another process can lock and inspect the row at once: claimed, with a lease.
    const row = await inTransaction(t.db, (tx) =>
      tx.execute<{ status: string; leased: boolean }>(
        sql`SELECT status, lease_until IS NOT NULL AS leased FROM deliveries WHERE id = ${mail.id} FOR UPDATE NOWAIT`,
      ),
    );
    expect(row.rows).toEqual([{ status: 'queued', leased: true }]);

    smtp.release();
    await sending;
    expect(smtp.to(email)).toHaveLength(1);
    expect(await mailOf(ticket.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('an expired lease is claimed again after a crash', async () => {
    const { ticket, email } = await replyOnNewTicket(t, tenant);
    const mail = await mailOf(ticket.id);
    // A worker takes the job, claims the mail, and is killed before it sends.
    const [job] = await t.ctx.jobs.boss.fetch(sendDeliveryJob.name);
    expect(job).toBeDefined();
    const now = t.clock.now();
    await inTransaction(t.db, (tx) =>
      claimDelivery(tx, mail.id, {
        attempt: 1,
        claimedBy: 'killed-worker',
        now,
        leaseUntil: new Date(now.getTime() + LEASE_SECONDS * 1000),
      }),
    );

    // While its lease holds, the mail is nobody else's.
    expect(await requeueStrandedDeliveries(t.ctx)).toBe(0);
    pastTheLease();
    await requeueDeliveriesJob.handle(t.ctx, {});
    expect(await t.runJobs(sendDeliveryJob)).toBe(1);
    expect(smtp.to(email)).toHaveLength(1);
    expect(await mailOf(ticket.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a commit failure after the SMTP server accepted does not lose the mail, and its duplicate carries the same Message-ID', async () => {
    // The transaction that records the mail as sent fails, whatever the mail.
    await t.db.execute(
      sql.raw(`CREATE FUNCTION fail_sent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the commit failed'; END $$`),
    );
    await t.db.execute(
      sql.raw(`CREATE TRIGGER fail_sent BEFORE UPDATE ON deliveries FOR EACH ROW
        WHEN (NEW.status = 'sent') EXECUTE FUNCTION fail_sent()`),
    );
    const { ticket, email } = await replyOnNewTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    await t.db.execute(sql.raw('DROP TRIGGER fail_sent ON deliveries; DROP FUNCTION fail_sent()'));
    expect(smtp.to(email)).toHaveLength(1);
    expect(await mailOf(ticket.id)).toMatchObject({ status: 'queued', attempts: 1 });

    pastTheLease();
    await requeueDeliveriesJob.handle(t.ctx, {});
    await t.runJobs(sendDeliveryJob);
    const copies = smtp.to(email).map((m) => m.parsed.messageId);
    expect(copies).toHaveLength(2);
    expect(copies[1]).toBe(copies[0]);
    expect(copies[0]).toContain((await mailOf(ticket.id)).id);
    expect(await mailOf(ticket.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('staff see the SMTP error text and no SQL', async () => {
    const refused = await replyOnNewTicket(t, tenant);
    smtp.refuseNext(1, 550);
    await t.runJobs(sendDeliveryJob);
    expect((await mailOf(refused.ticket.id)).lastError).toMatch(/ 550 No such mailbox here$/);

    // A failure inside Clearline (here the renderer's query breaks) is not shown in its details.
    const broken = await replyOnNewTicket(t, tenant);
    await t.db.execute(sql.raw('ALTER TABLE messages RENAME COLUMN body_html TO body_html_away'));
    try {
      await t.runJobs(sendDeliveryJob);
    } finally {
      await t.db.execute(sql.raw('ALTER TABLE messages RENAME COLUMN body_html_away TO body_html'));
    }
    expect(String(t.jobErrors.at(-1))).toMatch(/body_html/);
    expect((await mailOf(broken.ticket.id)).lastError).toBe(INTERNAL_ERROR_TEXT);

    const outbox = await t.app.inject({
      method: 'GET',
      url: '/api/v1/outgoing-mail',
      headers: tenant.owner.headers,
    });
    expect(outbox.statusCode).toBe(200);
    const shown = outbox.body;
    expect(shown).toContain('550 No such mailbox here');
    expect(shown).toContain(INTERNAL_ERROR_TEXT);
    expect(shown).not.toMatch(/select|params|body_html|Failed query/i);
  });

  it('a send past its deadline is abandoned with its connection, and recorded as a retry before the lease runs out', async () => {
    const { ticket, email } = await replyOnNewTicket(short, shortTenant);
    smtp.hold();
    try {
      // One attempt, as a worker makes it, on a server that never answers.
      const [job] = await short.ctx.jobs.boss.fetch<{ deliveryId: string; attempt: number }>(
        sendDeliveryJob.name,
      );
      if (!job) throw new Error('no send job queued');
      await sendDeliveryJob.handle(short.ctx, job.data);
      await short.ctx.jobs.boss.complete(sendDeliveryJob.name, job.id);
      // Still holding: the stalled conversation ended because Clearline closed it.
      await smtp.whenIdle();
    } finally {
      smtp.release();
    }
    const [mail] = await mailsOf(short, shortTenant, ticket.id);
    expect(mail).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'Not sent: timed out after 1 s.',
    });
    const lease = await short.db.execute<{ released: boolean }>(
      sql`SELECT lease_until IS NULL AND claimed_by IS NULL AS released FROM deliveries WHERE id = ${mail?.id ?? ''}`,
    );
    expect(lease.rows).toEqual([{ released: true }]);
    expect(smtp.to(email)).toHaveLength(0);

    // The retry goes out once the server answers again.
    expect(await short.runJobs(sendDeliveryJob)).toBe(1);
    expect(smtp.to(email)).toHaveLength(1);
    expect((await mailsOf(short, shortTenant, ticket.id))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('several mails are sent concurrently: DELIVERY_CONCURRENCY, 16 by default', async () => {
    const concurrency = t.ctx.config.deliveryConcurrency;
    expect(concurrency).toBe(16);
    smtp.hold();
    const replies = [];
    for (let i = 0; i < concurrency; i++) replies.push(await replyOnNewTicket(t, tenant));
    const boss = t.ctx.jobs.boss;
    await boss.start();
    try {
      await t.ctx.jobs.work(t.ctx, [sendDeliveryJob], { error: () => {} });
      // Sixteen SMTP conversations stall at once: one process sends them side by side.
      await smtp.whenHeld(concurrency);
      smtp.release();
    } finally {
      smtp.release();
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    }
    await t.runJobs(sendDeliveryJob);
    for (const { email } of replies) expect(smtp.to(email)).toHaveLength(1);
  });
});

describe('an invitation that did not reach the requester', () => {
  it('is told apart from one on its way or sent: failed or bounced only', async () => {
    const ticket = await buildTicket(t, tenant);
    const resolved = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
      payload: { status: 'resolved' },
    });
    expect(resolved.statusCode).toBe(200);
    const surveys = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/surveys`,
      headers: tenant.owner.headers,
    });
    const surveyId: string = surveys.json().surveys[0].id;
    expect(await hasSurveyInvitationFailed(t.db, surveyId)).toBe(false);

    smtp.refuseNext(1, 550);
    await t.runJobs(sendDeliveryJob);
    expect(await hasSurveyInvitationFailed(t.db, surveyId)).toBe(true);
  });

  it('counts a sent invitation that bounced later', async () => {
    const ticket = await buildTicket(t, tenant);
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
      payload: { status: 'resolved' },
    });
    await t.runJobs(sendDeliveryJob);
    const [mail] = await mailsOf(t, tenant, ticket.id);
    expect(mail).toMatchObject({ kind: 'survey_invitation', status: 'sent' });
    const surveyId = (
      await t.db.execute<{ id: string }>(sql`SELECT id FROM csat_surveys WHERE ticket_id = ${ticket.id}`)
    ).rows[0]?.id;
    if (!surveyId) throw new Error('no survey');
    expect(await hasSurveyInvitationFailed(t.db, surveyId)).toBe(false);
    // What a delivery status notification will do (issue 10).
    await t.db.execute(sql`UPDATE deliveries SET status = 'bounced' WHERE id = ${mail?.id ?? ''}`);
    expect(await hasSurveyInvitationFailed(t.db, surveyId)).toBe(true);
  });
});
