import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { linkDiscord, setUpDiscord } from '../../../../tests/helpers/discord.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import {
  type FakeDiscord,
  type FakeUser,
  type SentMessage,
  startFakeDiscord,
  validateModal,
} from '../../../../tests/helpers/fake-discord.js';
import { portalLinkOf } from '../../../../tests/helpers/portal.js';
import { startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { submitSurvey } from '../csat/index.js';
import { sendDeliveryJob } from '../delivery/index.js';

let t: TestApp;
let fake: FakeDiscord;
let tenant: Tenant;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

beforeAll(async () => {
  fake = await startFakeDiscord();
  smtp = await startSmtpServer();
  t = await createTestApp({
    discordApiUrl: fake.apiUrl,
    discordAuthorizeUrl: fake.authorizeUrl,
    smtpUrl: smtp.url,
  });
  tenant = await buildAccount(t);
  await setUpDiscord(t, tenant, fake);
});
afterAll(async () => {
  await fake.close();
  await smtp.close();
});

/** A ticket whose requester linked Discord as a fresh fake user. */
async function linkedTicket(name: string) {
  const user = fake.addUser(name);
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const ticket = await buildTicket(t, tenant, { requester: { email, name } });
  const linked = await linkDiscord(t, fake, portalLinkOf(t, ticket.id), user.id);
  expect(linked.statusCode, linked.body).toBeLessThan(400);
  return { user, email, ticket };
}

const patch = (ticketId: string, payload: object) =>
  t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
    payload,
  });

