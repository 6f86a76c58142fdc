import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sendDeliveryJob } from '../../src/server/modules/delivery/index.js';
import type { TestApp } from '../helpers/app.js';
import { type BrowserApp, startBrowserApp } from '../helpers/browser.js';
import { buildTicket, type Tenant } from '../helpers/factories.js';
import { linksIn } from '../helpers/smtp.js';

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let smtp: BrowserApp['smtp'];

beforeAll(async () => {
  ({ t, tenant, browser, smtp } = await startBrowserApp({ name: 'Acme & Co' }));
});

async function ticketWithLink(subject: string) {
  const email = `casey-${randomBytes(4).toString('hex')}@example.com`;
  const ticket = await buildTicket(t, tenant, { subject, requester: { email, name: 'Casey' } });
  // Staff never see the link: they send it, and the requester follows it from the mail.
  const sent = await t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticket.id}/portal-link/mail`,
    headers: tenant.owner.headers,
  });
  expect(sent.statusCode, sent.body).toBe(204);
  await t.runJobs(sendDeliveryJob);
  const url = linksIn(smtp.to(email).at(-1)?.parsed.text ?? '').find((l) => l.includes('/p/'));
  if (!url) throw new Error('no portal link was mailed');
  return { ...ticket, email, url };
}

async function staff(ticketId: string, payload: object, method: 'POST' | 'PATCH' = 'PATCH') {
  const res = await t.app.inject({
    method,
    url: method === 'PATCH' ? `/api/v1/tickets/${ticketId}` : `/api/v1/tickets/${ticketId}/messages`,
    headers: tenant.owner.headers,
    payload,
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

/** The widget in this form solves its challenge on load and fills the hidden field the form sends. */
async function solvedCaptcha(page: Page, form: string) {
  const field = `${form} input[name=altcha]`;
  await expect.poll(() => page.inputValue(field), { timeout: 30_000 }).not.toBe('');
  return page.inputValue(field);
}

const messageCount = async (ticketId: string) =>
  (
    await t.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM messages WHERE ticket_id = ${ticketId}`,
    )
  ).rows[0]?.n;

describe('the requester portal in Chromium', () => {
  it('opens from the link in the mail of an agent reply', async () => {
    const ticket = await ticketWithLink('Paper jam');
    await staff(ticket.id, { body: 'Open tray 2 and pull gently.' }, 'POST');
    await t.runJobs(sendDeliveryJob);
    const [mail] = smtp.to(ticket.email);
    const link = linksIn(mail?.parsed.text ?? '').find((l) => l.includes('/p/'));
    expect(link).toBe(ticket.url);

    const page = await browser.newPage();
    await page.goto(link as string);
    expect(await page.locator('h1').innerText()).toBe('Paper jam');
    expect(await page.locator('.brand').innerText()).toContain('Acme & Co');
    expect(await page.locator('#reference').innerText()).toBe(ticket.reference);
    expect(await page.locator('#thread').innerText()).toContain('Open tray 2 and pull gently.');
    await page.close();
  });

  it('sends a reply through the real captcha, reopening a resolved ticket with a system message', async () => {
    const ticket = await ticketWithLink('Printer on fire');
    await staff(ticket.id, { status: 'resolved' });
    const page = await browser.newPage();
    await page.goto(ticket.url);
    expect(await page.locator('#status').innerText()).toBe('Resolved');
    await page.fill('#reply-body', 'It is on fire **again**.');
    const used = await solvedCaptcha(page, '#reply-form');
    // One challenge per form, solved when that form is touched: the survey's widget has not started.
    expect(await page.locator('altcha-widget').count()).toBe(2);
    expect(await page.inputValue('#survey-form input[name=altcha]')).toBe('');
    expect(await page.locator('#survey-form altcha-widget').innerText()).not.toContain('Verifying');
    await page.click('#reply-form button[type=submit]');

    await expect.poll(() => page.locator('#notice').textContent()).toBe('Your reply was sent.');
    expect(await page.locator('#status').innerText()).toBe('Open');
    const thread = await page.locator('#thread').innerText();
    expect(thread).toContain('It is on fire again.');
    expect(thread).toContain('Status changed from Resolved to Open by the requester’s reply.');
    // The page after the reply solves a fresh challenge once the form is touched: a solution is accepted once only.
    expect(await page.inputValue('#reply-form input[name=altcha]')).toBe('');
    await page.focus('#reply-body');
    expect(await solvedCaptcha(page, '#reply-form')).not.toBe(used);
    const stored = await t.db.execute(sql`SELECT status FROM tickets WHERE id = ${ticket.id}`);
    expect(stored.rows).toEqual([{ status: 'open' }]);
    await page.close();
  });

  it('"close my ticket" offers the survey at once, and the rating is recorded from the portal', async () => {
    const ticket = await ticketWithLink('Done, thanks');
    const page = await browser.newPage();
    await page.goto(ticket.url);
    expect(await page.locator('#survey-form').count()).toBe(0);
    await page.click('#close-form button[type=submit]');

    await expect.poll(() => page.locator('#status').innerText()).toBe('Pending closure');
    expect(await page.locator('#survey-title').innerText()).toBe('How did we do?');
    await page.click('label[for=rating-5]');
    await page.fill('#comment', 'Lovely');
    await solvedCaptcha(page, '#survey-form');
    await page.click('#survey-form button[type=submit]');
    await expect.poll(() => page.locator('#notice').textContent()).toBe('Thank you for your rating!');
    expect(await page.locator('#survey-form').count()).toBe(0);
    const survey = await t.db.execute(
      sql`SELECT rating, comment, channel FROM csat_surveys WHERE ticket_id = ${ticket.id}`,
    );
    expect(survey.rows).toEqual([{ rating: 5, comment: 'Lovely', channel: 'portal' }]);
    await page.close();
  });

  it('answers a honeypot submission with the same success and stores nothing', async () => {
    const ticket = await ticketWithLink('Bots welcome');
    const before = await messageCount(ticket.id);
    const page = await browser.newPage();
    await page.goto(ticket.url);
    await page.fill('#reply-body', 'Cheap pills');
    // A bot fills every input, the hidden one too.
    await page.evaluate("document.querySelector('#reply-website').value = 'http://spam.example'");
    // The honeypot decides, not the captcha; the widget only blocks a submission while it is solving.
    await solvedCaptcha(page, '#reply-form');
    await page.click('#reply-form button[type=submit]');
    await expect.poll(() => page.locator('#notice').textContent()).toBe('Your reply was sent.');
    expect(await page.locator('#thread').innerText()).not.toContain('Cheap pills');
    expect(await messageCount(ticket.id)).toBe(before);
    await page.close();
  });
});
