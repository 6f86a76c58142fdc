import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordResetPath } from '../../src/server/modules/auth/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { buildAccount, buildMember, type Tenant } from '../helpers/factories.js';
import { signIn } from './staff-helpers.js';

// No SMTP_URL: mail is kept, the demo mode the banner announces.
let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { name: 'Acme Support' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('the staff app without an SMTP server', () => {
  it('the staff app shows a banner when mail is kept', async () => {
    const owner = await signIn(browser, base, tenant.owner.email, 'owner-password');
    const banner = owner.page.locator('.mail-banner');
    expect(await banner.innerText()).toContain('Mail is not being delivered.');
    expect(await banner.locator('a').getAttribute('href')).toBe('/admin/outgoing-mail');
    await owner.context.close();

    // Staff see the banner too, without the link: kept mail is the account owner's to review.
    const member = await buildMember(t, tenant, { role: 'admin' });
    const staff = await signIn(browser, base, member.email, 'member-password');
    expect(await staff.page.locator('.mail-banner').innerText()).toContain('Mail is not being delivered.');
    expect(await staff.page.locator('.mail-banner a').count()).toBe(0);
    await staff.context.close();
  });
});

describe('the account page', () => {
  it('lists the sessions and changes the password', async () => {
    const member = await buildMember(t, tenant, { role: 'staff' });
    const { context, page } = await signIn(browser, base, member.email, 'member-password');
    await page.click('header >> text=Account');
    await page.waitForURL('**/app/me/account');
    await expect.poll(() => page.locator('table').innerText()).toContain('(this session)');
    await page.fill('#current-password', 'member-password');
    await page.fill('#new-password', 'a new password from the app');
    await page.click('text=Change password >> xpath=self::button');
    await expect
      .poll(() => page.locator('[role=status]').allInnerTexts())
      .toContain('Password changed. Your other sessions were signed out.');
    await context.close();
  });

  it('forgot password on the sign-in page, then the link sets a new one', async () => {
    const member = await buildMember(t, tenant, { role: 'staff' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/app/`);
    await page.click('text=Forgot password?');
    await page.fill('#forgot-email', member.email);
    await page.click('text=Send a reset link');
    await expect
      .poll(() => page.locator('[role=status]').allInnerTexts())
      .toEqual([expect.stringContaining('a reset link is on its way')]);

    const rows = await t.db.execute<{ id: string }>(
      sql`SELECT id FROM password_resets WHERE user_id = ${member.userId}`,
    );
    await page.goto(`${base}${passwordResetPath(t.ctx.links, rows.rows[0]?.id ?? '')}`);
    await page.fill('#reset-password', 'reset from the browser');
    await page.click('text=Set the password');
    await page.waitForSelector('text=Your password was changed');
    await page.click('text=Sign in');
    await page.fill('#email', member.email);
    await page.fill('#password', 'reset from the browser');
    await page.click('button[type=submit]');
    await page.waitForSelector('header.app-header');
    await context.close();
  });
});
