import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, type Staff, type Tenant } from '../../../../tests/helpers/factories.js';
import { type FakeDiscord, startFakeDiscord } from '../../../../tests/helpers/fake-discord.js';
import { expectError } from '../../../../tests/helpers/permissions.js';
import { inTransaction } from '../../db/client.js';
import { getDiscordApp, getDiscordDeliveryMode, markDiscordSetupBroken } from './index.js';

let t: TestApp;
let fake: FakeDiscord;
let tenant: Tenant;
let admin: Staff;

const settings = (as: Staff) =>
  t.app.inject({ method: 'GET', url: '/api/v1/discord/settings', headers: as.headers });
const save = (as: Staff, payload: object) =>
  t.app.inject({ method: 'PUT', url: '/api/v1/discord/settings', headers: as.headers, payload });
const full = () => ({
  applicationId: fake.app.applicationId,
  publicKey: fake.app.publicKey,
  botToken: fake.app.botToken,
  clientSecret: fake.app.clientSecret,
});

beforeAll(async () => {
  fake = await startFakeDiscord();
  t = await createTestApp({ discordApiUrl: fake.apiUrl, discordAuthorizeUrl: fake.authorizeUrl });
  tenant = await buildAccount(t);
  admin = await buildMember(t, tenant, { role: 'admin' });
});
afterAll(() => fake.close());

describe('Discord settings (account.manage)', () => {
  it('a project admin without account.manage can neither read nor save them', async () => {
    expectError(await settings(admin), 403, 'FORBIDDEN');
    expectError(await save(admin, full()), 403, 'FORBIDDEN');
    expect(fake.requestCount('GET /users/@me')).toBe(0);
  });

  it("a bad bot token is refused with Discord's exact answer and nothing is stored", async () => {
    const res = await save(tenant.owner, {
      ...full(),
      botToken: 'MTIzNDU2Nzg5.bad.token-that-discord-refuses',
    });
    expectError(res, 422, 'DISCORD_CHECK_FAILED');
    expect(res.json().error.message).toContain('Discord answered 401: 401: Unauthorized (code 0)');
    expect((await settings(tenant.owner)).json()).toMatchObject({
      configured: false,
      botToken: null,
      botName: null,
    });
  });

  it('a token of another application or a wrong public key is refused, naming the mismatch', async () => {
    const otherApp = await save(tenant.owner, { ...full(), applicationId: '123456789012345678' });
    expectError(otherApp, 422, 'DISCORD_CHECK_FAILED');
    expect(otherApp.json().error.message).toContain(`belongs to application ${fake.app.applicationId}`);
    const wrongKey = await save(tenant.owner, { ...full(), publicKey: 'ab'.repeat(32) });
    expectError(wrongKey, 422, 'DISCORD_CHECK_FAILED');
    expect(wrongKey.json().error.message).toContain('public key');
  });

  it('the first save needs both secrets', async () => {
    const { botToken: _, ...withoutToken } = full();
    const res = await save(tenant.owner, withoutToken);
    expectError(res, 400, 'VALIDATION_ERROR');
    expect(res.json().error.details).toEqual([{ field: 'botToken', message: 'Required' }]);
  });

  it('secrets are sealed at rest and never returned: set, last 4 and when; the bot name is shown', async () => {
    const res = await save(tenant.owner, full());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(fake.app.botToken);
    expect(res.body).not.toContain(fake.app.clientSecret);
    expect(res.json()).toMatchObject({
      configured: true,
      applicationId: fake.app.applicationId,
      publicKey: fake.app.publicKey,
      botName: fake.bot.username,
      botToken: { set: true, last4: fake.app.botToken.slice(-4), savedAt: t.clock.now().toISOString() },
      clientSecret: { set: true, last4: fake.app.clientSecret.slice(-4) },
      broken: null,
    });
    const rows = await t.db.execute(sql`SELECT * FROM discord_apps`);
    const stored = JSON.stringify(rows.rows);
    expect(stored).not.toContain(fake.app.botToken);
    expect(stored).not.toContain(fake.app.clientSecret);
    expect(await getDiscordApp(t.db, t.ctx.secrets, tenant.accountId)).toMatchObject({
      botToken: fake.app.botToken,
      clientSecret: fake.app.clientSecret,
      publicKey: fake.app.publicKey,
    });
  });

  it('shows the interactions URL, the OAuth2 redirect and the add-bot link to paste into Discord', async () => {
    const body = (await settings(tenant.owner)).json();
    const publicUrl = t.ctx.config.publicUrl;
    expect(body.interactionsUrl).toBe(`${publicUrl}/api/v1/discord/${tenant.accountId}/interactions`);
    expect(body.redirectUrl).toBe(`${publicUrl}/portal/discord/callback`);
    const addBot = new URL(body.addBotUrl);
    expect(`${addBot.origin}${addBot.pathname}`).toBe(fake.authorizeUrl);
    expect(Object.fromEntries(addBot.searchParams)).toEqual({
      client_id: fake.app.applicationId,
      scope: 'bot',
      permissions: '0',
    });
  });

  it('saving again without secrets keeps them, checks the saved token again, and clears "setup broken"', async () => {
    await inTransaction(t.db, (tx) =>
      markDiscordSetupBroken(tx, t.clock, tenant.accountId, 'Discord answered 401.'),
    );
    expect((await settings(tenant.owner)).json().broken).toMatchObject({ reason: 'Discord answered 401.' });
    const checks = fake.requestCount('GET /users/@me');
    const res = await save(tenant.owner, {
      applicationId: fake.app.applicationId,
      publicKey: fake.app.publicKey.toUpperCase(),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(fake.requestCount('GET /users/@me')).toBe(checks + 1);
    expect(res.json()).toMatchObject({
      broken: null,
      botToken: { last4: fake.app.botToken.slice(-4) },
      publicKey: fake.app.publicKey,
    });
  });

  it("each project chooses DM only (the default) or DM and email; another account's project is 404", async () => {
    expect((await settings(tenant.owner)).json().projects).toEqual([
      { id: tenant.projectId, name: 'Support', delivery: 'dm_only' },
    ]);
    expect(await getDiscordDeliveryMode(t.db, tenant.projectId)).toBe('dm_only');
    const url = `/api/v1/discord/projects/${tenant.projectId}`;
    const set = await t.app.inject({
      method: 'PUT',
      url,
      headers: tenant.owner.headers,
      payload: { delivery: 'dm_and_email' },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().projects[0].delivery).toBe('dm_and_email');
    expect(await getDiscordDeliveryMode(t.db, tenant.projectId)).toBe('dm_and_email');
    expectError(
      await t.app.inject({ method: 'PUT', url, headers: admin.headers, payload: { delivery: 'dm_only' } }),
      403,
      'FORBIDDEN',
    );

    const other = await buildAccount(t);
    const foreign = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/discord/projects/${tenant.projectId}`,
      headers: other.owner.headers,
      payload: { delivery: 'dm_only' },
    });
    expectError(foreign, 404, 'NOT_FOUND');
    expect(await getDiscordDeliveryMode(t.db, tenant.projectId)).toBe('dm_and_email');
    expect((await settings(other.owner)).json()).toMatchObject({ configured: false });
  });
});
