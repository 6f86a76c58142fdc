import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sendDeliveryJob } from '../../src/server/modules/delivery/index.js';
import type { TestApp } from '../helpers/app.js';
import { type BrowserApp, startBrowserApp } from '../helpers/browser.js';
import type { Tenant } from '../helpers/factories.js';
import { linksIn } from '../helpers/smtp.js';
import { waitForCaptcha } from './staff-helpers.js';

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let smtp: BrowserApp['smtp'];
let base: string;

beforeAll(async () => {
  ({ t, tenant, browser, smtp, base } = await startBrowserApp({ name: 'Acme & Co' }));
});

describe('the public request form in Chromium', () => {
  it('a visitor fills it in, attaches a file, the captcha solves itself, and the request becomes a ticket with the file', async () => {
    const email = `visitor-${randomBytes(4).toString('hex')}@example.com`;
    const page = await browser.newPage();
    await page.goto(`${base}/portal/${tenant.accountId}/new`);
    expect(await page.locator('.brand').innerText()).toContain('Acme & Co');
    await page.fill('#request-name', 'Vera Visitor');
    await page.fill('#request-email', email);
    await page.fill('#request-subject', 'Invoice is wrong');
    await page.fill('#request-body', 'The total is **twice** what we agreed.');
    const scan = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'binary'), randomBytes(2048)]);
    await page.setInputFiles('#request-files', { name: 'invoice.png', mimeType: 'image/png', buffer: scan });
    await waitForCaptcha(page);
    await page.click('#request-form button[type=submit]');

    await expect.poll(() => page.locator('#request-sent').count()).toBe(1);
    expect(page.url()).not.toContain('/p/');
    const tickets = await t.db.execute<{ subject: string; name: string; body: string }>(sql`
      SELECT t.subject, c.name, m.body FROM tickets t JOIN customers c ON c.id = t.requester_id
      JOIN messages m ON m.ticket_id = t.id WHERE c.email = ${email}`);
    expect(tickets.rows).toEqual([
      { subject: 'Invoice is wrong', name: 'Vera Visitor', body: 'The total is **twice** what we agreed.' },
    ]);
    const files = await t.db.execute<{ filename: string; content_type: string; size: number }>(sql`
      SELECT a.filename, a.content_type, a.size FROM attachments a JOIN tickets t ON t.id = a.ticket_id
      JOIN customers c ON c.id = t.requester_id WHERE c.email = ${email}`);
    expect(files.rows).toEqual([{ filename: 'invoice.png', content_type: 'image/png', size: scan.length }]);

    // The link to the request reaches the address typed, by mail, and opens the request with its file.
    await t.runJobs(sendDeliveryJob);
    const [mail, ...more] = smtp.to(email);
    expect(more).toEqual([]);
    expect(mail?.parsed.subject).toMatch(/Invoice is wrong$/);
    const link = linksIn(mail?.parsed.text ?? '').find((l) => l.includes('/p/'));
    expect(link).toBeDefined();
    await page.goto(link as string);
    expect(await page.locator('h1').innerText()).toBe('Invoice is wrong');
    await page.close();
  });

  it("the captcha widget speaks the page's language", async () => {
    const page = await browser.newPage({ extraHTTPHeaders: { 'accept-language': 'de' } });
    await page.goto(`${base}/portal/${tenant.accountId}/new`);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    await waitForCaptcha(page);
    const widget = await page.locator('altcha-widget').innerText();
    expect(widget).toContain('Überprüft');
    expect(widget).not.toContain('Verified');
    await page.close();
  });
});
