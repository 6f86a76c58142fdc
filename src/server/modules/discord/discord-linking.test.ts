import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { followCallback, linkDiscord, setUpDiscord, startLink } from '../../../../tests/helpers/discord.js';
import {
  buildAccount,
  buildTicket,
  staffSessionCookie,
  type Tenant,
} from '../../../../tests/helpers/factories.js';
import { type FakeDiscord, type FakeUser, startFakeDiscord } from '../../../../tests/helpers/fake-discord.js';
import { portalLinkOf, signInCustomer } from '../../../../tests/helpers/portal.js';
import { inTransaction } from '../../db/client.js';
import { getDiscordLink, markDmUndeliverable, purgeExpiredDiscordStatesJob } from './index.js';

let t: TestApp;
let fake: FakeDiscord;
let tenant: Tenant;
let ann: FakeUser;
let bo: FakeUser;

const links = async () =>
  (
    await t.db.execute<{ email: string; discord_user_id: string; discord_username: string }>(sql`
      SELECT c.email, l.discord_user_id, l.discord_username FROM discord_links l
      JOIN customers c ON c.id = l.customer_id ORDER BY c.email`)
  ).rows;
const stateCount = async () =>
  Number((await t.db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM discord_oauth_states`)).rows[0]?.n);

/** A customer with a ticket: its secret link and the customer's portal session. */
async function customer(name: string) {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const ticket = await buildTicket(t, tenant, { requester: { email, name } });
  return {
    email,
    ticket,
    link: portalLinkOf(t, ticket.id),
    session: await signInCustomer(t, tenant.accountId, email),
  };
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  t = await createTestApp({ discordApiUrl: fake.apiUrl, discordAuthorizeUrl: fake.authorizeUrl });
  tenant = await buildAccount(t);
  await setUpDiscord(t, tenant, fake);
  ann = fake.addUser('ann', 'Ann A.');
  bo = fake.addUser('bo');
});
afterAll(() => fake.close());

describe('customers link their Discord account on the portal (OAuth2 code flow, scope identify)', () => {
  it('from the signed-in portal home: consent, code exchange, /users/@me, back home linked', async () => {
    const c = await customer('casey');
    const home = `/portal/${tenant.accountId}`;
    const page = await t.app.inject({ method: 'GET', url: home, headers: c.session });
    expect(page.body).toContain('id="discord-link-form"');

    const started = await startLink(t, home, c.session);
    const authorize = new URL(started.authorize);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(fake.authorizeUrl);
    const state = authorize.searchParams.get('state') ?? '';
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      client_id: fake.app.applicationId,
      response_type: 'code',
      scope: 'identify',
      redirect_uri: `${t.ctx.config.publicUrl}/portal/discord/callback`,
      state,
    });
    expect(state.length).toBeGreaterThanOrEqual(43);
    const stored = JSON.stringify((await t.db.execute(sql`SELECT * FROM discord_oauth_states`)).rows);
    expect(stored).not.toContain(state);

    fake.signInAs(ann.id);
    const location = await fake.consent(authorize.toString());
    const back = await followCallback(t, location, started.cookie);
    expect(back.statusCode, back.body).toBe(303);
    expect(back.headers.location).toBe(`${home}?done=discord_linked`);
    expect(await links()).toEqual([{ email: c.email, discord_user_id: ann.id, discord_username: 'ann' }]);
    expect(await stateCount()).toBe(0);

    const after = await t.app.inject({
      method: 'GET',
      url: String(back.headers.location),
      headers: c.session,
    });
    expect(after.body).toContain('Linked to Discord as <strong>ann</strong>');
    expect(after.body).toContain('Your Discord account is linked');
    expect(after.body).toContain('id="discord-unlink-form"');

    // The state is single-use: the same redirect again stores nothing more and says so.
    const replay = await followCallback(t, location, started.cookie);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('This Discord link is not valid');
    expect(await links()).toHaveLength(1);
    await t.app.inject({ method: 'POST', url: `${home}/discord/unlink`, headers: c.session });
    expect(await links()).toEqual([]);
  });

  it('from a ticket page reached by its secret link, which never lands in the database in the clear', async () => {
    const c = await customer('dana');
    const res = await linkDiscord(t, fake, c.link, bo.id);
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`${c.link}?done=discord_linked`);
    const page = await t.app.inject({ method: 'GET', url: String(res.headers.location) });
    expect(page.body).toContain('Linked to Discord as <strong>bo</strong>');

    await startLink(t, c.link);
    const stored = JSON.stringify((await t.db.execute(sql`SELECT * FROM discord_oauth_states`)).rows);
    expect(stored).not.toContain(c.link.slice(3));

    const unlink = await t.app.inject({ method: 'POST', url: `${c.link}/discord/unlink` });
    expect([unlink.statusCode, unlink.headers.location]).toEqual([303, `${c.link}?done=discord_unlinked`]);
    expect(await links()).toEqual([]);
    const unlinked = await t.app.inject({ method: 'GET', url: String(unlink.headers.location) });
    expect(unlinked.body).toContain('Your Discord account is no longer linked');
  });

  it('one Discord user links to at most one customer: linking again moves it, with a notice', async () => {
    const first = await customer('erin');
    const second = await customer('finn');
    expect((await linkDiscord(t, fake, first.link, ann.id)).headers.location).toContain(
      'done=discord_linked',
    );
    const moved = await linkDiscord(t, fake, second.link, ann.id);
    expect(moved.headers.location).toBe(`${second.link}?done=discord_moved`);
    expect(await links()).toEqual([
      { email: second.email, discord_user_id: ann.id, discord_username: 'ann' },
    ]);
    const page = await t.app.inject({ method: 'GET', url: String(moved.headers.location) });
    expect(page.body).toContain('It was linked to another of our customers before');

    // A customer's new link replaces their old one.
    expect((await linkDiscord(t, fake, second.link, bo.id)).headers.location).toContain(
      'done=discord_linked',
    );
    expect(await links()).toEqual([{ email: second.email, discord_user_id: bo.id, discord_username: 'bo' }]);
    await t.app.inject({ method: 'POST', url: `${second.link}/discord/unlink` });
  });

  it('denied consent: a clear page, nothing stored, the state spent', async () => {
    const c = await customer('gail');
    const pending = await stateCount();
    const res = await linkDiscord(t, fake, c.link, ann.id, {}, 'cancel');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Discord was not linked');
    expect(res.body).toContain('You cancelled on Discord');
    expect(res.body).toContain(`href="${c.link}"`);
    expect(await links()).toEqual([]);
    expect(await stateCount()).toBe(pending);
  });

  it('an expired state (past 10 minutes): a clear page, nothing stored', async () => {
    const c = await customer('hal');
    fake.signInAs(ann.id);
    const started = await startLink(t, c.link);
    const consent = await fake.consent(started.authorize);
    const calls = fake.requestCount('POST /oauth2/token');
    t.clock.advance(10 * 60_000 + 1000);
    const res = await followCallback(t, consent, started.cookie);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This Discord link has expired');
    expect(await links()).toEqual([]);
    expect(fake.requestCount('POST /oauth2/token')).toBe(calls);
  });

  it('an unknown or forged state, or none: a clear page, nothing stored, no call to Discord', async () => {
    const calls = fake.requestCount('POST /oauth2/token');
    for (const query of ['?code=abc&state=forged', '?code=abc', '']) {
      const res = await t.app.inject({ method: 'GET', url: `/portal/discord/callback${query}` });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('This Discord link is not valid');
    }
    expect(fake.requestCount('POST /oauth2/token')).toBe(calls);
    expect(await links()).toEqual([]);
  });

  it('a failed code exchange: the page says what Discord answered, nothing stored', async () => {
    const c = await customer('ivy');
    const started = await startLink(t, c.link);
    const state = new URL(started.authorize).searchParams.get('state');
    const res = await followCallback(
      t,
      `/portal/discord/callback?code=not-a-code&state=${state}`,
      started.cookie,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Discord did not confirm who you are');
    expect(res.body).toContain('Invalid &quot;code&quot; in request.');
    expect(await links()).toEqual([]);

    // Discord down on /users/@me after a good exchange: the same, and still nothing stored.
    fake.failNext('GET /users/@me', { kind: 'discord', code: 0 });
    const down = await linkDiscord(t, fake, c.link, ann.id);
    expect(down.statusCode).toBe(400);
    expect(down.body).toContain('401: Unauthorized');
    expect(await links()).toEqual([]);
  });

  it('a consent URL finished in another browser (without its state cookie) links nothing', async () => {
    const c = await customer('lee');
    const { authorize } = await startLink(t, c.link);
    fake.signInAs(bo.id);
    const res = await followCallback(t, await fake.consent(authorize));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This Discord link was started in another browser');
    expect(await links()).toEqual([]);
  });

  it("staff never link on a customer's behalf: a staff session on the ticket page is refused", async () => {
    const c = await customer('jo');
    const staff = await staffSessionCookie(t, tenant);
    const pending = await stateCount();
    const res = await t.app.inject({
      method: 'POST',
      url: `${c.link}/discord/link`,
      headers: { cookie: staff },
    });
    expect(res.statusCode).toBe(403);
    expect(await stateCount()).toBe(pending);
  });

  it("staff see whether the requester linked Discord, by name only; another account's ticket is 404", async () => {
    const c = await customer('kit');
    const url = `/api/v1/tickets/${c.ticket.id}/requester/discord`;
    const read = async (headers = tenant.owner.headers) => t.app.inject({ method: 'GET', url, headers });
    expect((await read()).json()).toEqual({ linked: false, username: null });
    await linkDiscord(t, fake, c.link, ann.id);
    expect((await read()).json()).toEqual({ linked: true, username: 'ann' });
    const other = await buildAccount(t);
    expect((await read(other.owner.headers)).statusCode).toBe(404);
    await t.app.inject({ method: 'POST', url: `${c.link}/discord/unlink` });
  });

  it('abandoned "Link Discord" states are purged hourly once expired; live ones stay', async () => {
    const c = await customer('mo');
    await startLink(t, c.link);
    t.clock.advance(11 * 60_000);
    const live = await startLink(t, c.link);
    await purgeExpiredDiscordStatesJob.handle(t.ctx, {});
    expect(await stateCount()).toBe(1);
    fake.signInAs(ann.id);
    const res = await followCallback(t, await fake.consent(live.authorize), live.cookie);
    expect(res.statusCode, res.body).toBe(303);
    await t.app.inject({ method: 'POST', url: `${c.link}/discord/unlink` });
  });

  it('a customer whose DMs Discord refused for good sees it on the portal, with what to do; linking again clears it', async () => {
    const c = await customer('nia');
    await linkDiscord(t, fake, c.link, ann.id);
    const rows = await t.db.execute<{ id: string }>(
      sql`SELECT requester_id AS id FROM tickets WHERE id = ${c.ticket.id}`,
    );
    const customerId = rows.rows[0]?.id ?? '';
    const link = await getDiscordLink(t.db, tenant.accountId, customerId);
    expect(link).toMatchObject({ discordUsername: 'ann', dmUndeliverableAt: null });
    await inTransaction(t.db, (tx) =>
      markDmUndeliverable(tx, t.clock, tenant.accountId, customerId, 'Cannot send messages to this user'),
    );
    const page = await t.app.inject({ method: 'GET', url: c.link });
    expect(page.body).toContain('id="discord-undeliverable"');
    expect(page.body).toContain('(Cannot send messages to this user)');
    expect(page.body).toContain('join our team’s Discord server');
    await linkDiscord(t, fake, c.link, ann.id);
    const again = await t.app.inject({ method: 'GET', url: c.link });
    expect(again.body).not.toContain('id="discord-undeliverable"');
    await t.app.inject({ method: 'POST', url: `${c.link}/discord/unlink` });
  });

  it('an account without Discord set up shows no "Link Discord"', async () => {
    const other = await buildAccount(t);
    const ticket = await buildTicket(t, other);
    const page = await t.app.inject({ method: 'GET', url: portalLinkOf(t, ticket.id) });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('id="discord"');
    const res = await t.app.inject({ method: 'POST', url: `${portalLinkOf(t, ticket.id)}/discord/link` });
    expect(res.statusCode).toBe(404);
  });
});