/** Posts an interaction to Clearline as Discord does, signed with the application's key. */
async function interact(body: object, sign = true) {
  const raw = JSON.stringify(body);
  const headers = sign
    ? fake.signInteraction(raw)
    : {
        'x-signature-ed25519': 'ab'.repeat(64),
        'x-signature-timestamp': String(Math.floor(Date.now() / 1000)),
      };
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/discord/${tenant.accountId}/interactions`,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: raw,
  });
}

const buttonsOf = (m: SentMessage) =>
  (m.payload.components as { components: { custom_id?: string; url?: string; label: string }[] }[]).flatMap(
    (r) => r.components,
  );

async function resolveAndDm(name: string) {
  const c = await linkedTicket(name);
  expect((await patch(c.ticket.id, { status: 'resolved' })).statusCode).toBe(200);
  await t.runJobs(sendDeliveryJob);
  const [dm] = fake.messagesTo(c.user.id);
  if (!dm) throw new Error('no DM');
  return { ...c, dm };
}

const answerOf = async (ticketId: string) =>
  (
    await t.db.execute<{ rating: number | null; comment: string | null; channel: string | null }>(
      sql`SELECT rating, comment, channel FROM csat_surveys WHERE ticket_id = ${ticketId}`,
    )
  ).rows;

describe('survey invitations as Discord DMs, answered inside Discord', () => {
  it('a resolved ticket of a linked customer gets one DM with five star buttons and a link to the survey page; no mail in DM-only mode', async () => {
    const c = await resolveAndDm('dora');
    const buttons = buttonsOf(c.dm);
    expect(buttons.map((b) => b.label)).toEqual(['1★', '2★', '3★', '4★', '5★', 'Open the survey page']);
    expect(buttons.at(-1)?.url).toMatch(/\/s\//);
    const embed = (c.dm.payload.embeds as { title: string; description: string }[])[0];
    expect(embed?.title).toContain(c.ticket.reference);
    expect(smtp.to(c.email).filter((m) => m.parsed.subject?.includes(c.ticket.reference))).toHaveLength(0);
    const log = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${c.ticket.id}/discord-messages`,
      headers: tenant.owner.headers,
    });
    expect(log.json().messages).toMatchObject([{ kind: 'survey_invitation', status: 'sent', attempts: 1 }]);
    const sent = await t.db.execute(
      sql`SELECT count(*)::int AS n FROM csat_events WHERE ticket_id = ${c.ticket.id} AND type = 'invitation_sent' AND channel = 'discord'`,
    );
    expect(sent.rows[0]).toEqual({ n: 1 });
  });

  it('a star opens a modal titled with the rating; its submit records the answer with channel discord and removes the buttons', async () => {
    const c = await resolveAndDm('ezra');
    const star = buttonsOf(c.dm)[3]?.custom_id ?? '';
    const click = await interact(fake.interactions.buttonClick(c.user, c.dm, star));
    expect(click.statusCode).toBe(200);
    const modal = click.json();
    expect(modal.type).toBe(9);
    expect(modal.data.title).toBe('You chose 4★');
    expect(await answerOf(c.ticket.id)).toEqual([{ rating: null, comment: null, channel: null }]);

    const submit = await interact(
      fake.interactions.modalSubmit(c.user, c.dm, modal.data.custom_id, { comment: 'Quick and kind' }),
    );
    expect(submit.json()).toMatchObject({
      type: 7,
      data: { content: 'You rated 4★ — thank you!', components: [] },
    });
    expect(await answerOf(c.ticket.id)).toEqual([
      { rating: 4, comment: 'Quick and kind', channel: 'discord' },
    ]);
    const overview = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${tenant.projectId}/csat/reviews?channel=discord`,
      headers: tenant.owner.headers,
    });
    expect(overview.body).toContain('Quick and kind');

    // One winner across channels: a second submit is told the survey is answered, nothing changes.
    const again = await interact(
      fake.interactions.modalSubmit(c.user, c.dm, modal.data.custom_id, { comment: 'x' }),
    );
    expect(again.json()).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(await answerOf(c.ticket.id)).toEqual([
      { rating: 4, comment: 'Quick and kind', channel: 'discord' },
    ]);
  });

  it('another Discord user’s click is refused and records nothing', async () => {
    const c = await resolveAndDm('fern');
    const stranger: FakeUser = fake.addUser('stranger');
    const star = buttonsOf(c.dm)[0]?.custom_id ?? '';
    const click = await interact(fake.interactions.buttonClick(stranger, c.dm, star));
    expect(click.json()).toMatchObject({ type: 4, data: { flags: 64 } });
    const submit = await interact(
      fake.interactions.modalSubmit(stranger, c.dm, `csat-modal:${star.split(':')[1]}:1`, {}),
    );
    expect(submit.json().data.content).toMatch(/Only the customer/);
    expect(await answerOf(c.ticket.id)).toEqual([{ rating: null, comment: null, channel: null }]);
  });

  it('a forged or stale signature is a 401 and records nothing; PING is answered with PONG', async () => {
    const c = await resolveAndDm('gus');
    const star = buttonsOf(c.dm)[2]?.custom_id ?? '';
    const forged = await interact(
      fake.interactions.modalSubmit(c.user, c.dm, `csat-modal:${star.split(':')[1]}:3`, {}),
      false,
    );
    expect(forged.statusCode).toBe(401);
    const body = JSON.stringify(fake.interactions.ping());
    const stale = await t.app.inject({
      method: 'POST',
      url: `/api/v1/discord/${tenant.accountId}/interactions`,
      headers: {
        ...fake.signInteraction(body, String(Math.floor(Date.now() / 1000) - 600)),
        'content-type': 'application/json',
      },
      payload: body,
    });
    expect(stale.statusCode).toBe(401);
    expect(await answerOf(c.ticket.id)).toEqual([{ rating: null, comment: null, channel: null }]);
    expect((await interact(fake.interactions.ping())).json()).toEqual({ type: 1 });
  });

  it('a reopen withdraws the survey and edits its DM (buttons removed); the next resolution is a new DM', async () => {
    const c = await resolveAndDm('hana');
    expect((await patch(c.ticket.id, { status: 'open' })).statusCode).toBe(200);
    await t.runJobs(sendDeliveryJob);
    const edit = c.dm.edits.at(-1);
    expect(edit).toMatchObject({ components: [] });
    expect(String(edit?.content)).toMatch(/withdrawn/);
    // A click on the old DM says so.
    const click = await interact(
      fake.interactions.buttonClick(c.user, c.dm, buttonsOf(c.dm)[4]?.custom_id ?? ''),
    );
    expect(click.json().data.content).toMatch(/withdrawn/);
    expect((await patch(c.ticket.id, { status: 'resolved' })).statusCode).toBe(200);
    await t.runJobs(sendDeliveryJob);
    expect(fake.messagesTo(c.user.id)).toHaveLength(2);
  });

  it('an answer through another channel edits the DM', async () => {
    const c = await resolveAndDm('ivan');
    const surveyId = (buttonsOf(c.dm)[0]?.custom_id ?? '').split(':')[1] ?? '';
    await inTransaction(t.db, (tx) =>
      submitSurvey(scopeOf(t.ctx, tx), surveyId, { rating: 2, comment: null, channel: 'link' }),
    );
    await t.runJobs(sendDeliveryJob);
    expect(c.dm.edits.at(-1)).toMatchObject({ content: 'You rated 2★ — thank you!', components: [] });
  });
  it('a project set to DM and email sends the invitation both ways, once each', async () => {
    const setMode = (delivery: string) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/discord/projects/${tenant.projectId}`,
        headers: tenant.owner.headers,
        payload: { delivery },
      });
    expect((await setMode('dm_and_email')).statusCode).toBe(200);
    try {
      const c = await resolveAndDm('lena');
      expect(fake.messagesTo(c.user.id)).toHaveLength(1);
      const channels = await t.db.execute(
        sql`SELECT channel, status FROM deliveries WHERE ticket_id = ${c.ticket.id} AND kind = 'survey_invitation' ORDER BY channel`,
      );
      expect(channels.rows).toEqual([
        { channel: 'mail', status: 'sent' },
        { channel: 'discord', status: 'sent' },
      ]);
    } finally {
      expect((await setMode('dm_only')).statusCode).toBe(200);
    }
  });
});

