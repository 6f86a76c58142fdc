import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { startSmtpServer, unreachableSmtpUrl } from '../../../../tests/helpers/smtp.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { queueMail, sendMailJob } from './index.js';

let t: TestApp;
let down: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let tenant: Tenant;
let downTenant: Tenant;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t);
  down = await createTestApp({ smtpUrl: await unreachableSmtpUrl() });
  downTenant = await buildAccount(down);
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
    expect(await t.runJobs(sendMailJob)).toBe(2);
    expect(smtp.to(email)).toHaveLength(1);
    expect(await mailsOf(t, tenant, ticket.id)).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 2, lastError: null }),
    ]);
    expect(await t.runJobs(sendMailJob)).toBe(0);
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('fails a mail at once when the SMTP server refuses it for good (5xx)', async () => {
    const { ticket, email } = await replyOnNewTicket(t, tenant);
    smtp.refuseNext(1, 550);
    expect(await t.runJobs(sendMailJob)).toBe(1);
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
    await t.runJobs(sendMailJob);
    expect(smtp.to(email)).toHaveLength(1);
    expect(await mailsOf(t, tenant, ticket.id)).toHaveLength(1);
  });

  it('skips a mail already sent when its job runs again', async () => {
    const { ticket, email } = await replyOnNewTicket(t, tenant);
    await t.runJobs(sendMailJob);
    const [mail] = await mailsOf(t, tenant, ticket.id);
    await inTransaction(t.db, (tx) => t.ctx.jobs.enqueue(tx, sendMailJob, { mailId: mail?.id ?? '' }));
    expect(await t.runJobs(sendMailJob)).toBe(1);
    expect(smtp.to(email)).toHaveLength(1);
    expect(await mailsOf(t, tenant, ticket.id)).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 1 }),
    ]);
  });
});

describe('with the SMTP server down', () => {
  it('backs off between attempts, then marks the mail failed and shows it on the ticket', async () => {
    const { ticket } = await replyOnNewTicket(down, downTenant);
    const limit = sendMailJob.retryLimit ?? 0;
    expect(limit).toBeGreaterThan(0);

    // One attempt, as a worker makes it: the failure is recorded and the retry waits.
    const [job] = await down.ctx.jobs.boss.fetch<{ mailId: string }>(sendMailJob.name, {
      includeMetadata: true,
    });
    if (!job) throw new Error('no send job queued');
    await expect(
      sendMailJob.handle(down.ctx, job.data, { retryCount: job.retryCount, retryLimit: job.retryLimit }),
    ).rejects.toThrow();
    await down.ctx.jobs.boss.fail(sendMailJob.name, job.id);
    expect(await mailsOf(down, downTenant, ticket.id)).toEqual([
      expect.objectContaining({
        status: 'queued',
        attempts: 1,
        lastError: expect.stringMatching(/ECONNREFUSED|ECONNECTION|ESOCKET/),
      }),
    ]);
    const retry = await down.db.execute<{ state: string; wait: number }>(
      sql`SELECT state, extract(epoch FROM start_after - now())::float AS wait FROM pgboss.job WHERE id = ${job.id}`,
    );
    expect(retry.rows[0]?.state).toBe('retry');
    expect(retry.rows[0]?.wait).toBeGreaterThan(25);

    // The remaining attempts (their waits skipped) all fail: the last one marks the mail failed.
    expect(await down.runJobs(sendMailJob)).toBe(limit);
    const [mail] = await mailsOf(down, downTenant, ticket.id);
    expect(mail).toMatchObject({ status: 'failed', attempts: limit + 1 });
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
