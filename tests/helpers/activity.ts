import { expect } from 'vitest';
import { inTransaction } from '../../src/server/db/client.js';
import { attachmentStorage, storeAttachment } from '../../src/server/modules/attachments/index.js';
import { sendDeliveryJob } from '../../src/server/modules/delivery/index.js';
import { ingestInboundMail } from '../../src/server/modules/inbound/index.js';
import { portalPath } from '../../src/server/modules/tickets/index.js';
import type { TestApp } from './app.js';
import { linkDiscord, setUpDiscord, startLink } from './discord.js';
import { buildMember, buildTicket, type Tenant } from './factories.js';
import type { FakeDiscord } from './fake-discord.js';
import { signInCustomer, solveCaptcha } from './portal.js';

/**
 * A day of help desk work through the API, so that every tenant table gets rows: a member with a
 * custom role, a staff sign-in and password reset request, a watched and assigned ticket with a reply, a note with an attachment and the
 * requester's answer on the portal, CSAT settings with low-score reasons, a resolution whose survey
 * the customer answers with a low score and a reason, followed up by the owner,
 * a customer signed in to the portal home, and a webhook endpoint whose deliveries are attempted
 * (refused: a loopback address) and logged; with a fake Discord, Discord set up with a project's
 * delivery chosen, the customer's Discord linked and a second link left half-way; and a mail
 * to the project's inbound address. Returns the ticket and the member.
 */
export async function recordActivity(t: TestApp, tenant: Tenant, discord?: FakeDiscord) {
  const send = async (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: object, status: number) => {
    const res = await t.app.inject({ method, url, headers: tenant.owner.headers, payload });
    expect(res.statusCode, res.body).toBe(status);
    return res;
  };
  await send('POST', '/api/v1/webhooks', { url: 'https://127.0.0.1/hook', events: ['ticket.created'] }, 201);
  const agent = await buildMember(t, tenant, { permissions: ['tickets.view_all', 'messages.create'] });
  const signIn = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: agent.email, password: 'member-password' },
  });
  expect(signIn.statusCode, signIn.body).toBe(200);
  const reset = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password-reset',
    payload: { email: agent.email },
  });
  expect(reset.statusCode, reset.body).toBe(202);

  const requester = { email: `casey-${tenant.projectId.slice(0, 8)}@example.com`, name: 'Casey' };
  const ticket = await buildTicket(t, tenant, { requester, tags: ['printer'] });
  await send('PATCH', `/api/v1/tickets/${ticket.id}`, { assigneeId: tenant.owner.userId }, 200);
  await send('PUT', `/api/v1/tickets/${ticket.id}/watchers/${agent.userId}`, {}, 204);
  await send('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'Turn it off and on.' }, 201);
  const note = await send(
    'POST',
    `/api/v1/tickets/${ticket.id}/messages`,
    { body: 'Noted', internal: true },
    201,
  );
  await inTransaction(t.ctx.db, (tx) =>
    storeAttachment({ tx, clock: t.ctx.clock }, attachmentStorage(t.ctx.config), {
      accountId: tenant.accountId,
      ticketId: ticket.id,
      messageId: note.json().id,
      filename: 'photo.jpg',
      contentType: 'image/jpeg',
      content: Buffer.from('smoke'),
    }),
  );
  const portal = `/api/v1/portal/${portalPath(t.ctx.links, { id: ticket.id, portalTokenVersion: 1 }).slice(3)}`;
  const answer = await t.app.inject({
    method: 'POST',
    url: `${portal}/messages`,
    payload: { body: 'Still smoking.', altcha: await solveCaptcha(t), website: '' },
  });
  expect(answer.statusCode, answer.body).toBe(201);
  await send(
    'PUT',
    `/api/v1/projects/${tenant.projectId}/csat/settings`,
    {
      enabled: true,
      expiryDays: 5,
      invitationText: 'Tell us how we did.',
      lowScoreReasons: ['Too slow', 'Not solved'],
    },
    200,
  );
  await send('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'resolved' }, 200);
  // A mailbox saved switched off (no IMAP server is signed in to then).
  await send(
    'PUT',
    `/api/v1/projects/${tenant.projectId}/mailbox`,
    {
      enabled: false,
      host: 'imap.example.com',
      port: 993,
      tls: true,
      username: 'support',
      password: 'secret',
    },
    200,
  );
  const survey = await t.app.inject({
    method: 'POST',
    url: `${portal}/survey`,
    payload: {
      rating: 2,
      comment: 'Fixed, but slowly',
      reason: 'Too slow',
      altcha: await solveCaptcha(t),
      website: '',
    },
  });
  expect(survey.statusCode, survey.body).toBe(200);
  // A low score: its follow-up is recorded beside the answer.
  const surveys = await t.app.inject({
    method: 'GET',
    url: `/api/v1/tickets/${ticket.id}/surveys`,
    headers: tenant.owner.headers,
  });
  await send(
    'POST',
    `/api/v1/projects/${tenant.projectId}/csat/follow-ups/${surveys.json().surveys[0].id}`,
    { note: 'Called them back.' },
    200,
  );
  const session = await signInCustomer(t, tenant.accountId, requester.email);
  if (discord) {
    await setUpDiscord(t, tenant, discord);
    await send('PUT', `/api/v1/discord/projects/${tenant.projectId}`, { delivery: 'dm_and_email' }, 200);
    const home = `/portal/${tenant.accountId}`;
    const linked = await linkDiscord(
      t,
      discord,
      home,
      discord.addUser(`casey-${tenant.projectId.slice(0, 8)}`).id,
      session,
    );
    expect(linked.statusCode, linked.body).toBe(303);
    await startLink(t, home, session);
  }
  const inbound = `support-${tenant.projectId.slice(0, 8)}@in.example.com`;
  await send(
    'PUT',
    `/api/v1/projects/${tenant.projectId}/inbound/settings`,
    { address: inbound, newTicketsPerSenderHour: 20 },
    200,
  );
  const mail = `From: ${requester.email}\r\nTo: ${inbound}\r\nSubject: [${ticket.reference}] By mail\r\nMessage-ID: <activity-${tenant.projectId}@example.com>\r\n\r\nHello by mail.\r\n`;
  const received = await ingestInboundMail(t.ctx, {
    raw: Buffer.from(mail),
    envelopeTo: [inbound],
    source: 'smtp',
  });
  expect(received.outcome).toBe('reply');
  await t.runJobs(sendDeliveryJob);
  return { ticket, agent };
}