describe('low-score reasons in the Discord modal', () => {
  const settings = (lowScoreReasons: string[]) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/v1/projects/${tenant.projectId}/csat/settings`,
      headers: tenant.owner.headers,
      payload: { enabled: true, expiryDays: 7, invitationText: 'How did we do?', lowScoreReasons },
    });
  const reasonOf = async (ticketId: string) =>
    (
      await t.db.execute<{ reason: string | null }>(
        sql`SELECT reason FROM csat_surveys WHERE ticket_id = ${ticketId}`,
      )
    ).rows[0]?.reason;
  const selectsOf = (modal: { data: { components: { type: number; component?: { type: number } }[] } }) =>
    modal.data.components.filter((c) => c.component?.type === 3).map((c) => c.component);
  afterAll(async () => {
    expect((await settings([])).statusCode).toBe(200);
  });

  it('at or below the threshold the modal offers the reasons in a select (as Discord takes it), above it only the comment', async () => {
    expect((await settings(['Too slow', 'Not solved'])).statusCode).toBe(200);
    const c = await resolveAndDm('gwen');
    const star = (n: number) => buttonsOf(c.dm)[n - 1]?.custom_id ?? '';
    const low = (await interact(fake.interactions.buttonClick(c.user, c.dm, star(2)))).json();
    expect(validateModal(low)).toBeNull();
    expect(selectsOf(low)).toEqual([
      expect.objectContaining({
        custom_id: 'reason',
        min_values: 0,
        max_values: 1,
        options: [
          { label: 'Too slow', value: 'Too slow' },
          { label: 'Not solved', value: 'Not solved' },
        ],
      }),
    ]);
    const high = (await interact(fake.interactions.buttonClick(c.user, c.dm, star(3)))).json();
    expect(validateModal(high)).toBeNull();
    expect(selectsOf(high)).toEqual([]);
    expect(JSON.stringify(high)).not.toContain('Too slow');

    const submit = await interact(
      fake.interactions.modalSubmitOf(c.user, c.dm, low, { reason: ['Not solved'], comment: 'Still broken' }),
    );
    expect(submit.json()).toMatchObject({ type: 7 });
    expect(await answerOf(c.ticket.id)).toEqual([{ rating: 2, comment: 'Still broken', channel: 'discord' }]);
    expect(await reasonOf(c.ticket.id)).toBe('Not solved');
  });

  it('a project without reasons shows no select even at 1★, and a reason leaving the list meanwhile is refused', async () => {
    expect((await settings([])).statusCode).toBe(200);
    const c = await resolveAndDm('hugo');
    const one = buttonsOf(c.dm)[0]?.custom_id ?? '';
    const plain = (await interact(fake.interactions.buttonClick(c.user, c.dm, one))).json();
    expect(validateModal(plain)).toBeNull();
    expect(selectsOf(plain)).toEqual([]);

    expect((await settings(['Too slow'])).statusCode).toBe(200);
    const offered = (await interact(fake.interactions.buttonClick(c.user, c.dm, one))).json();
    expect((await settings(['Rude'])).statusCode).toBe(200);
    const stale = await interact(
      fake.interactions.modalSubmitOf(c.user, c.dm, offered, { reason: 'Too slow' }),
    );
    expect(stale.json()).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(await answerOf(c.ticket.id)).toEqual([{ rating: null, comment: null, channel: null }]);
  });
});

describe('the DM channel is opened once per linked user and kept on the link', () => {
  const keptChannel = async (discordUserId: string) =>
    (
      await t.db.execute<{ dm_channel_id: string | null }>(
        sql`SELECT dm_channel_id FROM discord_links WHERE discord_user_id = ${discordUserId}`,
      )
    ).rows[0]?.dm_channel_id;
  const reply = (ticketId: string, body: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${ticketId}/messages`,
      headers: tenant.owner.headers,
      payload: { body, internal: false },
    });

  it('the second DM to a customer is one request (no new DM channel), to the channel kept from the first; linking again forgets it', async () => {
    const c = await resolveAndDm('olga');
    expect(await keptChannel(c.user.id)).toBe(c.dm.channelId);
    const opened = fake.requestCount('POST /users/@me/channels');
    const posted = fake.requestCount('POST /channels/:id/messages');
    expect((await reply(c.ticket.id, 'A second DM')).statusCode).toBe(201);
    await t.runJobs(sendDeliveryJob);
    const dms = fake.messagesTo(c.user.id);
    expect(dms).toHaveLength(2);
    expect(dms[1]?.channelId).toBe(c.dm.channelId);
    expect(fake.requestCount('POST /users/@me/channels')).toBe(opened);
    expect(fake.requestCount('POST /channels/:id/messages')).toBe(posted + 1);

    const other = fake.addUser('olga-again');
    const relinked = await linkDiscord(t, fake, portalLinkOf(t, c.ticket.id), other.id);
    expect(relinked.statusCode, relinked.body).toBeLessThan(400);
    expect(await keptChannel(other.id)).toBeNull();
  });

  it('a kept channel Discord no longer knows (10003) is forgotten and the retry opens the DM again: one DM', async () => {
    const c = await resolveAndDm('pia');
    const opened = fake.requestCount('POST /users/@me/channels');
    fake.failNext('POST /channels/:id/messages', { kind: 'discord', code: 10003 });
    expect((await reply(c.ticket.id, 'After the channel went away')).statusCode).toBe(201);
    await t.runJobs(sendDeliveryJob);
    expect(fake.messagesTo(c.user.id)).toHaveLength(2);
    expect(fake.requestCount('POST /users/@me/channels')).toBe(opened + 1);
    expect(await keptChannel(c.user.id)).toBe(c.dm.channelId);
    const row = await t.db.execute<{ status: string; attempts: number }>(
      sql`SELECT status, attempts FROM deliveries WHERE channel = 'discord' AND kind = 'agent_reply' AND ticket_id = ${c.ticket.id}`,
    );
    expect(row.rows).toEqual([{ status: 'sent', attempts: 2 }]);
  });
});

