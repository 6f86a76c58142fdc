import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { sendDeliveryJob } from './index.js';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let tenant: Tenant;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t);
});

afterAll(() => smtp?.close());

const kindOfDelivery = async (deliveryId: string) =>
  (await t.db.execute<{ kind: string }>(sql`SELECT kind FROM deliveries WHERE id = ${deliveryId}`)).rows[0]
    ?.kind;

describe('a backlog of survey invitations does not hold up what someone is waiting for', () => {
  it('a sign-in link queued after 25 invitations is the next delivery a worker takes', async () => {
    const requesters: string[] = [];
    for (let i = 0; i < 25; i++) {
      const email = `req-${randomBytes(4).toString('hex')}@example.com`;
      requesters.push(email);
      const ticket = await buildTicket(t, tenant, {
        requester: { email, name: 'Rita' },
        notifyRequester: false,
      });
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/tickets/${ticket.id}`,
        headers: tenant.owner.headers,
        payload: { status: 'resolved' },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const waiting = requesters[0] as string;
    const asked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/portal/accounts/${tenant.accountId}/sign-in`,
      payload: { email: waiting },
    });
    expect(asked.statusCode, asked.body).toBe(202);

    // What a worker of the queue fetches next (pg-boss takes the highest priority, then the oldest).
    const [next] = await t.ctx.jobs.boss.fetch<{ deliveryId: string; attempt: number }>(
      sendDeliveryJob.name,
      {
        batchSize: 1,
        ignoreStartAfter: true,
      },
    );
    expect(next && (await kindOfDelivery(next.data.deliveryId))).toBe('sign_in');
    if (!next) return;
    await sendDeliveryJob.handle(t.ctx, next.data, { retryCount: 0, retryLimit: 0 });
    await t.ctx.jobs.boss.complete(sendDeliveryJob.name, next.id);
    expect(smtp.to(waiting)).toHaveLength(1);

    // The invitations still go, one each (and the sign-in link is not sent twice).
    await t.runJobs(sendDeliveryJob);
    for (const email of requesters) expect(smtp.to(email)).toHaveLength(email === waiting ? 2 : 1);
  });
});
