import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { setUpDiscord } from '../helpers/discord.js';
import { buildAccount, buildTicket, type Tenant } from '../helpers/factories.js';
import { type FakeDiscord, startFakeDiscord } from '../helpers/fake-discord.js';
import { portalLinkOf } from '../helpers/portal.js';
import { signIn } from './staff-helpers.js';

let t: TestApp;
let fake: FakeDiscord;
let tenant: Tenant;
let browser: Browser;
let base: string;

beforeAll(async () => {
  fake = await startFakeDiscord();
  t = await createTestApp({ discordApiUrl: fake.apiUrl, discordAuthorizeUrl: fake.authorizeUrl });
  tenant = await buildAccount(t, { name: 'Acme Support', projectKey: 'ACME' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  t.ctx.config.publicUrl = base;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await fake.close();
});

describe('Discord in the browser', () => {
  it("the owner saves the Discord settings: a refused token shows Discord's answer, a good one the bot's name", async () => {
    const { page } = await signIn(browser, base, tenant.owner.email, 'owner-password');
    await page.goto(`${base}/app/p/${tenant.projectId}/settings/discord`);
    expect(await page.inputValue('#discord-interactions-url')).toBe(
      `${base}/api/v1/discord/${tenant.accountId}/interactions`,
    );
    expect(await page.inputValue('#discord-redirect-url')).toBe(`${base}/portal/discord/callback`);

    await page.fill('#discord-application-id', fake.app.applicationId);
    await page.fill('#discord-public-key', fake.app.publicKey);
    await page.fill('#discord-bot-token', 'MTIzNDU2Nzg5MDEy.wrong.token-discord-refuses');
    await page.fill('#discord-client-secret', fake.app.clientSecret);
    await page.click('button:has-text("Check with Discord and save")');
    await expect.poll(() => page.locator('[role=alert]').innerText()).toContain('401: Unauthorized');

    await page.fill('#discord-bot-token', fake.app.botToken);
    await page.click('button:has-text("Check with Discord and save")');
    await expect.poll(() => page.locator('#discord-bot-name').innerText()).toContain(fake.bot.username);
    expect(await page.locator('#discord-bot-token-hint').innerText()).toContain(
      `…${fake.app.botToken.slice(-4)}`,
    );
    expect(await page.inputValue('#discord-bot-token')).toBe('');
    expect(await page.locator('body').innerText()).not.toContain(fake.app.botToken);
    expect(await page.getAttribute('#discord-add-bot', 'href')).toContain(
      `client_id=${fake.app.applicationId}`,
    );

    await page.click(`input[name="delivery-${tenant.projectId}"][value="dm_and_email"]`);
    await expect
      .poll(async () => (await t.db.execute(sql`SELECT dm_and_email FROM discord_project_settings`)).rows)
      .toEqual([{ dm_and_email: true }]);
  });

  it("a customer links Discord from a ticket page: portal → Discord's consent page → callback → linked", async () => {
    await setUpDiscord(t, tenant, fake);
    const ann = fake.addUser('ann');
    fake.signInAs(ann.id);
    const ticket = await buildTicket(t, tenant, { requester: { email: 'ann@example.com', name: 'Ann' } });
    const page: Page = await (await browser.newContext()).newPage();
    await page.goto(`${base}${portalLinkOf(t, ticket.id)}`);

    await page.click('#discord-link-form button');
    await page.waitForURL((url) => url.href.startsWith(fake.authorizeUrl));
    await page.click('button:has-text("Authorize")');
    await page.waitForSelector('#discord-linked');
    expect(page.url()).toBe(`${base}${portalLinkOf(t, ticket.id)}?done=discord_linked`);
    expect(await page.locator('#discord-linked').innerText()).toBe('Linked to Discord as ann.');

    const staff = (await signIn(browser, base, tenant.owner.email, 'owner-password')).page;
    await staff.goto(`${base}/app/p/${tenant.projectId}/tickets/${ticket.id}`);
    await expect.poll(() => staff.locator('#requester-discord').innerText()).toBe('Discord: linked as ann.');

    // Unlink, then link again but cancel on Discord: a clear page, and nothing linked.
    await page.click('#discord-unlink-form button');
    await page.waitForSelector('#discord-link-form');
    await page.click('#discord-link-form button');
    await page.waitForURL((url) => url.href.startsWith(fake.authorizeUrl));
    await page.click('button:has-text("Cancel")');
    await page.waitForSelector('#discord-link-title');
    expect(await page.locator('#discord-link-title').innerText()).toBe('Discord was not linked');
    expect((await t.db.execute(sql`SELECT 1 FROM discord_links`)).rows).toEqual([]);
  });
});
