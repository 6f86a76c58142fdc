import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { brandPalette } from '../../src/shared/brand-color.js';
import type { TestApp } from '../helpers/app.js';
import { seriousViolations, startBrowserApp } from '../helpers/browser.js';
import { buildTicket, type Tenant } from '../helpers/factories.js';
import { portalLinkOf, signInCustomer, surveyLinkOf } from '../helpers/portal.js';
import { cssOf, pageScrollWidth } from './staff-helpers.js';

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let base: string;
let ticketUrl: string;
let surveyUrl: string;
let homeUrl: string;
let customerCookie: string;

const LONG_URL = `https://example.com/${'a-very-long-path-segment-'.repeat(8)}`;

beforeAll(async () => {
  ({ t, tenant, browser, base } = await startBrowserApp({ name: 'Acme Support' }));
  const set = await t.app.inject({
    method: 'PATCH',
    url: '/api/v1/account',
    headers: tenant.owner.headers,
    payload: { brandColor: '#ffd400' },
  });
  expect(set.statusCode, set.body).toBe(200);
  const ticket = await buildTicket(t, tenant, {
    subject: 'Printer on fire',
    requester: { email: 'casey@example.com', name: 'Casey Customer' },
    body: `It prints ${LONG_URL} and then ${'Donaudampfschifffahrtsgesellschaft'.repeat(3)}.`,
  });
  await t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticket.id}/messages`,
    headers: tenant.owner.headers,
    payload: {
      body: 'We are on it: see [the guide](https://example.com/guide).\n\n```\na line of code far wider than any phone screen, which scrolls within its box\n```',
    },
  });
  await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticket.id}`,
    headers: tenant.owner.headers,
    payload: { status: 'resolved' },
  });
  ticketUrl = base + portalLinkOf(t, ticket.id);
  surveyUrl = base + (await surveyLinkOf(t, ticket.id)).path;
  homeUrl = `${base}/portal/${tenant.accountId}`;
  customerCookie = (await signInCustomer(t, tenant.accountId, 'casey@example.com')).cookie;
});

async function open(url: string, colorScheme: 'light' | 'dark', width: number): Promise<Page> {
  const context = await browser.newContext({
    colorScheme,
    viewport: { width, height: 800 },
    // Signed in to the portal: its home lists the customer's tickets.
    extraHTTPHeaders: { cookie: customerCookie },
  });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

describe('the customer pages in Chromium', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`the ticket, survey, portal home and request form pages have no serious axe violation in ${colorScheme} mode and fit 320 px`, async () => {
      for (const url of [ticketUrl, surveyUrl, homeUrl, `${homeUrl}/new`]) {
        const page = await open(url, colorScheme, 320);
        expect(await page.locator('h1').innerText(), url).not.toBe('Your support tickets');
        expect(await pageScrollWidth(page), url).toBeLessThanOrEqual(320);
        expect(await seriousViolations(page), url).toEqual([]);
        await page.context().close();
      }
    });
  }

  it('buttons wear the brand colour with readable text; the conversation puts each side on its own side', async () => {
    const page = await open(ticketUrl, 'light', 1280);
    const button = page.locator('#reply-form button[type=submit]');
    expect(await cssOf(button, 'background-color')).toBe('rgb(255, 212, 0)');
    expect(await cssOf(button, 'color')).toBe('rgb(0, 0, 0)');
    // Links use the shade of yellow that is readable on the page, not yellow itself.
    const shade = brandPalette('#ffd400').linkLight;
    const rgb = [1, 3, 5].map((i) => Number.parseInt(shade.slice(i, i + 2), 16)).join(', ');
    expect(await cssOf(page.locator('#thread a').first(), 'color')).toBe(`rgb(${rgb})`);
    const mine = await page.locator('#thread li.public.mine').first().boundingBox();
    const theirs = await page.locator('#thread li.public:not(.mine)').first().boundingBox();
    if (!mine || !theirs) throw new Error('no messages');
    expect(mine.x + mine.width).toBeGreaterThan(theirs.x + theirs.width);
    expect(mine.x).toBeGreaterThan(theirs.x);
    await page.context().close();
  });

  it('a survey star is a 44 px target at least, and the chosen one shows without colour (filled, underlined)', async () => {
    const page = await open(`${surveyUrl}?rating=3`, 'light', 390);
    const label = await page.locator('label[for=rating-3]').boundingBox();
    expect(label?.width).toBeGreaterThanOrEqual(44);
    expect(label?.height).toBeGreaterThanOrEqual(44);
    expect(await cssOf(page.locator('label[for=rating-3] svg'), 'fill')).not.toBe('none');
    expect(await cssOf(page.locator('label[for=rating-4] svg'), 'fill')).toBe('none');
    await page.focus('#rating-3');
    await page.keyboard.press('ArrowRight');
    expect(await page.isChecked('#rating-4')).toBe(true);
    expect(await cssOf(page.locator('label[for=rating-4] svg'), 'fill')).not.toBe('none');
    expect(await cssOf(page.locator('label[for=rating-4]'), 'outline-style')).toBe('solid');
    await page.context().close();
  });
});
