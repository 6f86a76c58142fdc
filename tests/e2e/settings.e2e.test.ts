import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestInboundMail } from '../../src/server/modules/inbound/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { bearer, buildAccount, type Tenant } from '../helpers/factories.js';
import { cssOf, signIn } from './staff-helpers.js';

// A 1×1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let base: string;
let page: Page;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { name: 'Acme Support', projectKey: 'ACME' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

beforeEach(async () => {
  page = (await signIn(browser, base, tenant.owner.email, 'owner-password')).page;
});

afterAll(async () => {
  await browser?.close();
});

const getJson = async (url: string, headers = tenant.owner.headers) =>
  (await t.app.inject({ method: 'GET', url, headers })).json();

describe('the settings screens', () => {
  it('branding renames the account and uploads a logo that then brands the header', async () => {
    await page.goto(`${base}/app/p/${tenant.projectId}/settings/branding`);
    await page.fill('#account-name', 'Acme Help Center');
    await page.click('form[aria-labelledby=account-title] button[type=submit]');
    await expect.poll(() => page.locator('.brand').innerText()).toBe('Acme Help Center');

    await page.setInputFiles('#logo-file', { name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await page.click('button:has-text("Upload logo")');
    await page.waitForSelector('.brand img');
    const me = await getJson('/api/v1/me');
    expect(me.account).toMatchObject({ name: 'Acme Help Center', hasLogo: true });
    const logo = await t.app.inject({ method: 'GET', url: `/api/v1/accounts/${tenant.accountId}/logo` });
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.rawPayload.equals(PNG)).toBe(true);
  });

  it('branding sets a brand colour, previews its button with readable text, and can go back to the default', async () => {
    await page.goto(`${base}/app/p/${tenant.projectId}/settings/branding`);
    await page.fill('#brand-color', '#ffd400');
    // Yellow is light: the preview's button text is black.
    expect(await cssOf(page.locator('.brand-preview-button'), 'color')).toBe('rgb(0, 0, 0)');
    await page.click('button:has-text("Save colour")');
    await expect.poll(async () => (await getJson('/api/v1/me')).account.brandColor).toBe('#ffd400');
    await page.click('button:has-text("Use the default colour")');
    await expect.poll(async () => (await getJson('/api/v1/me')).account.brandColor).toBeNull();
  });

  it('an API token is shown once, listed with its last use, and revoked', async () => {
    await page.goto(`${base}/app/me/api-tokens`);
    await page.fill('#token-name', 'Zapier');
    await page.click('button:has-text("Create token")');
    const secret = await page.inputValue('#token-secret');
    expect(secret).toMatch(/^cl_/);
    const row = page.locator('tr', { hasText: 'Zapier' });
    expect(await row.innerText()).toContain('Never');

    const used = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(secret) });
    expect(used.statusCode).toBe(200);
    await page.reload();
    await row.waitFor();
    expect(await row.innerText()).not.toContain('Never');
    // Shown once: after a reload the secret is nowhere on the page.
    expect(await page.locator('body').innerText()).not.toContain(secret);

    page.once('dialog', (dialog) => dialog.accept());
    await row.locator('button:has-text("Revoke")').click();
    await expect.poll(() => row.innerText()).toContain('Revoked');
    const refused = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(secret) });
    expect(refused.statusCode).toBe(401);
  });

  it('members: adds a new person with a role; roles: creates a custom role with chosen permissions', async () => {
    await page.goto(`${base}/app/p/${tenant.projectId}/settings/roles`);
    await page.click('button:has-text("New role")');
    await page.fill('#new-role-name', 'Reader');
    await page.check('#new-role-tickets\\.view_all');
    await page.check('#new-role-csat\\.view');
    await page.click('button:has-text("Create role")');
    await page.waitForSelector('.role-list li:has-text("Reader")');
    const { roles } = await getJson(`/api/v1/projects/${tenant.projectId}/roles`);
    const reader = roles.find((r: { name: string }) => r.name === 'Reader');
    expect(reader.permissions.sort()).toEqual(['csat.view', 'tickets.view_all']);

    await page.click('nav[aria-label="Settings"] a:has-text("Members")');
    await page.fill('#member-email', 'rita@acme.example');
    await page.fill('#member-name', 'Rita Reader');
    await page.fill('#member-password', 'reader-password');
    await page.selectOption('#member-role', reader.id);
    await page.click('button:has-text("Add member")');
    await page.waitForSelector('td:has-text("rita@acme.example")');
    const { members } = await getJson(`/api/v1/projects/${tenant.projectId}/members`);
    const rita = members.find((m: { email: string }) => m.email === 'rita@acme.example');
    expect(rita.role.name).toBe('Reader');
  });

  it('CSAT settings are saved', async () => {
    await page.goto(`${base}/app/p/${tenant.projectId}/settings/csat`);
    await page.fill('#csat-expiry', '14');
    await page.fill('#csat-invitation', 'Tell us how we did.');
    await page.click('button:has-text("Save")');
    await expect.poll(() => page.locator('.form-success').innerText()).toBe('Saved.');
    const settings = await getJson(`/api/v1/projects/${tenant.projectId}/csat/settings`);
    expect(settings).toMatchObject({ expiryDays: 14, invitationText: 'Tell us how we did.' });
  });

  it('Email in: the inbound address is saved, and a held mail is listed and released into a ticket', async () => {
    await page.goto(`${base}/app/p/${tenant.projectId}/settings/email-in`);
    await page.fill('#inbound-address', 'help@acme.example');
    await page.fill('#inbound-limit', '1');
    await page.click('form[aria-labelledby=inbound-title] button[type=submit]');
    await expect
      .poll(() => page.locator('form[aria-labelledby=inbound-title] .form-success').innerText())
      .toBe('Saved.');
    expect(await getJson(`/api/v1/projects/${tenant.projectId}/inbound/settings`)).toEqual({
      address: 'help@acme.example',
      newTicketsPerSenderHour: 1,
      acknowledge: true,
      acknowledgementText: null,
    });
    for (const n of [1, 2]) {
      const raw = Buffer.from(
        `From: eager@example.org\r\nTo: help@acme.example\r\nSubject: Mail ${n}\r\nMessage-ID: <e2e-${n}@example.org>\r\n\r\nHello ${n}.\r\n`,
      );
      await ingestInboundMail(t.ctx, { raw, envelopeTo: ['help@acme.example'], source: 'smtp' });
    }
    await page.reload();
    await page.waitForSelector('.held-mail li:has-text("Mail 2")');
    await page.click('.held-mail li:has-text("Mail 2") button:has-text("Release")');
    await page.waitForSelector('text=No mail is held.');
    const list = await getJson(`/api/v1/projects/${tenant.projectId}/tickets`);
    expect(list.tickets.map((x: { subject: string }) => x.subject)).toContain('Mail 2');
  });

  it('Email in: the acknowledgement text and switch are saved', async () => {
    await page.goto(`${base}/app/p/${tenant.projectId}/settings/email-in`);
    await page.fill('#inbound-acknowledgement-text', 'We answer within a day.');
    await page.click('form[aria-labelledby=inbound-title] button[type=submit]');
    await expect
      .poll(
        async () =>
          (await getJson(`/api/v1/projects/${tenant.projectId}/inbound/settings`)).acknowledgementText,
      )
      .toBe('We answer within a day.');
    await page.uncheck('#inbound-acknowledge');
    await page.click('form[aria-labelledby=inbound-title] button[type=submit]');
    await expect
      .poll(async () => (await getJson(`/api/v1/projects/${tenant.projectId}/inbound/settings`)).acknowledge)
      .toBe(false);
  });
});