describe('Discord errors: rate limits wait, final refusals are never retried', () => {
  it('429 then success: exactly one DM', async () => {
    fake.failNext('POST /channels/:id/messages', { kind: 'rate_limit', retryAfter: 0.2 });
    const c = await resolveAndDm('jade');
    expect(fake.messagesTo(c.user.id)).toHaveLength(1);
    const row = await t.db.execute(
      sql`SELECT status FROM deliveries WHERE channel = 'discord' AND ticket_id = ${c.ticket.id}`,
    );
    expect(row.rows).toEqual([{ status: 'sent' }]);
  });

  it('50007: the customer is marked DM not deliverable and the invitation falls back to mail, exactly once', async () => {
    const c = await linkedTicket('kim');
    fake.refuseUser(c.user.id, 50007);
    expect((await patch(c.ticket.id, { status: 'resolved' })).statusCode).toBe(200);
    await t.runJobs(sendDeliveryJob);
    await t.runJobs(sendDeliveryJob);
    const invitations = smtp.to(c.email).filter((m) => /rate|satisf/i.test(m.parsed.text ?? ''));
    expect(invitations).toHaveLength(1);
    const link = await t.db.execute(
      sql`SELECT dm_undeliverable_at IS NOT NULL AS refused FROM discord_links WHERE discord_user_id = ${c.user.id}`,
    );
    expect(link.rows).toEqual([{ refused: true }]);
    const channels = await t.db.execute(
      sql`SELECT channel, status FROM deliveries WHERE ticket_id = ${c.ticket.id} AND kind = 'survey_invitation' ORDER BY channel`,
    );
    expect(channels.rows).toEqual([
      { channel: 'mail', status: 'sent' },
      { channel: 'discord', status: 'failed' },
    ]);
    // The ticket's delivery log shows the refused DM with Discord's answer, beside the mail.
    const log = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${c.ticket.id}/discord-messages`,
      headers: tenant.owner.headers,
    });
    expect(log.json().messages[0]).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('50007'),
    });
    const mails = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${c.ticket.id}/mails`,
      headers: tenant.owner.headers,
    });
    expect(mails.json().mails.some((m: { kind: string }) => m.kind === 'survey_invitation')).toBe(true);
    // No DM is tried again for this customer: a staff reply goes by mail only.
    const before = fake.requestCount('POST /users/@me/channels');
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${c.ticket.id}/messages`,
      headers: tenant.owner.headers,
      payload: { body: 'One more thing', internal: false },
    });
    await t.runJobs(sendDeliveryJob);
    expect(fake.requestCount('POST /users/@me/channels')).toBe(before);
  });

  it.each([50278, 10013] as const)(
    '%i is final too: DM not deliverable, one mail fallback, never tried again',
    async (code) => {
      const c = await linkedTicket(`final${code}`);
      fake.refuseUser(c.user.id, code);
      expect((await patch(c.ticket.id, { status: 'resolved' })).statusCode).toBe(200);
      await t.runJobs(sendDeliveryJob);
      await t.runJobs(sendDeliveryJob);
      const rows = await t.db.execute(
        sql`SELECT channel, status, attempts FROM deliveries WHERE ticket_id = ${c.ticket.id} AND kind = 'survey_invitation' ORDER BY channel`,
      );
      expect(rows.rows).toEqual([
        { channel: 'mail', status: 'sent', attempts: 1 },
        { channel: 'discord', status: 'failed', attempts: 1 },
      ]);
      const link = await t.db.execute(
        sql`SELECT dm_undeliverable_reason FROM discord_links WHERE discord_user_id = ${c.user.id}`,
      );
      expect(String(link.rows[0]?.dm_undeliverable_reason)).toContain(String(code));
    },
  );

  it('5xx and network errors are retried (never final) until Discord takes the DM: one DM', async () => {
    // More failures than @discordjs/rest retries inside one attempt, so the pipeline retries too.
    fake.failNext('POST /channels/:id/messages', { kind: 'http', status: 502 }, 4);
    fake.failNext('POST /channels/:id/messages', { kind: 'network' }, 4);
    const c = await linkedTicket('nia');
    expect((await patch(c.ticket.id, { status: 'resolved' })).statusCode).toBe(200);
    for (let i = 0; i < 4 && fake.messagesTo(c.user.id).length === 0; i++) await t.runJobs(sendDeliveryJob);
    expect(fake.messagesTo(c.user.id)).toHaveLength(1);
    const row = await t.db.execute<{ status: string; attempts: number }>(
      sql`SELECT status, attempts FROM deliveries WHERE channel = 'discord' AND ticket_id = ${c.ticket.id}`,
    );
    expect(row.rows[0]?.status).toBe('sent');
    expect(row.rows[0]?.attempts).toBeGreaterThan(1);
  });

  it('public staff replies are announced by DM with an excerpt and a portal button; internal notes never', async () => {
    const c = await linkedTicket('lou');
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${c.ticket.id}/messages`,
      headers: tenant.owner.headers,
      payload: { body: 'PUBLIC-REPLY-MARKER we fixed it', internal: false },
    });
    expect(reply.statusCode).toBe(201);
    const note = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${c.ticket.id}/messages`,
      headers: tenant.owner.headers,
      payload: { body: 'NOTE-MARKER internal only', internal: true },
    });
    expect(note.statusCode).toBe(201);
    await t.runJobs(sendDeliveryJob);
    const dms = fake.messagesTo(c.user.id);
    expect(dms).toHaveLength(1);
    expect(JSON.stringify(dms[0]?.payload)).toContain('PUBLIC-REPLY-MARKER');
    expect(JSON.stringify(fake.messages)).not.toContain('NOTE-MARKER');
    expect(buttonsOf(dms[0] as SentMessage)[0]?.url).toMatch(/\/p\//);
  });

  it('401: the account’s setup is marked broken and every later send stops', async () => {
    const c = await linkedTicket('max');
    // Last in the file: the fake's bot token stays revoked.
    fake.revokeBotToken();
    {
      expect((await patch(c.ticket.id, { status: 'resolved' })).statusCode).toBe(200);
      await t.runJobs(sendDeliveryJob);
      const app = await t.db.execute(
        sql`SELECT broken_at IS NOT NULL AS broken FROM discord_apps WHERE account_id = ${tenant.accountId}`,
      );
      expect(app.rows).toEqual([{ broken: true }]);
      // The account owner is told, with Discord's answer.
      const told = smtp
        .to(tenant.owner.email)
        .filter((m) => m.parsed.subject?.startsWith('Discord direct messages stopped'));
      expect(told).toHaveLength(1);
      expect(told[0]?.parsed.text).toContain('401');
      const before = fake.requestCount('POST /users/@me/channels');
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${c.ticket.id}/messages`,
        headers: tenant.owner.headers,
        payload: { body: 'hello', internal: false },
      });
      await t.runJobs(sendDeliveryJob);
      expect(fake.requestCount('POST /users/@me/channels')).toBe(before);
    }
  });
});
