import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyPath } from '../../src/server/modules/csat/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { buildAccount, buildTicket, type Tenant } from '../helpers/factories.js';

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { name: 'Acme & Co' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Resolves a new ticket and returns its survey's secret link. */
async function resolvedTicketSurveyUrl(subject: string) {
  const ticket = await buildTicket(t, tenant, { subject });
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticket.id}`,
    headers: tenant.owner.headers,
    payload: { status: 'resolved' },
  });
  expect(res.statusCode).toBe(200);
  const rows = await t.db.execute<{ id: string; token_version: number }>(
    sql`SELECT id, token_version FROM csat_surveys WHERE ticket_id = ${ticket.id}`,
  );
  const survey = rows.rows[0];
  if (!survey) throw new Error('no survey was created');
  return {
    url: base + surveyPath(t.ctx.links, { id: survey.id, tokenVersion: survey.token_version }),
    ticket,
  };
}

async function waitForCaptcha(page: Page) {
  // The widget solves on load and fills the hidden field the form sends.
  await expect.poll(() => page.inputValue('input[name=altcha]'), { timeout: 30_000 }).not.toBe('');
}

describe('the survey page in Chromium', () => {
  it('records a one-click rating with a comment, then shows it read-only on reload', async () => {
    const { url, ticket } = await resolvedTicketSurveyUrl('Printer on fire');
    const page = await browser.newPage();
    await page.goto(`${url}?rating=4`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('How did we do?');
    expect(await page.locator('main').innerText()).toContain(`${ticket.reference} · Printer on fire`);
    expect(await page.locator('main').innerText()).toContain('Acme & Co');
    // ?rating=4 preselects, but only the submit records: nothing is stored yet.
    expect(await page.isChecked('#rating-4')).toBe(true);
    const stored = await t.db.execute(
      sql`SELECT submitted_at FROM csat_surveys WHERE ticket_id = ${ticket.id}`,
    );
    expect(stored.rows[0]).toEqual({ submitted_at: null });

    await page.fill('#comment', 'Quick and friendly');
    expect(await page.locator('#comment-count').innerText()).toBe('18 / 2000');
    await waitForCaptcha(page);
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('h1').innerText()).toBe('Thank you!');

    await page.reload();
    await expect.poll(() => page.locator('h1').innerText()).toBe('You already answered this survey');
    expect(await page.getAttribute('.given', 'aria-label')).toBe('4 stars');
    expect(await page.locator('#previous-comment').innerText()).toBe('Quick and friendly');
    const answered = await t.db.execute(
      sql`SELECT rating, comment, channel FROM csat_surveys WHERE ticket_id = ${ticket.id}`,
    );
    expect(answered.rows[0]).toEqual({ rating: 4, comment: 'Quick and friendly', channel: 'link' });
    await page.close();
  });

  it('picks stars with the keyboard', async () => {
    const { url, ticket } = await resolvedTicketSurveyUrl('Keyboard only');
    const page = await browser.newPage();
    await page.goto(url);
    await page.focus('#rating-1');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.isChecked('#rating-3')).toBe(true);
    await waitForCaptcha(page);
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('h1').innerText()).toBe('Thank you!');
    const answered = await t.db.execute(sql`SELECT rating FROM csat_surveys WHERE ticket_id = ${ticket.id}`);
    expect(answered.rows[0]).toEqual({ rating: 3 });
    await page.close();
  });

  it('shows the expired page once the deadline has passed', async () => {
    const { url } = await resolvedTicketSurveyUrl('Too late');
    t.clock.advance(8 * 86_400_000);
    const page = await browser.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(410);
    expect(await page.locator('h1').innerText()).toBe('This survey has expired');
    expect(await page.locator('#survey-form').count()).toBe(0);
    await page.close();
  });
});
