import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { seriousViolations, startBrowserApp } from '../helpers/browser.js';
import { buildTicket, type Tenant } from '../helpers/factories.js';
import { type FilePart, multipart } from '../helpers/multipart.js';
import { latestSignInPath, portalLinkOf, postForm, solveCaptcha, surveyLinkOf } from '../helpers/portal.js';
import { waitForCaptcha } from './staff-helpers.js';

/**
 * Every page a customer sees, in the light and the dark theme, on a phone (390 px) and a desktop
 * (1280 px): axe-core finds no serious or critical violation and nothing scrolls sideways; nor at
 * 320 px, the narrowest screen the pages promise. Each view is saved as a full-page screenshot in
 * test-results/screenshots/ to look at; with README_SCREENSHOTS=1 the survey and portal views the
 * README shows are written to docs/screenshots/ as well.
 */

const THEMES = ['light', 'dark'] as const;
const WIDTHS = [390, 1280];
const NARROWEST = 320;
const README_WIDTH = 390;
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const README_SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let base: string;
const casey = { email: 'casey@example.com', name: 'Casey Customer' };
// Signs in on the confirmation page only: the test clock stands still, and Casey's links would tie.
const robin = { email: 'robin@example.com', name: 'Robin Requester' };
/** The links the pages are reached by, as the customer's mails carry them. */
const links = {} as Record<'ticket' | 'survey' | 'toAnswer' | 'answered' | 'expired' | 'withdrawn', string>;

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

