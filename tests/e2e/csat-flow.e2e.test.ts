import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { surveyPath } from '../../src/server/modules/csat/index.js';
import type { TestApp } from '../helpers/app.js';
import { startBrowserApp } from '../helpers/browser.js';
import { buildMember, buildTicket, type Staff, type Tenant } from '../helpers/factories.js';
import { signIn, waitForCaptcha } from './staff-helpers.js';

let t: TestApp;
let tenant: Tenant;
let agent: Staff;
let browser: Browser;
let base: string;

beforeAll(async () => {
  ({ t, tenant, browser, base } = await startBrowserApp({ name: 'Acme Support', projectKey: 'ACME' }));
  agent = await buildMember(t, tenant, { role: 'staff', name: 'Sam Agent' });
});

/** The survey's secret link, as the invitation carries it. */
async function surveyUrl(ticketId: string) {
  const rows = await t.db.execute<{ id: string; token_version: number }>(
    sql`SELECT id, token_version FROM csat_surveys WHERE ticket_id = ${ticketId}`,
  );
  const survey = rows.rows[0];
  if (!survey) throw new Error('no survey was created');
  return base + surveyPath(t.ctx.links, { id: survey.id, tokenVersion: survey.token_version });
}

/**
 * Answers on the public survey page, as the requester does, in a browser of their own (a staff
 * session would be refused); the page solves its captcha itself.
 */
async function answerSurvey(url: string, rating: number, comment: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}?rating=${rating}`);
  await page.fill('#comment', comment);
  await waitForCaptcha(page);
  await page.click('button[type=submit]');
  await expect.poll(() => page.locator('h1').innerText()).toBe('Thank you!');
  await context.close();
}

const reviewTexts = (page: Page) => page.locator('.review-list li').allInnerTexts();

describe('a CSAT answer, from the resolved ticket to the dashboard and the CSV', () => {
  it('resolve in the app, answer through the link, then find the answer everywhere on the dashboard', async () => {
    // Another answered survey, so that the search and the CSV have something to leave out.
    const other = await buildTicket(t, tenant, { subject: 'Password reset' });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${other.id}`,
      headers: tenant.owner.headers,
      payload: { status: 'resolved' },
    });
    const ticket = await buildTicket(t, tenant, {
      subject: 'Laptop will not boot',
      assigneeId: agent.userId,
    });

    const { context, page } = await signIn(browser, base, tenant.owner.email, 'owner-password');
    await answerSurvey(await surveyUrl(other.id), 2, 'Slow but fine in the end');

    // Resolve through the ticket view.
    await page.goto(`${base}/app/p/${tenant.projectId}/inbox`);
    await page.click(`.ticket-row:has-text("${ticket.reference}")`);
    await page.waitForSelector('#ticket-status');
    await page.selectOption('#ticket-status', 'resolved');
    await expect.poll(() => page.locator('.ticket-head .badge').first().innerText()).toBe('Resolved');
    await expect.poll(() => page.locator('.ticket-csat').innerText()).toContain('Waiting for an answer');

    await answerSurvey(await surveyUrl(ticket.id), 4, 'Zanzibar-grade service, thanks Sam');

    // The ticket's own CSAT section shows the answer.
    await page.reload();
    await expect.poll(() => page.locator('.ticket-csat').innerText()).toContain('Zanzibar-grade service');
    expect(await page.locator('.ticket-csat .stars').getAttribute('aria-label')).toBe('4 out of 5 stars');

    // The dashboard: distribution, per-staff row and review list.
    await page.click('nav[aria-label="Main"] a:has-text("CSAT")');
    await page.waitForSelector('.distribution-counts');
    const countFor = (rating: number) =>
      page.locator(`.distribution-counts li[data-rating="${rating}"] strong`).innerText();
    await expect.poll(() => countFor(4)).toBe('1');
    expect(await countFor(2)).toBe('1');
    expect(await countFor(5)).toBe('0');
    expect(await page.locator('[data-metric=answers] .metric-value').innerText()).toBe('2');

    const agentRow = page.locator(`.agent-table tr[data-agent="${agent.userId}"]`);
    await agentRow.waitFor();
    const cells = await agentRow.locator('th, td').allInnerTexts();
    expect(cells[0]).toBe('Sam Agent');
    expect(cells[1]).toBe('1');
    expect(cells[2]).toBe('4.00');
    expect(cells[3]).toContain('100%');
    expect(cells[3]).toContain('Small sample');

    await expect.poll(() => reviewTexts(page)).toHaveLength(2);
    await page.fill('#review-search', 'zanzibar');
    await expect.poll(() => reviewTexts(page)).toHaveLength(1);
    const [found] = await reviewTexts(page);
    expect(found).toContain('Zanzibar-grade service, thanks Sam');
    expect(found).toContain(ticket.reference);
    expect(found).toContain('agent Sam Agent');

    // The CSV holds exactly the filtered rows.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a:has-text("Download CSV")'),
    ]);
    const path = await download.path();
    const csv = fs.readFileSync(path, 'utf8');
    expect(csv).toContain('Zanzibar-grade service, thanks Sam');
    expect(csv).toContain(ticket.reference);
    expect(csv).not.toContain('Slow but fine');
    await context.close();
  });

  it('the rating filter narrows the review list', async () => {
    const { context, page } = await signIn(browser, base, tenant.owner.email, 'owner-password');
    await page.goto(`${base}/app/p/${tenant.projectId}/csat`);
    await expect.poll(() => reviewTexts(page)).toHaveLength(2);
    await page.check('.review-filters input[type=checkbox] >> nth=1');
    await expect.poll(() => reviewTexts(page)).toHaveLength(1);
    expect((await reviewTexts(page))[0]).toContain('Slow but fine in the end');
    await context.close();
  });
});
