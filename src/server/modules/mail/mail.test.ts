import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildMember,
  buildTicket,
  type Staff,
  type Tenant,
} from '../../../../tests/helpers/factories.js';
import { latestSignInPath, postForm } from '../../../../tests/helpers/portal.js';
import { linksIn, startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { sendDeliveryJob } from '../delivery/index.js';
import { postRequesterMessage } from '../tickets/index.js';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let tenant: Tenant;
let agent: Staff;
let watcher: Staff;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t, { name: 'Acme & Sons' });
  agent = await buildMember(t, tenant, { name: 'Ada Agent' });
  watcher = await buildMember(t, tenant, { name: 'Walt Watcher' });
  const logo = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/account/logo',
    headers: { ...tenant.owner.headers, 'content-type': 'image/png' },
    payload: PNG,
  });
  expect(logo.statusCode, logo.body).toBe(204);
});

afterAll(() => smtp?.close());

const newRequester = () => ({
  email: `req-${randomBytes(4).toString('hex')}@example.com`,
  name: 'Rita Requester',
});

const post = (ticketId: string, body: string, options: { internal?: boolean; as?: Staff } = {}) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticketId}/messages`,
    headers: (options.as ?? agent).headers,
    payload: { body, internal: options.internal ?? false },
  });

/** The path and query of one of our absolute links, to follow it through the app. */
const localPath = (link: string) => {
  const url = new URL(link);
  expect(url.origin).toBe(new URL(t.ctx.config.publicUrl).origin);
  return url.pathname + url.search;
};

describe('the requester gets a mail', () => {
  it("for an agent's public reply: HTML and text parts, the reply, the account's name and logo, a portal link that opens", async () => {
    const requester = newRequester();
    const ticket = await buildTicket(t, tenant, { requester, subject: 'Invoice <missing>' });
    expect((await post(ticket.id, 'Here is **the fix** for your invoice.')).statusCode).toBe(201);
    await t.runJobs(sendDeliveryJob);

    const mails = smtp.to(requester.email);
    expect(mails).toHaveLength(1);
    const mail = mails[0]?.parsed;
    if (!mail) throw new Error('no mail');
    expect(mail.subject).toBe(`[${ticket.reference}] Invoice <missing>`);
    expect(mail.from).toMatchObject({ name: 'Acme & Sons', address: t.ctx.config.mailFrom });
    expect(mail.text).toContain('Here is **the fix** for your invoice.');
    expect(mail.text).toContain('Ada Agent replied');
    expect(mail.html).toContain('<strong>the fix</strong>');
    // The subject is escaped in the HTML part, not markup.
    expect(mail.html).toContain('Invoice &lt;missing&gt;');
    expect(mail.html).toContain('Acme &amp; Sons');

    const logo = `${t.ctx.config.publicUrl}/api/v1/accounts/${tenant.accountId}/logo`;
    expect(mail.html).toContain(`<img src="${logo}"`);
    const logoRes = await t.app.inject({ method: 'GET', url: localPath(logo) });
    expect(logoRes.statusCode).toBe(200);

    const portalLinks = linksIn(mail.text ?? '').filter((l) => new URL(l).pathname.startsWith('/p/'));
    expect(new Set(portalLinks).size).toBe(1);
    const portalLink = portalLinks[0] as string;
    expect(mail.html).toContain(`href="${portalLink}"`);
    const token = new URL(portalLink).pathname.slice('/p/'.length);
    expect(t.ctx.links.verify('portal', token, ticket.id, 1)).toBe(true);
    const page = await t.app.inject({ method: 'GET', url: localPath(portalLink) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Invoice &lt;missing&gt;');

    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/mails`,
      headers: agent.headers,
    });
    expect(list.json().mails).toEqual([
      expect.objectContaining({
        kind: 'agent_reply',
        recipient: requester.email,
        status: 'sent',
        attempts: 1,
      }),
    ]);
  });

  it('for a new survey: its link and five one-click star links that open it with that rating chosen', async () => {
    const requester = newRequester();
    const ticket = await buildTicket(t, tenant, { requester });
    const emailInvitations = () =>
      t.db.execute(
        sql`SELECT count(*)::int AS n FROM csat_events WHERE ticket_id = ${ticket.id} AND type = 'invitation_sent' AND channel = 'email'`,
      );
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: agent.headers,
      payload: { status: 'resolved' },
    });
    expect(patched.statusCode).toBe(200);
    // Queued with the change, but only recorded as an email invitation once it is sent.
    expect((await emailInvitations()).rows[0]).toEqual({ n: 0 });
    await t.runJobs(sendDeliveryJob);
    expect((await emailInvitations()).rows[0]).toEqual({ n: 1 });

    const mails = smtp.to(requester.email);
    expect(mails).toHaveLength(1);
    const text = mails[0]?.parsed.text ?? '';
    const html = mails[0]?.parsed.html ?? '';
    const surveyLinks = linksIn(text).filter((l) => new URL(l).pathname.startsWith('/s/'));
    const stars = surveyLinks.filter((l) => new URL(l).searchParams.has('rating'));
    expect(stars.map((l) => new URL(l).searchParams.get('rating'))).toEqual(['1', '2', '3', '4', '5']);
    for (const star of stars) {
      expect(new URL(star).searchParams.get('via')).toBe('email');
      expect(html).toContain(`href="${star.replaceAll('&', '&amp;')}"`);
    }
    // All point at the same survey, which is this ticket's.
    const paths = new Set(surveyLinks.map((l) => new URL(l).pathname));
    expect(paths.size).toBe(1);
    const surveys = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/surveys`,
      headers: tenant.owner.headers,
    });
    const token = [...paths][0]?.slice('/s/'.length) ?? '';
    expect(t.ctx.links.verify('csat-survey', token, surveys.json().surveys[0].id, 1)).toBe(true);

    const page = await t.app.inject({ method: 'GET', url: localPath(stars[2] as string) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/id="rating-3"[^>]*\bchecked\b/);
    expect(page.body).not.toMatch(/id="rating-(1|2|4|5)"[^>]*\bchecked\b/);
    expect(page.body).toContain('name="via" value="email"');
  });
});

describe('staff get a mail', () => {
  it("for a requester's reply: the assignee and each watcher, quoting it, with a link to the ticket", async () => {
    const ticket = await buildTicket(t, tenant, { requester: newRequester(), assigneeId: agent.userId });
    await t.app.inject({
      method: 'PUT',
      url: `/api/v1/tickets/${ticket.id}/watchers/${watcher.userId}`,
      headers: watcher.headers,
    });
    await t.runJobs(sendDeliveryJob);
    const before = smtp.received.length;
    await inTransaction(t.db, (tx) =>
      postRequesterMessage(scopeOf(t.ctx, tx), ticket.id, 'Still *broken*, sorry.'),
    );
    await t.runJobs(sendDeliveryJob);

    const fresh = smtp.received.slice(before);
    expect(fresh.map((m) => m.to).sort()).toEqual([[agent.email], [watcher.email]].sort());
    for (const { parsed } of fresh) {
      expect(parsed.subject).toBe(`[${ticket.reference}] The printer is on fire`);
      expect(parsed.text).toContain(`Rita Requester replied on ${ticket.reference}`);
      expect(parsed.html).toContain('<em>broken</em>');
      const link = `${t.ctx.config.publicUrl}/app/p/${tenant.projectId}/tickets/${ticket.id}`;
      expect(parsed.text).toContain(link);
      expect(parsed.html).toContain(`href="${link}"`);
    }
  });
});

describe('sign-in links', () => {
  it('a known customer asking to sign in gets one mail whose link signs them in', async () => {
    const requester = newRequester();
    await buildTicket(t, tenant, { requester });
    const asked = await postForm(t, `/portal/${tenant.accountId}/sign-in`, { email: requester.email });
    expect(asked.statusCode).toBe(200);
    await t.runJobs(sendDeliveryJob);

    const mails = smtp.to(requester.email);
    expect(mails).toHaveLength(1);
    const mail = mails[0]?.parsed;
    expect(mail?.subject).toBe('Your sign-in link for Acme & Sons');
    const link = linksIn(mail?.text ?? '').find((l) => new URL(l).pathname.includes('/sign-in/'));
    if (!link) throw new Error('no sign-in link');
    expect(mail?.html).toContain(`href="${link}"`);
    expect(localPath(link)).toBe(await latestSignInPath(t, tenant.accountId, requester.email));
    const signedIn = await postForm(t, localPath(link), {});
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.cookies.some((c) => c.name === 'clearline_portal')).toBe(true);
  });

  it('an unknown address is answered the same and mailed nothing', async () => {
    const stranger = newRequester();
    const asked = await postForm(t, `/portal/${tenant.accountId}/sign-in`, { email: stranger.email });
    expect(asked.statusCode).toBe(200);
    await t.runJobs(sendDeliveryJob);
    expect(smtp.to(stranger.email)).toHaveLength(0);
  });
});

describe('threading', () => {
  it("gives every mail of a ticket its own Message-ID and the ticket's root in In-Reply-To and References", async () => {
    const requester = newRequester();
    const ticket = await buildTicket(t, tenant, { requester });
    const other = await buildTicket(t, tenant, { requester });
    await post(ticket.id, 'First answer.');
    await post(ticket.id, 'Second answer.');
    await post(other.id, 'Answer on another ticket.');
    await t.runJobs(sendDeliveryJob);

    const host = new URL(t.ctx.config.publicUrl).hostname;
    const root = `<ticket-${ticket.id}@${host}>`;
    const mine = smtp.to(requester.email).map((m) => m.parsed);
    const ofTicket = mine.filter((m) => m.inReplyTo === root);
    expect(
      ofTicket.map((m) => m.text?.includes('First answer.') || m.text?.includes('Second answer.')),
    ).toEqual([true, true]);
    for (const m of ofTicket) {
      expect(m.references).toContain(root);
      expect(m.messageId).toMatch(new RegExp(`^<[0-9a-f-]{36}@${host.replaceAll('.', '\\.')}>$`));
      expect(m.subject).toBe(ofTicket[0]?.subject);
    }
    expect(new Set(ofTicket.map((m) => m.messageId)).size).toBe(2);
    const elsewhere = mine.find((m) => m.text?.includes('Answer on another ticket.'));
    expect(elsewhere?.inReplyTo).toBe(`<ticket-${other.id}@${host}>`);
  });
});

describe('internal notes', () => {
  it('never reach a mail: not the reply mail, the survey invitation, nor the staff notifications', async () => {
    const marker = `internal-marker-${randomBytes(6).toString('hex')}`;
    const requester = newRequester();
    const ticket = await buildTicket(t, tenant, { requester, assigneeId: agent.userId });
    await t.app.inject({
      method: 'PUT',
      url: `/api/v1/tickets/${ticket.id}/watchers/${watcher.userId}`,
      headers: watcher.headers,
    });
    expect((await post(ticket.id, `Note to self: ${marker}`, { internal: true })).statusCode).toBe(201);
    await post(ticket.id, 'A public answer.');
    await inTransaction(t.db, (tx) => postRequesterMessage(scopeOf(t.ctx, tx), ticket.id, 'Thanks!'));
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: agent.headers,
      payload: { status: 'resolved' },
    });
    await t.runJobs(sendDeliveryJob);
    // Reopens the ticket: the assignee and the watcher hear of it.
    await inTransaction(t.db, (tx) => postRequesterMessage(scopeOf(t.ctx, tx), ticket.id, 'One more thing.'));
    await t.runJobs(sendDeliveryJob);

    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/mails`,
      headers: agent.headers,
    });
    const kinds = list.json().mails.map((m: { kind: string; status: string }) => [m.kind, m.status]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['agent_reply', 'sent'],
        ['survey_invitation', 'sent'],
        ['staff_notification', 'sent'],
      ]),
    );
    const mails: { id: string; recipient: string }[] = list.json().mails;
    expect(new Set(mails.map((m) => m.recipient))).toEqual(
      new Set([requester.email, agent.email, watcher.email]),
    );
    const host = new URL(t.ctx.config.publicUrl).hostname;
    const ids = new Set(mails.map((m) => `<${m.id}@${host}>`));
    const received = smtp.received.filter((m) => ids.has(m.parsed.messageId ?? ''));
    expect(received.length).toBe(mails.length);
    for (const m of received) {
      expect(m.raw).not.toContain(marker);
      expect(m.parsed.text ?? '').not.toContain(marker);
      expect(m.parsed.html ?? '').not.toContain(marker);
    }
  });
});

