import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
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
  const settings = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/projects/${tenant.projectId}/csat/settings`,
    headers: tenant.owner.headers,
    payload: {
      enabled: true,
      expiryDays: 7,
      invitationText: 'How did we do?',
      lowScoreReasons: ['Too slow', 'Not solved'],
    },
  });
  expect(settings.statusCode, settings.body).toBe(200);
});

async function resolvedSurveyUrl(subject: string) {
  const ticket = await buildTicket(t, tenant, { subject, assigneeId: agent.userId });
  await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticket.id}`,
    headers: tenant.owner.headers,
    payload: { status: 'resolved' },
  });
  const rows = await t.db.execute<{ id: string; token_version: number }>(
    sql`SELECT id, token_version FROM csat_surveys WHERE ticket_id = ${ticket.id}`,
  );
  const survey = rows.rows[0];
  if (!survey) throw new Error('no survey');
  return {
    ticket,
    surveyId: survey.id,
    url: base + surveyPath(t.ctx.links, { id: survey.id, tokenVersion: 1 }),
  };
}

describe('low scores in the browser', () => {
  it('the reasons show only once a rating at or below the threshold is chosen; without JavaScript they always show', async () => {
    const { url, surveyId } = await resolvedSurveyUrl('Printer jammed');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    const reasons = page.locator('#reasons');
    expect(await reasons.isVisible()).toBe(false);
    await page.click('label[for=rating-5]');
    expect(await reasons.isVisible()).toBe(false);
    await page.click('label[for=rating-2]');
    await expect.poll(() => reasons.isVisible()).toBe(true);
    await page.click('label[for=rating-3]');
    await expect.poll(() => reasons.isVisible()).toBe(false);
    await page.click('label[for=rating-1]');
    await expect.poll(() => reasons.isVisible()).toBe(true);
    await page.getByLabel('Too slow').check();
    await page.fill('#comment', 'Three days for a jam.');
    await waitForCaptcha(page);
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('h1').innerText()).toBe('Thank you!');
    await context.close();
    const stored = await t.db.execute<{ rating: number; reason: string | null }>(
      sql`SELECT rating, reason FROM csat_surveys WHERE id = ${surveyId}`,
    );
    expect(stored.rows).toEqual([{ rating: 1, reason: 'Too slow' }]);

    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto((await resolvedSurveyUrl('No script here')).url);
    expect(await plain.locator('#reasons').isVisible()).toBe(true);
    expect(await plain.locator('#reasons legend').innerText()).toContain('If you gave 2 stars or fewer');
    await noScript.close();
  });

  it('the dashboard counts the open low score, the review list filters it, and "Follow-up done" records who did it', async () => {
    // Sam, credited but without csat.follow_up, sees that it needs one and no button.
    const sam = await signIn(browser, base, agent.email, 'member-password');
    await sam.page.goto(`${base}/app/p/${tenant.projectId}/csat`);
    await sam.page.getByLabel('Needs follow-up').check();
    await expect.poll(() => sam.page.locator('.review-list li').count()).toBe(1);
    expect(await sam.page.locator('.review-list li .follow-up').innerText()).toBe('Needs a follow-up.');
    expect(await sam.page.locator('button:has-text("Follow-up done")').count()).toBe(0);
    // Sam was told in the app: the header counts it, the notifications page shows rating and reason.
    await sam.page.click('a:has-text("Notifications")');
    const told = sam.page.locator('.notification.kind-low_score');
    await expect.poll(() => told.count()).toBe(1);
    expect(await told.innerText()).toContain('Low score from');
    expect(await told.innerText()).toContain('Reason: Too slow');
    expect(await told.locator('.stars').getAttribute('aria-label')).toBe('1 out of 5 stars');
    await sam.context.close();

    const { context, page } = await signIn(browser, base, tenant.owner.email, 'owner-password');
    await page.goto(`${base}/app/p/${tenant.projectId}/csat`);
    const open = page.locator('[data-metric=open-low-scores] .metric-value');
    await expect.poll(() => open.innerText()).toBe('1');
    expect(await page.locator('.low-score-reasons tbody').innerText()).toContain('Too slow');
    await page.click('button:has-text("Show the open ones")');
    await expect.poll(() => page.locator('.review-list li').count()).toBe(1);
    const review = page.locator('.review-list li').first();
    expect(await review.innerText()).toContain('Reason: Too slow');
    await review.getByLabel('Follow-up note (optional)').fill('Called, sent a technician.');
    await review.locator('button:has-text("Follow-up done")').click();
    await expect.poll(() => open.innerText()).toBe('0');
    await expect.poll(() => page.locator('.review-list li').count()).toBe(0);
    await page.getByLabel('Needs follow-up').uncheck();
    await expect
      .poll(() => page.locator('.review-list li .follow-up').first().innerText())
      .toContain('Followed up by Olive Owner');
    expect(await page.locator('.review-list li .follow-up').first().innerText()).toContain(
      'Called, sent a technician.',
    );
    await context.close();
  });
});
