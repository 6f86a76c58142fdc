import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { scopeOf } from '../../src/server/app-context.js';
import { inTransaction } from '../../src/server/db/client.js';
import { submitSurvey } from '../../src/server/modules/csat/index.js';
import type { TestApp } from '../helpers/app.js';
import { seriousViolations, startBrowserApp } from '../helpers/browser.js';
import { buildMember, buildTicket, type Tenant } from '../helpers/factories.js';
import { cssOf, pageScrollWidth, pageTheme, signIn } from './staff-helpers.js';

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let base: string;
let ticketId: string;

beforeAll(async () => {
  ({ t, tenant, browser, base } = await startBrowserApp({ name: 'Acme Support', projectKey: 'ACME' }));
  const agent = await buildMember(t, tenant, { role: 'staff', name: 'Sam Agent' });
  for (const [i, rating] of [5, 4, 2].entries()) {
    const ticket = await buildTicket(t, tenant, {
      subject: `Question ${i}`,
      assigneeId: agent.userId,
      tags: ['a11y'],
    });
    ticketId = ticket.id;
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${ticket.id}/messages`,
      headers: tenant.owner.headers,
      payload: { body: 'A note for the team.', internal: true },
    });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
      payload: { status: 'resolved' },
    });
    const survey = await t.db.execute<{ id: string }>(
      sql`SELECT id FROM csat_surveys WHERE ticket_id = ${ticket.id}`,
    );
    const surveyId = survey.rows[0]?.id as string;
    await inTransaction(t.db, (tx) =>
      submitSurvey(scopeOf(t.ctx, tx), surveyId, { rating, comment: `Rated ${rating}`, channel: 'link' }),
    );
  }
});

describe('on a phone', () => {
  it('no main page is wider than a 390 px screen (nothing scrolls sideways)', async () => {
    const { context, page } = await signIn(browser, base, tenant.owner.email, 'owner-password');
    await page.setViewportSize({ width: 390, height: 844 });
    const project = `${base}/app/p/${tenant.projectId}`;
    const screens: [string, string][] = [
      [`${project}/inbox`, '.ticket-list'],
      [`${project}/tickets/${ticketId}`, 'li.message[data-kind=internal]'],
      [`${project}/csat`, '.review-list li'],
      [`${project}/settings/members`, '#member-email'],
      [`${project}/settings/roles`, '.role-list li'],
      [`${project}/new-ticket`, '#new-ticket-email'],
    ];
    const widths: Record<string, number> = {};
    for (const [url, ready] of screens) {
      await page.goto(url);
      await page.waitForSelector(ready);
      widths[url.replace(project, '')] = await pageScrollWidth(page);
    }
    expect(
      Object.values(widths).every((w) => w <= 390),
      JSON.stringify(widths),
    ).toBe(true);
    await context.close();
  });
});

describe.each(['light', 'dark'] as const)('axe-core in the %s theme', (theme) => {
  it('the sign-in page has no serious or critical violation', async () => {
    const context = await browser.newContext({ colorScheme: theme });
    const page = await context.newPage();
    await page.goto(`${base}/app/`);
    await page.waitForSelector('#email');
    expect(await pageTheme(page)).toBe(theme);
    expect(await seriousViolations(page)).toEqual([]);
    // A failed attempt shows the error state, which is checked too.
    await page.fill('#email', 'nobody@example.com');
    await page.fill('#password', 'wrong-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('the inbox, ticket view, dashboard and settings have no serious or critical violation', async () => {
    const { context, page } = await signIn(browser, base, tenant.owner.email, 'owner-password', {
      colorScheme: theme,
    });
    expect(await pageTheme(page)).toBe(theme);
    const project = `${base}/app/p/${tenant.projectId}`;
    const screens: [string, string][] = [
      [`${project}/inbox`, '.ticket-list'],
      [`${project}/tickets/${ticketId}`, 'li.message[data-kind=internal]'],
      [`${project}/csat`, '.review-list li'],
      [`${project}/settings/branding`, '#account-name'],
      [`${project}/settings/members`, '#member-email'],
      [`${project}/settings/roles`, '.role-list li'],
      [`${project}/settings/csat`, '#csat-expiry'],
      [`${project}/settings/discord`, '#discord-application-id'],
      [`${project}/new-ticket`, '#new-ticket-email'],
      [`${base}/app/me/api-tokens`, '#token-name'],
    ];
    const found: Record<string, string[]> = {};
    for (const [url, ready] of screens) {
      await page.goto(url);
      await page.waitForSelector(ready);
      const violations = await seriousViolations(page);
      if (violations.length) found[url.replace(base, '')] = violations;
    }
    expect(found).toEqual({});
    await context.close();
  });

  it('the theme toggle switches the theme and keeps the choice across reloads', async () => {
    const { context, page } = await signIn(browser, base, tenant.owner.email, 'owner-password', {
      colorScheme: theme,
    });
    const other = theme === 'light' ? 'dark' : 'light';
    await page.click('button.theme-toggle');
    expect(await pageTheme(page)).toBe(other);
    await page.reload();
    await page.waitForSelector('header.app-header');
    expect(await pageTheme(page)).toBe(other);
    expect(await cssOf(page.locator('html'), 'background-color')).toBe(
      other === 'dark' ? 'rgb(17, 20, 24)' : 'rgb(245, 246, 248)',
    );
    await context.close();
  });
});