describe('mails look like the customer pages', () => {
  it("a customer mail carries the account's logo and its brand colour on the button, with readable text, and keeps its plain-text part", async () => {
    const brand = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/account',
      headers: tenant.owner.headers,
      payload: { brandColor: '#ffd400' },
    });
    expect(brand.statusCode, brand.body).toBe(200);
    try {
      const requester = newRequester();
      const ticket = await buildTicket(t, tenant, { requester });
      expect((await post(ticket.id, 'A yellow reply.')).statusCode).toBe(201);
      await t.runJobs(sendDeliveryJob);
      const mail = smtp.to(requester.email)[0]?.parsed;
      expect(mail?.html).toContain(
        `<img src="${t.ctx.config.publicUrl}/api/v1/accounts/${tenant.accountId}/logo"`,
      );
      // Yellow is light: the button's text is black, not white.
      expect(mail?.html).toMatch(/<a href="[^"]+\/p\/[^"]+" style="[^"]*background:#ffd400;color:#000000/);
      expect(mail?.html).toContain('border-bottom:3px solid #ffd400');
      expect(mail?.html).not.toContain('<link');
      expect(mail?.text).toContain('A yellow reply.');
    } finally {
      await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/account',
        headers: tenant.owner.headers,
        payload: { brandColor: null },
      });
    }
  });
});
