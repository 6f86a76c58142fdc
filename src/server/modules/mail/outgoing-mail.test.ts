import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { latestSignInPath, postForm } from '../../../../tests/helpers/portal.js';
import { linksIn } from '../../../../tests/helpers/smtp.js';
import { sendDeliveryJob } from '../delivery/index.js';

// No SMTP_URL: the default after `npm start`.
let t: TestApp;
let tenant: Tenant;
let ticket: { id: string; reference: string };
const marker = `internal-marker-${randomBytes(6).toString('hex')}`;
const requester = { email: `req-${randomBytes(4).toString('hex')}@example.com`, name: 'Rita Requester' };

interface OutgoingMail {
  id: string;
  kind: string;
  status: string;
  recipient: string;
  content: { subject: string; text: string; html: string } | null;
}

const outgoing = (headers: Record<string, string>, query = '') =>
  t.app.inject({ method: 'GET', url: `/api/v1/outgoing-mail${query}`, headers });

beforeAll(async () => {
  t = await createTestApp();
  expect(t.ctx.config.smtpUrl).toBeUndefined();
  tenant = await buildAccount(t, { name: 'Acme' });
  ticket = await buildTicket(t, tenant, { requester, subject: 'Lost parcel' });
  const post = (body: string, internal: boolean) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${ticket.id}/messages`,
      headers: tenant.owner.headers,
      payload: { body, internal },
    });
  expect((await post(`Checked the depot: ${marker}`, true)).statusCode).toBe(201);
  expect((await post('Your parcel is on its way.', false)).statusCode).toBe(201);
  t.clock.advance(60_000);
  await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticket.id}`,
    headers: tenant.owner.headers,
    payload: { status: 'resolved' },
  });
  await t.runJobs(sendDeliveryJob);
});

