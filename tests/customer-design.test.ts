import { beforeAll, describe, expect, it } from 'vitest';
import { FAVICON_PATH, STYLESHEET_PATH } from '../src/server/lib/page-assets.js';
import { brandPalette } from '../src/shared/brand-color.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from './helpers/factories.js';
import { expectError } from './helpers/permissions.js';
import { portalLinkOf, signInCustomer, surveyLinkOf } from './helpers/portal.js';

let t: TestApp;
let tenant: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { name: 'Acme' });
});

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });
const setBrandColor = (brandColor: unknown) =>
  t.app.inject({
    method: 'PATCH',
    url: '/api/v1/account',
    headers: tenant.owner.headers,
    payload: { brandColor },
  });
const stylesheetsOf = (page: string) =>
  [...page.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1] as string);

/** Every customer page there is, by name, as a customer reaches it. */
let customers = 0;
async function customerPages(): Promise<Record<string, string>> {
  const email = `casey-${++customers}@example.com`;
  const ticket = await buildTicket(t, tenant, { requester: { email, name: 'Casey' } });
  const resolved = await buildTicket(t, tenant);
  await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${resolved.id}`,
    headers: tenant.owner.headers,
    payload: { status: 'resolved' },
  });
  const survey = await surveyLinkOf(t, resolved.id);
  const signedIn = await signInCustomer(t, tenant.accountId, email);
  const pages: Record<string, string> = {};
  for (const [name, url, headers] of [
    ['portal ticket', portalLinkOf(t, ticket.id), {}],
    ['portal ticket with survey', portalLinkOf(t, resolved.id), {}],
    ['portal home', `/portal/${tenant.accountId}`, signedIn],
    ['sign-in', `/portal/${tenant.accountId}`, {}],
    ['request form', `/portal/${tenant.accountId}/new`, {}],
    ['survey', survey.path, {}],
    ['portal link not found', '/p/not-a-token', {}],
    ['survey not found', '/s/not-a-token', {}],
  ] as const) {
    const res = await get(url, headers);
    expect(res.headers['content-type'], name).toContain('text/html');
    pages[name] = res.body;
  }
  return pages;
}

describe('one stylesheet for every customer page', () => {
  it('is served once under a name that changes with its content, cached for a year', async () => {
    expect(STYLESHEET_PATH).toMatch(/^\/assets\/customer\.[0-9a-f]{12}\.css$/);
    const res = await get(STYLESHEET_PATH);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toContain('prefers-color-scheme: dark');
  });

  it('is linked from every customer page, with the brand colours and the favicon, and no inline style', async () => {
    for (const [name, page] of Object.entries(await customerPages())) {
      expect(stylesheetsOf(page), name).toEqual([STYLESHEET_PATH, '/assets/brand/2b59c3.css']);
      expect(page, name).toContain(`<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">`);
      expect(page, name).not.toContain('<style');
      expect(page, name).not.toMatch(/ style="/);
    }
  });

  it('the favicon is an SVG', async () => {
    const res = await get(FAVICON_PATH);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.body).toContain('<svg');
  });
});

describe('the brand colour', () => {
  it('is a #rrggbb colour: anything else is refused with 400 VALIDATION_ERROR and nothing changes', async () => {
    for (const bad of ['red', '#fff', '#12345g', '2b59c3', '#2b59c3; color: red', 12]) {
      expectError(await setBrandColor(bad), 400, 'VALIDATION_ERROR');
    }
    const me = await get('/api/v1/me', tenant.owner.headers);
    expect(me.json().account.brandColor).toBeNull();
  });

  it('is stored in lower case, brands every page of the account, and null restores the default', async () => {
    const set = await setBrandColor('#FFD400');
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().brandColor).toBe('#ffd400');
    const pages = await customerPages();
    for (const name of ['portal ticket', 'portal home', 'sign-in', 'request form', 'survey']) {
      expect(stylesheetsOf(pages[name] ?? ''), name).toContain('/assets/brand/ffd400.css');
    }
    // Pages that know no account keep the default.
    expect(stylesheetsOf(pages['portal link not found'] ?? '')).toContain('/assets/brand/2b59c3.css');
    expect((await setBrandColor(null)).json().brandColor).toBeNull();
  });

  it('its stylesheet carries the colour, readable text on it and readable link shades, cached for good', async () => {
    const res = await get('/assets/brand/ffd400.css');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const p = brandPalette('#ffd400');
    expect(p.onBrand).toBe('#000000');
    expect(res.body).toBe(
      `:root{--brand:#ffd400;--on-brand:#000000;--link-light:${p.linkLight};--link-dark:${p.linkDark}}\n`,
    );
  });

  it('a brand stylesheet for anything but six lower-case hex digits is refused', async () => {
    for (const bad of ['FFD400', 'ffd40', 'ffd4000', 'x%7D%3Cscript']) {
      expect((await get(`/assets/brand/${bad}.css`)).statusCode, bad).toBe(400);
    }
  });
});

/** The forms of a page: their id and the captcha widgets inside each. */
const formsOf = (page: string) =>
  [...page.matchAll(/<form [^>]*id="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].map((m) => ({
    id: m[1] as string,
    captchas: [...(m[2] as string).matchAll(/<altcha-widget [^>]*auto="(\w+)"/g)].map((c) => c[1]),
  }));

describe('the captcha', () => {
  it('sits only in forms that submit something, once per form; on load where the form is the page, on first touch in the portal', async () => {
    const pages = await customerPages();
    const captchas = (name: string) =>
      Object.fromEntries(formsOf(pages[name] ?? '').map((f) => [f.id, f.captchas.join()]));
    expect(captchas('survey')).toMatchObject({ 'survey-form': 'onload' });
    expect(captchas('request form')).toMatchObject({ 'request-form': 'onload' });
    expect(captchas('portal ticket with survey')).toMatchObject({
      'survey-form': 'onfocus',
      'reply-form': 'onfocus',
      'close-form': '',
    });
    expect(captchas('portal home')).toMatchObject({ 'new-ticket-form': 'onfocus' });
    expect(captchas('sign-in')).toMatchObject({ 'sign-in-form': '' });
    for (const [name, page] of Object.entries(pages)) {
      const widgets = page.match(/<altcha-widget/g)?.length ?? 0;
      expect(
        formsOf(page).reduce((n, f) => n + f.captchas.length, 0),
        name,
      ).toBe(widgets);
    }
  });
});

describe('the survey stars', () => {
  it('are five native radios, each with a label that says the rating, drawn as large stars', async () => {
    const ticket = await buildTicket(t, tenant);
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
      payload: { status: 'resolved' },
    });
    const page = (await get((await surveyLinkOf(t, ticket.id)).path)).body;
    for (const n of [1, 2, 3, 4, 5]) {
      expect(page).toContain(`<input type="radio" id="rating-${n}" name="rating" value="${n}" required>`);
      expect(page).toMatch(
        new RegExp(
          `<label for="rating-${n}"[^>]*><svg aria-hidden="true"[^>]*>.*?</svg><span class="sr">${n} stars?</span></label>`,
        ),
      );
    }
  });
});
