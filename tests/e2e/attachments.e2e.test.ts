import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { buildAccount, buildTicket, type Tenant } from '../helpers/factories.js';
import { portalLinkOf } from '../helpers/portal.js';
import { signIn, waitForCaptcha } from './staff-helpers.js';

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { name: 'Acme Support', projectKey: 'ACME' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const attachmentIdOf = async (filename: string) =>
  (await t.db.execute<{ id: string }>(sql`SELECT id FROM attachments WHERE filename = ${filename}`)).rows[0]
    ?.id;

/** Clicks the link and returns the bytes the browser saved. */
async function downloadBy(page: Page, linkText: string) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`a:text-is("${linkText}")`),
  ]);
  return readFile(await download.path());
}

describe('attachments in Chromium', () => {
  it('staff attach files to a reply and a note; the requester downloads the reply file, never the note file', async () => {
    const ticket = await buildTicket(t, tenant, { subject: 'Broken invoice' });
    const pdf = randomBytes(50_000);
    const marker = `MARKER-${randomBytes(4).toString('hex')}.txt`;

    const staff = await signIn(browser, base, tenant.owner.email, 'owner-password');
    await staff.page.goto(`${base}/app/p/${tenant.projectId}/tickets/${ticket.id}`);
    await staff.page.fill('#composer-body', 'The corrected invoice is attached.');
    await staff.page.setInputFiles('#composer-files', {
      name: 'invoice.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    });
    await staff.page.click('button:text("Send reply")');
    await staff.page.waitForSelector('.message-public .message-files a:text-is("invoice.pdf")');
    await staff.page.check('input[name=mode] >> nth=1');
    await staff.page.fill('#composer-body', 'Our own notes.');
    await staff.page.setInputFiles('#composer-files', {
      name: marker,
      mimeType: 'text/plain',
      buffer: Buffer.from(marker),
    });
    await staff.page.click('button:text("Add internal note")');
    await staff.page.waitForSelector(`.message-internal .message-files a:text-is("${marker}")`);
    expect((await downloadBy(staff.page, 'invoice.pdf')).equals(pdf)).toBe(true);
    await staff.context.close();

    const context = await browser.newContext();
    const page = await context.newPage();
    const portal = `${base}${portalLinkOf(t, ticket.id)}`;
    await page.goto(portal);
    await page.waitForSelector('#thread .files a:text-is("invoice.pdf")');
    expect(await page.content()).not.toContain(marker);
    expect((await downloadBy(page, 'invoice.pdf')).equals(pdf)).toBe(true);

    const noteFile = await attachmentIdOf(marker);
    expect(noteFile).toBeDefined();
    const hidden = await page.goto(`${portal}/attachments/${noteFile}`);
    expect(hidden?.status()).toBe(404);
    expect(await page.content()).not.toContain(marker);
    await context.close();
  });

  it('the requester attaches a file to a portal reply and staff see it on the message', async () => {
    const ticket = await buildTicket(t, tenant, { subject: 'Photo of the damage' });
    const photo = randomBytes(20_000);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}${portalLinkOf(t, ticket.id)}`);
    await page.fill('#reply-body', 'Here is a photo.');
    await page.setInputFiles('#reply-files', { name: 'damage.jpg', mimeType: 'image/jpeg', buffer: photo });
    await waitForCaptcha(page);
    await page.click('#reply-form button[type=submit]');
    await page.waitForSelector('#thread .files a:text-is("damage.jpg")');
    const href = await page.getAttribute('#thread .files a:text-is("damage.jpg")', 'href');
    const got = await page.request.get(`${base}${href}`);
    expect(got.headers()['content-disposition']).toMatch(/^inline; /);
    expect((await got.body()).equals(photo)).toBe(true);
    await context.close();

    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
    });
    expect(
      res
        .json()
        .thread.at(-1)
        .attachments.map((a: { filename: string }) => a.filename),
    ).toEqual(['damage.jpg']);
  });
});