describe('without an SMTP server', () => {
  it('keeps every mail (status kept) instead of sending it', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/mails`,
      headers: tenant.owner.headers,
    });
    expect(res.json().mails.map((m: OutgoingMail) => [m.kind, m.status])).toEqual([
      ['agent_reply', 'kept'],
      ['survey_invitation', 'kept'],
    ]);
  });

  it('lists kept mails for admins, rendered, with links that work', async () => {
    const res = await outgoing(tenant.owner.headers);
    expect(res.statusCode).toBe(200);
    const mails: OutgoingMail[] = res.json().mails;
    expect(mails.map((m) => m.kind)).toEqual(['survey_invitation', 'agent_reply']);
    const reply = mails.find((m) => m.kind === 'agent_reply');
    expect(reply).toMatchObject({ status: 'kept', recipient: requester.email });
    expect(reply?.content?.subject).toBe(`[${ticket.reference}] Lost parcel`);
    expect(reply?.content?.text).toContain('Your parcel is on its way.');
    expect(reply?.content?.html).toContain('<p>Your parcel is on its way.</p>');

    const portal = linksIn(reply?.content?.text ?? '').find((l) => new URL(l).pathname.startsWith('/p/'));
    if (!portal) throw new Error('no portal link');
    const portalPage = await t.app.inject({ method: 'GET', url: new URL(portal).pathname });
    expect(portalPage.statusCode).toBe(200);
    expect(portalPage.body).toContain('Lost parcel');

    const invitation = mails.find((m) => m.kind === 'survey_invitation');
    const star = linksIn(invitation?.content?.text ?? '').find(
      (l) => new URL(l).searchParams.get('rating') === '4',
    );
    if (!star) throw new Error('no star link');
    const url = new URL(star);
    const surveyPage = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
    expect(surveyPage.statusCode).toBe(200);
    expect(surveyPage.body).toMatch(/id="rating-4"[^>]*\bchecked\b/);
  });

  it('shows the same mails on the Outgoing mail page', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/admin/outgoing-mail',
      headers: tenant.owner.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain(`[${ticket.reference}] Lost parcel`);
    expect(res.body).toContain('Your parcel is on its way.');
    const api = (await outgoing(tenant.owner.headers)).json().mails as OutgoingMail[];
    for (const m of api) {
      const portalOrSurvey = linksIn(m.content?.text ?? '').find((l) =>
        /^\/(p|s)\//.test(new URL(l).pathname),
      );
      expect(portalOrSurvey && res.body.includes(`href="${portalOrSurvey.replaceAll('&', '&amp;')}`)).toBe(
        true,
      );
    }
  });

  it('pages through the list with a cursor', async () => {
    const first = await outgoing(tenant.owner.headers, '?limit=1');
    expect(first.json().mails).toHaveLength(1);
    const cursor = first.json().nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const second = await outgoing(tenant.owner.headers, `?limit=1&cursor=${encodeURIComponent(cursor)}`);
    expect(second.json().mails).toHaveLength(1);
    expect(second.json().mails[0].id).not.toBe(first.json().mails[0].id);
    expect(second.json().nextCursor).toBeNull();
  });

  it('only the account owner sees kept mail', async () => {
    const staff = await buildMember(t, tenant, { role: 'staff' });
    const admin = await buildMember(t, tenant, { role: 'admin' });
    for (const denied of [staff, admin]) {
      const api = await outgoing(denied.headers);
      expect(api.statusCode).toBe(403);
      expect(api.json().error.code).toBe('FORBIDDEN');
      expect(api.body).not.toContain('Lost parcel');
      const page = await t.app.inject({
        method: 'GET',
        url: '/admin/outgoing-mail',
        headers: denied.headers,
      });
      expect(page.statusCode).toBe(403);
      expect(page.body).not.toContain('Lost parcel');
    }
    expect((await outgoing(tenant.owner.headers)).statusCode).toBe(200);
  });

  it('says on the page that mail is not being delivered', async () => {
    const page = await t.app.inject({
      method: 'GET',
      url: '/admin/outgoing-mail',
      headers: tenant.owner.headers,
    });
    expect(page.body).toContain('Mail is not being delivered.');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: tenant.owner.headers });
    expect(me.json().mailDelivery).toBe('kept');
  });

  it('is refused to anonymous visitors, and hides other accounts', async () => {
    expect((await outgoing({})).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/admin/outgoing-mail' })).statusCode).toBe(401);

    const stranger = await buildAccount(t);
    const theirs = await outgoing(stranger.owner.headers);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json().mails).toEqual([]);
  });

  it('kept mail never shows links of a project the viewer cannot see', async () => {
    // An admin of the owner's project creates project B: they own B, the account owner is not in it.
    const admin = await buildMember(t, tenant, { role: 'admin' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: admin.headers,
      payload: { name: 'Project B', key: 'PRB' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const projectB = { ...tenant, projectId: created.json().id, owner: admin };
    const onlyB = { email: `b-${randomBytes(4).toString('hex')}@example.com`, name: 'Bea B' };
    const both = { email: `ab-${randomBytes(4).toString('hex')}@example.com`, name: 'Abe Both' };
    await buildTicket(t, projectB, { requester: onlyB, subject: 'Secret project B matter' }, admin);
    await buildTicket(t, projectB, { requester: both, subject: 'Another B matter' }, admin);
    await buildTicket(t, tenant, { requester: both, subject: 'An A matter' });
    for (const who of [onlyB, both, requester]) {
      const asked = await postForm(t, `/portal/${tenant.accountId}/sign-in`, { email: who.email });
      expect(asked.statusCode).toBe(200);
    }
    await t.runJobs(sendDeliveryJob);

    const mails: OutgoingMail[] = (await outgoing(tenant.owner.headers, '?limit=100')).json().mails;
    const signIns = mails.filter((m) => m.kind === 'sign_in').map((m) => m.recipient);
    // A sign-in link opens every ticket of its customer: shown only when all of them are visible.
    expect(signIns).toEqual([requester.email]);
    expect(JSON.stringify(mails)).not.toContain('project B matter');
    const page = await t.app.inject({
      method: 'GET',
      url: '/admin/outgoing-mail?limit=100',
      headers: tenant.owner.headers,
    });
    expect(page.body).not.toContain(onlyB.email);
    expect(page.body).not.toContain(both.email);
    expect(page.body).not.toContain('project B matter');
    const signInLinks = linksIn(page.body.replaceAll('&amp;', '&')).filter((l) => l.includes('/sign-in/'));
    const allowed = await latestSignInPath(t, tenant.accountId, requester.email);
    expect(signInLinks.length).toBeGreaterThan(0);
    for (const link of signInLinks) expect(new URL(link).pathname).toBe(allowed);
  });

  it("never shows a staff member's password reset link, not even the account owner's own", async () => {
    const member = await buildMember(t, tenant, { role: 'staff' });
    for (const email of [member.email, tenant.owner.email]) {
      const asked = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset',
        payload: { email },
      });
      expect(asked.statusCode).toBe(202);
    }
    await t.runJobs(sendDeliveryJob);
    const api = await outgoing(tenant.owner.headers, '?limit=100');
    expect(api.json().mails.map((m: OutgoingMail) => m.kind)).not.toContain('password_reset');
    expect(api.body).not.toContain('/app/reset-password/');
  });

  it('never shows an internal note in a kept mail', async () => {
    const api = await outgoing(tenant.owner.headers);
    expect(api.body).not.toContain(marker);
    const page = await t.app.inject({
      method: 'GET',
      url: '/admin/outgoing-mail',
      headers: tenant.owner.headers,
    });
    expect(page.body).not.toContain(marker);
  });
});
