import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { buildAccount, buildMember, buildTicket, type Staff, type Tenant } from '../helpers/factories.js';
import { cssOf, expectRefs, mainNav, signIn, ticketRefs } from './staff-helpers.js';

const OWNER_PASSWORD = 'owner-password';
const MEMBER_PASSWORD = 'member-password';

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let base: string;
let staff: Staff;
let billingProjectId: string;
const refs: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { name: 'Acme Support', projectKey: 'ACME' });
  staff = await buildMember(t, tenant, { role: 'staff', name: 'Sam Staff' });
  const tickets: [string, Parameters<typeof buildTicket>[2]][] = [
    ['toaster', { subject: 'Toaster smokes', priority: 'urgent', tags: ['kitchen'] }],
    ['printer', { subject: 'Printer jams', priority: 'low', assigneeId: tenant.owner.userId }],
    ['invoice', { subject: 'Invoice is wrong', priority: 'high', tags: ['billing'] }],
    ['wifi', { subject: 'Wifi drops', priority: 'urgent', assigneeId: staff.userId }],
  ];
  for (const [name, overrides] of tickets) {
    const ticket = await buildTicket(t, tenant, overrides);
    refs[name] = ticket.reference;
    ids[name] = ticket.id;
  }
  const billing = await t.app.inject({
    method: 'POST',
    url: '/api/v1/projects',
    headers: tenant.owner.headers,
    payload: { name: 'Billing', key: 'BILL' },
  });
  billingProjectId = billing.json().id;
  await buildTicket(t, { ...tenant, projectId: billingProjectId }, { subject: 'Refund please' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('signing in', () => {
  it('a wrong password is refused with the API message, then the lockout message after 5 failures', async () => {
    const lockee = await buildMember(t, tenant, { role: 'staff' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/app/`);
    for (let attempt = 1; attempt <= 6; attempt++) {
      await page.fill('#email', lockee.email);
      await page.fill('#password', `wrong-${attempt}`);
      await page.click('button[type=submit]');
      const expected =
        attempt <= 5 ? 'The email or password is incorrect.' : 'Too many failed sign-in attempts';
      await expect.poll(() => page.locator('[role=alert]').innerText()).toContain(expected);
    }
    expect(await page.locator('.locked').count()).toBe(1);
    expect(await page.locator('header.app-header').count()).toBe(0);
    await context.close();
  });

  it('signs in, lands on the inbox of a project, switches to another project and signs out', async () => {
    const { context, page } = await signIn(browser, base, tenant.owner.email, OWNER_PASSWORD);
    await page.waitForURL(/\/app\/p\/[0-9a-f-]{36}\/inbox$/);
    const landed = await page.inputValue('#project-switcher');
    expect([tenant.projectId, billingProjectId]).toContain(landed);
    expect(page.url()).toContain(landed);

    await page.selectOption('#project-switcher', billingProjectId);
    await page.waitForURL(`**/app/p/${billingProjectId}/inbox`);
    await expectRefs(page, ['BILL-1']);
    await page.selectOption('#project-switcher', tenant.projectId);
    await page.waitForURL(`**/app/p/${tenant.projectId}/inbox`);
    await expectRefs(page, [refs.wifi, refs.invoice, refs.printer, refs.toaster] as string[]);

    await page.click('button:has-text("Sign out")');
    await page.waitForSelector('#email');
    await page.reload();
    await page.waitForSelector('#email');
    expect(await page.locator('header.app-header').count()).toBe(0);
    await context.close();
  });
});

describe('the inbox', () => {
  it('filters by view, status, priority, assignee, tag and search', async () => {
    const { context, page } = await signIn(browser, base, tenant.owner.email, OWNER_PASSWORD);
    await page.goto(`${base}/app/p/${tenant.projectId}/inbox`);
    await expectRefs(page, [refs.wifi, refs.invoice, refs.printer, refs.toaster] as string[]);

    await page.click('button.view-tab:has-text("Mine")');
    await expectRefs(page, [refs.printer as string]);
    await page.click('button.view-tab:has-text("Unassigned")');
    await expectRefs(page, [refs.invoice, refs.toaster] as string[]);
    await page.click('button.view-tab:has-text("All")');

    await page.selectOption('#filter-priority', 'urgent');
    await expectRefs(page, [refs.wifi, refs.toaster] as string[]);
    await page.selectOption('#filter-assignee', staff.userId);
    await expectRefs(page, [refs.wifi as string]);
    await page.selectOption('#filter-assignee', '');
    await page.selectOption('#filter-priority', '');

    await page.fill('#filter-tag', 'billing');
    await expectRefs(page, [refs.invoice as string]);
    await page.fill('#filter-tag', '');

    await page.fill('#inbox-search', 'toaster');
    await expectRefs(page, [refs.toaster as string]);
    await page.fill('#inbox-search', '');

    await page.selectOption('#filter-status', 'resolved');
    await expectRefs(page, []);
    expect(await page.locator('.empty').innerText()).toBe('No ticket matches.');
    await page.selectOption('#filter-status', 'open');
    await expectRefs(page, [refs.wifi, refs.invoice, refs.printer, refs.toaster] as string[]);
    // The filters live in the address: a reload keeps them.
    await page.reload();
    expect(await page.inputValue('#filter-status')).toBe('open');
    await context.close();
  });

  it('"Load more" follows the cursor to the next page', async () => {
    const billing = { ...tenant, projectId: billingProjectId };
    for (let i = 0; i < 25; i++) await buildTicket(t, billing, { subject: `Refund ${i}` });
    const { context, page } = await signIn(browser, base, tenant.owner.email, OWNER_PASSWORD);
    await page.goto(`${base}/app/p/${billingProjectId}/inbox`);
    await expect.poll(() => ticketRefs(page)).toHaveLength(25);
    expect((await ticketRefs(page))[0]).toBe('BILL-26');
    await page.click('button:has-text("Load more")');
    await expect.poll(() => ticketRefs(page)).toHaveLength(26);
    expect((await ticketRefs(page)).at(-1)).toBe('BILL-1');
    expect(await page.locator('button:has-text("Load more")').count()).toBe(0);
    await context.close();
  });

  it('moves with j/k and arrows, opens with Enter and jumps to the search with /', async () => {
    const { context, page } = await signIn(browser, base, tenant.owner.email, OWNER_PASSWORD);
    await page.goto(`${base}/app/p/${tenant.projectId}/inbox`);
    await expectRefs(page, [refs.wifi, refs.invoice, refs.printer, refs.toaster] as string[]);
    const focusedRef = () => page.locator(':focus .ticket-ref').innerText();

    await page.keyboard.press('j');
    expect(await focusedRef()).toBe(refs.wifi);
    await page.keyboard.press('j');
    await page.keyboard.press('ArrowDown');
    expect(await focusedRef()).toBe(refs.printer);
    await page.keyboard.press('k');
    expect(await focusedRef()).toBe(refs.invoice);
    // The focused row is visibly marked (outline from :focus-visible, plus the active row style).
    expect(await cssOf(page.locator(':focus'), 'outline-style')).toBe('solid');
    expect(await page.locator('.ticket-list li.is-active .ticket-ref').innerText()).toBe(refs.invoice);

    await page.keyboard.press('Enter');
    await page.waitForURL(`**/tickets/${ids.invoice}`);
    await expect.poll(() => page.locator('h1#ticket-title').innerText()).toContain('Invoice is wrong');

    await page.goBack();
    await expect.poll(() => ticketRefs(page)).toHaveLength(4);
    await page.keyboard.press('/');
    expect(await page.locator(':focus').getAttribute('id')).toBe('inbox-search');
    await context.close();
  });
});

describe('the ticket view', () => {
  it('sends a reply and an internal note (visibly distinct), and changes the status', async () => {
    const { context, page } = await signIn(browser, base, tenant.owner.email, OWNER_PASSWORD);
    await page.goto(`${base}/app/p/${tenant.projectId}/tickets/${ids.toaster}`);
    await page.waitForSelector('#composer-body');

    await page.fill('#composer-body', 'We are sending a technician.');
    await page.click('button:has-text("Send reply")');
    const reply = page.locator('li.message[data-kind=public]', { hasText: 'We are sending a technician.' });
    await reply.waitFor();

    await page.check('input[type=radio][name=mode] >> nth=1');
    expect(await page.locator('label[for=composer-body]').innerText()).toContain('only staff can see it');
    await page.fill('#composer-body', 'The customer sounds upset.');
    await page.click('button:has-text("Add internal note")');
    const note = page.locator('li.message[data-kind=internal]', { hasText: 'The customer sounds upset.' });
    await note.waitFor();
    expect(await note.locator('.note-label').innerText()).toMatch(/internal note/i);
    expect(await reply.locator('.note-label').count()).toBe(0);
    expect(await cssOf(note, 'background-color')).not.toBe(await cssOf(reply, 'background-color'));

    const stored = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ids.toaster}`,
      headers: tenant.owner.headers,
    });
    const kinds = stored.json().thread.map((m: { kind: string; body: string }) => `${m.kind}:${m.body}`);
    expect(kinds).toContain('public:We are sending a technician.');
    expect(kinds).toContain('internal:The customer sounds upset.');

    await page.selectOption('#ticket-status', 'pending');
    await expect.poll(() => page.locator('.ticket-head .badge').first().innerText()).toBe('Pending');
    const after = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ids.toaster}`,
      headers: tenant.owner.headers,
    });
    expect(after.json().status).toBe('pending');
    await context.close();
  });

  it('schedules a closure at a chosen time', async () => {
    const { context, page } = await signIn(browser, base, tenant.owner.email, OWNER_PASSWORD);
    await page.goto(`${base}/app/p/${tenant.projectId}/tickets/${ids.printer}`);
    await page.fill('#closes-at', '2099-06-01T10:30');
    await page.click('form.schedule-closure button[type=submit]');
    await expect.poll(() => page.locator('.ticket-side').innerText()).toContain('Closes by itself on');
    const after = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ids.printer}`,
      headers: tenant.owner.headers,
    });
    expect(after.json().status).toBe('closure_scheduled');
    expect(new Date(after.json().closesAt).getUTCFullYear()).toBe(2099);
    await context.close();
  });
});