async function staff(ticketId: string, payload: object) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
    payload,
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function staffReply(ticketId: string, body: string, files: FilePart[] = []) {
  const form = multipart({ body }, files);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticketId}/messages`,
    headers: { ...tenant.owner.headers, ...form.headers },
    payload: form.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
}

async function customerReply(ticketId: string, body: string) {
  const res = await postForm(t, `${portalLinkOf(t, ticketId)}/reply`, {
    body,
    website: '',
    altcha: await solveCaptcha(t),
  });
  expect(res.statusCode, res.body).toBe(303);
}

/** A ticket of Casey's, resolved by the team: its survey waits for an answer. */
async function resolvedTicket(subject: string) {
  const ticket = await buildTicket(t, tenant, { subject, requester: casey });
  await staffReply(ticket.id, 'Fixed on our side; tell us if it happens again.');
  await staff(ticket.id, { status: 'resolved' });
  return { ...ticket, survey: (await surveyLinkOf(t, ticket.id)).path };
}

beforeAll(async () => {
  ({ t, tenant, browser, base } = await startBrowserApp({ name: 'Acme Support', projectKey: 'ACME' }));
  // The expired survey comes first: the clock then passes its deadline, and every later one is fresh.
  links.expired = (await resolvedTicket('Password reset mail never came')).survey;
  t.clock.advance(8 * DAY);

  const ticket = await buildTicket(t, tenant, {
    subject: 'The printer shows error E-042',
    body: 'Since this morning the office printer stops after one page and shows **E-042**.',
    requester: casey,
  });
  t.clock.advance(12 * MINUTE);
  await staffReply(ticket.id, 'Thanks, Casey. Could you send us a photo of the display?');
  t.clock.advance(25 * MINUTE);
  await customerReply(ticket.id, 'Here it is: the display says "E-042 fuser". It is the one on floor 2.');
  const manual: FilePart = {
    filename: 'fuser-reset-guide.pdf',
    contentType: 'application/pdf',
    content: randomBytes(30_000),
  };
  t.clock.advance(9 * MINUTE);
  await staffReply(ticket.id, 'That is the fuser. The attached guide shows how to reset it.', [manual]);
  t.clock.advance(3 * MINUTE);
  await staff(ticket.id, { status: 'resolved' });
  links.ticket = portalLinkOf(t, ticket.id);
  links.survey = (await surveyLinkOf(t, ticket.id)).path;

  links.toAnswer = (await resolvedTicket('Invoice shows the wrong address')).survey;
  links.answered = (await resolvedTicket('Cannot log in to the VPN')).survey;
  const answer = await postForm(t, links.answered, {
    rating: '4',
    comment: 'Quick and friendly, thanks!',
    website: '',
    altcha: await solveCaptcha(t),
  });
  expect(answer.statusCode, answer.body).toBe(200);

  const reopened = await resolvedTicket('Laptop fan is loud');
  await staff(reopened.id, { status: 'open' });
  links.withdrawn = reopened.survey;
  await buildTicket(t, tenant, { subject: 'Where is my order?', requester: robin });
});

const gotoStatus = async (page: Page, path: string, status: number) => {
  const response = await page.goto(base + path);
  expect(response?.status()).toBe(status);
};

async function askForSignInLink(page: Page, email = casey.email) {
  await page.goto(`${base}/portal/${tenant.accountId}`);
  await page.fill('#email', email);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#sign-in-sent');
}

async function openSignInLink(page: Page, email = casey.email) {
  await askForSignInLink(page, email);
  const link = await latestSignInPath(t, tenant.accountId, email);
  await gotoStatus(page, link as string, 200);
  await page.waitForSelector('#sign-in-confirm');
}

interface CustomerPage {
  name: string;
  /** Brings a fresh page to the screen the way a customer gets there. */
  open: (page: Page) => Promise<void>;
  /** The README's screenshot of this page: docs/screenshots/<readme>-<theme>.png. */
  readme?: string;
}

const PAGES: CustomerPage[] = [
  {
    name: 'portal-ticket',
    readme: 'portal',
    open: async (page) => {
      await gotoStatus(page, links.ticket, 200);
      await page.waitForSelector('#survey-form');
    },
  },
  {
    name: 'portal-home',
    open: async (page) => {
      await openSignInLink(page);
      await page.click('#sign-in-confirm button[type=submit]');
      await page.waitForSelector('#bell');
    },
  },
  { name: 'sign-in', open: (page) => gotoStatus(page, `/portal/${tenant.accountId}`, 200) },
  { name: 'sign-in-sent', open: (page) => askForSignInLink(page) },
  { name: 'sign-in-confirm', open: (page) => openSignInLink(page, robin.email) },
  { name: 'request-form', open: (page) => gotoStatus(page, `/portal/${tenant.accountId}/new`, 200) },
  {
    name: 'request-sent',
    open: async (page) => {
      await gotoStatus(page, `/portal/${tenant.accountId}/new`, 200);
      await page.fill('#request-name', 'Vera Visitor');
      await page.fill('#request-email', 'vera@example.com');
      await page.fill('#request-subject', 'Do you ship to Norway?');
      await page.fill('#request-body', 'We would like to order 40 chairs.');
      await waitForCaptcha(page);
      await page.click('#request-form button[type=submit]');
      await page.waitForSelector('#request-sent');
    },
  },
  {
    name: 'survey',
    readme: 'survey',
    open: async (page) => {
      await gotoStatus(page, `${links.survey}?rating=5`, 200);
      // Solved on load (the page's one form): the screenshot shows the widget done, not halfway.
      await waitForCaptcha(page);
    },
  },
  {
    name: 'survey-thanks',
    open: async (page) => {
      await gotoStatus(page, links.toAnswer, 200);
      await page.click('label[for=rating-5]');
      await page.fill('#comment', 'Sorted within the hour. Thank you!');
      await waitForCaptcha(page);
      await page.click('#survey-form button[type=submit]');
      await page.waitForSelector('#ticket-link');
    },
  },
  { name: 'survey-answered', open: (page) => gotoStatus(page, links.answered, 200) },
  { name: 'survey-expired', open: (page) => gotoStatus(page, links.expired, 410) },
  { name: 'survey-withdrawn', open: (page) => gotoStatus(page, links.withdrawn, 410) },
  { name: 'survey-not-found', open: (page) => gotoStatus(page, '/s/not-a-survey-link', 404) },
  { name: 'portal-not-found', open: (page) => gotoStatus(page, '/p/not-a-ticket-link', 404) },
];

// The tests compile without the DOM library: what the sideways check reads in the page.
declare const document: { scrollingElement: { scrollWidth: number } };
declare const innerWidth: number;

/** How far the page is wider than the window (0 when nothing scrolls sideways). */
const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => Math.max(0, document.scrollingElement.scrollWidth - innerWidth));

describe('every customer page in Chromium, light and dark, at 390 and 1280 px', () => {
  it.each(PAGES)(
    '$name has no serious or critical axe violation and never scrolls sideways, down to 320 px',
    async ({ name, open, readme }) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) problems.push(`${name}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`${name}: script error: ${error.message}`));
      await open(page);
      for (const theme of THEMES) {
        await page.emulateMedia({ colorScheme: theme });
        for (const width of [...WIDTHS, NARROWEST]) {
          await page.setViewportSize({ width, height: 900 });
          const view = `${name} ${theme} ${width}px`;
          const overflow = await sidewaysOverflow(page);
          if (overflow) problems.push(`${view}: scrolls sideways by ${overflow} px`);
          if (width === NARROWEST) continue;
          for (const violation of await seriousViolations(page)) problems.push(`${view}: ${violation}`);
          await page.screenshot({ path: `${SHOTS}${name}-${theme}-${width}.png`, fullPage: true });
          if (readme && width === README_WIDTH && process.env.README_SCREENSHOTS === '1') {
            await page.screenshot({ path: `${README_SHOTS}${readme}-${theme}.png`, fullPage: true });
          }
        }
      }
      await context.close();
      expect(problems).toEqual([]);
    },
    120_000,
  );
});
