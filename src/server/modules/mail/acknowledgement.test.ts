import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { englishIn } from '../../../../tests/helpers/i18n.js';
import { mailFixture, startListenerAndClient } from '../../../../tests/helpers/inbound.js';
import { portalLinkOf, postForm, signInCustomer, solveCaptcha } from '../../../../tests/helpers/portal.js';
import { startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { LANGUAGES } from '../../../shared/i18n/index.js';
import { sendDeliveryJob } from '../delivery/index.js';

const DOMAIN = 'in.example.com';
const PUBLIC_URL = 'http://clearline.test';
let t: TestApp;
let tenant: Tenant;
let outbox: Awaited<ReturnType<typeof startSmtpServer>>;
let inbound: Awaited<ReturnType<typeof startListenerAndClient>>;
const support = `support-${randomBytes(3).toString('hex')}@${DOMAIN}`;
const unique = () => randomBytes(4).toString('hex');

beforeAll(async () => {
  outbox = await startSmtpServer();
  t = await createTestApp({ smtpUrl: outbox.url, mailInboundDomain: DOMAIN, publicUrl: PUBLIC_URL });
  tenant = await buildAccount(t);
  await putSettings({ address: support, newTicketsPerSenderHour: 20 });
  inbound = await startListenerAndClient(t);
});

afterAll(async () => {
  await inbound?.close();
  await outbox?.close();
});

async function putSettings(payload: Record<string, unknown>) {
  const current = await t.app.inject({
    method: 'GET',
    url: `/api/v1/projects/${tenant.projectId}/inbound/settings`,
    headers: tenant.owner.headers,
  });
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/projects/${tenant.projectId}/inbound/settings`,
    headers: tenant.owner.headers,
    payload: { ...(current.json() as object), ...payload },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const fixture = (name: string, fill: Record<string, string>) =>
  mailFixture(name, { TO: support, SUBJECT: `Question ${unique()}`, ID: unique(), ...fill });

const mailIn = (raw: Buffer) =>
  inbound.client.sendMail({ envelope: { from: 'sender@example.org', to: [support] }, raw });

/** The acknowledgements sent to this address (after the send jobs ran). */
async function acknowledgementsTo(email: string) {
  await t.runJobs(sendDeliveryJob);
  const rows = await t.db.execute<{ recipient: string }>(
    sql`SELECT recipient FROM deliveries WHERE kind = 'acknowledgement' AND lower(recipient) = lower(${email})`,
  );
  const mails = outbox.to(email);
  // Every acknowledgement queued went out, and nothing else reached this requester.
  expect(mails).toHaveLength(rows.rows.length);
  return mails;
}

const staffTicket = (
  requester: string,
  overrides: Record<string, unknown> = {},
  headers = tenant.owner.headers,
) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/projects/${tenant.projectId}/tickets`,
    headers,
    payload: {
      subject: `Printer ${unique()}`,
      body: 'It makes a noise.',
      requester: { email: requester, name: 'Rita Requester' },
      ...overrides,
    },
  });

