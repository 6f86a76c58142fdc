import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { englishIn } from '../../../../tests/helpers/i18n.js';
import { postForm } from '../../../../tests/helpers/portal.js';
import { startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { LANGUAGES } from '../../../shared/i18n/index.js';
import { sendDeliveryJob } from '../delivery/index.js';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let tenant: Tenant;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t);
});

afterAll(() => smtp?.close());

const mailTexts = (email: string) =>
  smtp.to(email).map((m) => `${m.parsed.subject}\n${m.parsed.text}\n${m.parsed.html}`);

describe("customer mails are written in the customer's language", () => {
  for (const language of LANGUAGES.filter((l) => l !== 'en')) {
    it(`${language}: the reply notice and the sign-in link have no English left`, async () => {
      const email = `req-${randomBytes(4).toString('hex')}@example.com`;
      const ticket = await buildTicket(t, tenant, { requester: { email, name: 'Rita Requester' } });
      await t.db.execute(sql`UPDATE customers SET language = ${language} WHERE email = ${email}`);
      const reply = await t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${ticket.id}/messages`,
        headers: tenant.owner.headers,
        payload: { body: 'Fixed', internal: false },
      });
      expect(reply.statusCode, reply.body).toBe(201);
      expect((await postForm(t, `/portal/${tenant.accountId}/sign-in`, { email })).statusCode).toBe(200);
      await t.runJobs(sendDeliveryJob);
      const mails = mailTexts(email);
      expect(mails).toHaveLength(2);
      for (const mail of mails) expect(englishIn(mail)).toEqual([]);
    });
  }

  it('in English the same mails carry the English catalogue (the check can fail)', async () => {
    const email = `req-${randomBytes(4).toString('hex')}@example.com`;
    await buildTicket(t, tenant, { requester: { email, name: 'Rita Requester' } });
    await postForm(t, `/portal/${tenant.accountId}/sign-in`, { email });
    await t.runJobs(sendDeliveryJob);
    expect(englishIn(mailTexts(email).join('\n'))).toContain('Sign in');
  });
});