describe('what the UI offers follows the permissions', () => {
  it('a member without csat.view sees neither the dashboard nor the ticket CSAT section; Staff sees both', async () => {
    const noCsat = await buildMember(t, tenant, {
      permissions: ['tickets.view_all', 'messages.create', 'tickets.change_status'],
    });
    const limited = await signIn(browser, base, noCsat.email, MEMBER_PASSWORD);
    expect(await mainNav(limited.page)).not.toContain('CSAT');
    await limited.page.goto(`${base}/app/p/${tenant.projectId}/tickets/${ids.invoice}`);
    await limited.page.waitForSelector('h1#ticket-title');
    expect(await limited.page.locator('#ticket-csat-title').count()).toBe(0);
    await limited.page.goto(`${base}/app/p/${tenant.projectId}/csat`);
    await expect.poll(() => limited.page.locator('main h1').innerText()).toBe('Not available');
    expect(await limited.page.locator('.metric-cards').count()).toBe(0);
    await limited.context.close();

    const full = await signIn(browser, base, staff.email, MEMBER_PASSWORD);
    expect(await mainNav(full.page)).toContain('CSAT');
    await full.page.goto(`${base}/app/p/${tenant.projectId}/tickets/${ids.invoice}`);
    await full.page.waitForSelector('#ticket-csat-title');
    await full.context.close();
  });

  it('without settings permissions the settings are not offered; members.manage offers only Members', async () => {
    const plain = await signIn(browser, base, staff.email, MEMBER_PASSWORD);
    expect(await mainNav(plain.page)).toEqual(['Inbox', 'CSAT']);
    await plain.page.goto(`${base}/app/p/${tenant.projectId}/settings/branding`);
    await expect.poll(() => plain.page.locator('main h1').innerText()).toBe('Not available');
    expect(await plain.page.locator('#account-name').count()).toBe(0);
    await plain.context.close();

    const manager = await buildMember(t, tenant, { permissions: ['tickets.view_all', 'members.manage'] });
    const page = (await signIn(browser, base, manager.email, MEMBER_PASSWORD)).page;
    expect(await mainNav(page)).toEqual(['Inbox', 'Settings']);
    await page.click('nav[aria-label="Main"] a:has-text("Settings")');
    await page.waitForURL('**/settings/members');
    expect(await page.locator('nav[aria-label="Settings"] a').allInnerTexts()).toEqual(['Members']);
    await page.close();
  });

  it('without tickets.view_all only the "Mine" view is offered and only assigned tickets are listed', async () => {
    const own = await buildMember(t, tenant, { permissions: ['messages.create'], name: 'Ona Own' });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ids.invoice}`,
      headers: tenant.owner.headers,
      payload: { assigneeId: own.userId },
    });
    const { context, page } = await signIn(browser, base, own.email, MEMBER_PASSWORD);
    await expectRefs(page, [refs.invoice as string]);
    expect(await page.locator('button.view-tab').allInnerTexts()).toEqual(['Mine']);
    await page.goto(`${base}/app/p/${tenant.projectId}/tickets/${ids.invoice}`);
    await page.waitForSelector('h1#ticket-title');
    // No status control without tickets.change_status: the value is shown read-only.
    expect(await page.locator('select#ticket-status').count()).toBe(0);
    expect(await page.locator('output#ticket-status').innerText()).toBe('Open');
    await context.close();
  });
});