describe('the acknowledgement of a new ticket', () => {
  it('staff opening a ticket (notify on by default) mails the requester its reference, subject and working portal link', async () => {
    const email = `rita-${unique()}@example.com`;
    const res = await staffTicket(email, { subject: 'Paper jam <on> floor 3' });
    expect(res.statusCode, res.body).toBe(201);
    const ticket = res.json() as { id: string; reference: string };
    const [mail, ...more] = await acknowledgementsTo(email);
    expect(more).toHaveLength(0);
    const link = `${PUBLIC_URL}${portalLinkOf(t, ticket.id)}`;
    expect(mail?.parsed.subject).toBe(`[${ticket.reference}] Paper jam <on> floor 3`);
    expect(mail?.parsed.text).toContain(ticket.reference);
    expect(mail?.parsed.text).toContain('"Paper jam <on> floor 3"');
    expect(mail?.parsed.text).toContain(link);
    expect(mail?.parsed.text).toContain('Thank you for writing to us');
    expect(mail?.parsed.html).toContain(`href="${link}"`);
    // The subject is escaped in the HTML, never markup.
    expect(mail?.parsed.html).toContain('Paper jam &lt;on&gt; floor 3');
    expect(mail?.parsed.replyTo?.[0]?.address).toMatch(new RegExp(`^reply\\+.+@${DOMAIN}$`));
    const portal = await t.app.inject({ method: 'GET', url: portalLinkOf(t, ticket.id) });
    expect(portal.statusCode).toBe(200);
    expect(portal.body).toContain('Paper jam &lt;on&gt; floor 3');
  });

  it('staff who turn "notify the requester" off send no acknowledgement', async () => {
    const email = `quiet-${unique()}@example.com`;
    expect((await staffTicket(email, { notifyRequester: false })).statusCode).toBe(201);
    expect(await acknowledgementsTo(email)).toHaveLength(0);
    expect((await staffTicket(email, { notifyRequester: true })).statusCode).toBe(201);
    expect(await acknowledgementsTo(email)).toHaveLength(1);
  });

  it('a mail from a customer opens a ticket and is acknowledged to its sender through the listener', async () => {
    const from = `mailer-${unique()}@example.org`;
    const subject = `Cannot log in ${unique()}`;
    await mailIn(fixture('html-only.eml', { FROM: from, SUBJECT: subject }));
    const [mail] = await acknowledgementsTo(from);
    expect(mail?.parsed.subject).toMatch(new RegExp(`^\\[SUP-\\d+\\] ${subject}$`));
    const ticketId = (
      await t.db.execute<{ id: string }>(
        sql`SELECT t.id FROM tickets t JOIN customers c ON c.id = t.requester_id WHERE c.email = ${from}`,
      )
    ).rows[0]?.id as string;
    expect(mail?.parsed.text).toContain(`${PUBLIC_URL}${portalLinkOf(t, ticketId)}`);
  });

  it('a request through the public form is acknowledged to the address typed, in the language of the form', async () => {
    const email = `form-${unique()}@example.com`;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/portal/accounts/${tenant.accountId}/requests`,
      headers: { 'accept-language': 'fr' },
      payload: {
        name: 'Pat Public',
        email,
        subject: 'Imprimante en feu',
        body: 'Elle brûle.',
        altcha: await solveCaptcha(t),
      },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    const [mail] = await acknowledgementsTo(email);
    expect(mail?.parsed.subject).toMatch(/^\[SUP-\d+\] Imprimante en feu$/);
    expect(mail?.parsed.text).toContain('Merci de nous avoir écrit');
    expect(mail?.parsed.text).toMatch(new RegExp(`${PUBLIC_URL}/p/`));
  });

  it('a signed-in customer opening a ticket on the portal home is acknowledged', async () => {
    const email = `portal-${unique()}@example.com`;
    await buildTicket(t, tenant, { requester: { email, name: 'Paula Portal' } });
    const session = await signInCustomer(t, tenant.accountId, email);
    const opened = await postForm(
      t,
      `/portal/${tenant.accountId}/tickets`,
      {
        projectId: tenant.projectId,
        subject: 'Second question',
        body: 'Hello again',
        altcha: await solveCaptcha(t),
      },
      session,
    );
    expect(opened.statusCode).toBe(303);
    await t.runJobs(sendDeliveryJob);
    const acks = (await acknowledgementsTo(email)).map((m) => m.parsed.subject);
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatch(/^\[SUP-\d+\] Second question$/);
  });

  it('never answers an auto-reply or a mailing list, not even once staff release the auto-reply into a ticket', async () => {
    const from = `ooo-${unique()}@example.org`;
    const id = unique();
    await mailIn(fixture('auto-reply.eml', { FROM: from, ID: id }));
    await mailIn(fixture('mailing-list.eml', { ID: id }));
    const kept = await t.db.execute<{ id: string; status: string }>(
      sql`SELECT id, status FROM inbound_messages WHERE message_id_header LIKE ${`%-${id}@%`} ORDER BY received_at`,
    );
    expect(kept.rows.map((r) => r.status)).toEqual(['auto', 'auto']);
    const released = await t.app.inject({
      method: 'POST',
      url: `/api/v1/inbound/messages/${kept.rows[0]?.id}/review`,
      headers: tenant.owner.headers,
      payload: { action: 'release' },
    });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().status).toBe('ticket');
    expect(await acknowledgementsTo(from)).toHaveLength(0);
    expect(await acknowledgementsTo('news@lists.example.org')).toHaveLength(0);
  });

  it("the project's switch turned off stops it for staff and mail alike; on again, it is back", async () => {
    const email = `off-${unique()}@example.org`;
    expect((await putSettings({ acknowledge: false })).acknowledge).toBe(false);
    try {
      expect((await staffTicket(email)).statusCode).toBe(201);
      await mailIn(fixture('html-only.eml', { FROM: email }));
      expect(await acknowledgementsTo(email)).toHaveLength(0);
    } finally {
      await putSettings({ acknowledge: true });
    }
    await mailIn(fixture('html-only.eml', { FROM: email }));
    expect(await acknowledgementsTo(email)).toHaveLength(1);
  });

  it("the project's own text replaces the built-in opening words (escaped), and the reference and link still follow", async () => {
    const email = `custom-${unique()}@example.com`;
    const text = 'Thanks! Our <b>team</b> answers within one working day.';
    expect((await putSettings({ acknowledgementText: text })).acknowledgementText).toBe(text);
    try {
      const ticket = (await staffTicket(email)).json() as { id: string; reference: string };
      const [mail] = await acknowledgementsTo(email);
      expect(mail?.parsed.text).toContain(text);
      expect(mail?.parsed.text).not.toContain('Thank you for writing to us');
      expect(mail?.parsed.html).toContain('Our &lt;b&gt;team&lt;/b&gt; answers');
      expect(mail?.parsed.text).toContain(ticket.reference);
      expect(mail?.parsed.text).toContain(portalLinkOf(t, ticket.id));
    } finally {
      expect((await putSettings({ acknowledgementText: '' })).acknowledgementText).toBeNull();
    }
  });

  it('a settings PUT without the acknowledgement fields keeps them as they are', async () => {
    await putSettings({ acknowledge: false, acknowledgementText: 'Hello' });
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/projects/${tenant.projectId}/inbound/settings`,
      headers: tenant.owner.headers,
      payload: { address: support, newTicketsPerSenderHour: 20 },
    });
    expect(res.json()).toMatchObject({ acknowledge: false, acknowledgementText: 'Hello' });
    await putSettings({ acknowledge: true, acknowledgementText: null });
  });

  it('only settings.manage changes the acknowledgement settings', async () => {
    const agent = await buildMember(t, tenant, { role: 'staff' });
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/projects/${tenant.projectId}/inbound/settings`,
      headers: agent.headers,
      payload: { address: support, newTicketsPerSenderHour: 20, acknowledge: false },
    });
    expect(res.statusCode).toBe(403);
    const after = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${tenant.projectId}/inbound/settings`,
      headers: tenant.owner.headers,
    });
    expect(after.json().acknowledge).toBe(true);
  });

  for (const language of LANGUAGES.filter((l) => l !== 'en')) {
    it(`${language}: the built-in acknowledgement has no English left`, async () => {
      const email = `lang-${unique()}@example.com`;
      // A known customer with a stored language: their first ticket's mail is in it.
      await buildTicket(t, tenant, { requester: { email, name: 'Rita Requester' } });
      await t.db.execute(sql`UPDATE customers SET language = ${language} WHERE email = ${email}`);
      expect((await staffTicket(email)).statusCode).toBe(201);
      const [mail] = await acknowledgementsTo(email);
      expect(englishIn(`${mail?.parsed.subject}\n${mail?.parsed.text}\n${mail?.parsed.html}`)).toEqual([]);
    });
  }
});
