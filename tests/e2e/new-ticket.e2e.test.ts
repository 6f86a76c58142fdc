import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDeliveryJob } from '../../src/server/modules/delivery/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { buildAccount, buildTicket, type Tenant } from '../helpers/factories.js';
import { portalLinkOf } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { signIn } from './staff-helpers.js';

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let base: string;
let page: Page;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t, { name: 'Acme Support', projectKey: 'ACME' });
  await buildTicket(t, tenant, { requester: { email: 'dana.known@example.com', name: 'Dana Known' } });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
  page = (await signIn(browser, base, tenant.owner.email, 'owner-password')).page;
});

afterAll(async () => {
  await browser?.close();
  await smtp?.close();
});

type Summary = { id: string; reference: string; subject: string; requester: { email: string } };
const listTickets = async () =>
  (
    await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${tenant.projectId}/tickets`,
      headers: tenant.owner.headers,
    })
  ).json().tickets as Summary[];

describe('a new ticket from the staff app', () => {
  it('for a customer found by search, with a file and an assignee: it opens, is in the inbox, and the requester gets the acknowledgement', async () => {
    await page.goto(`${base}/app/p/${tenant.projectId}/inbox`);
    await page.click('a:has-text("New ticket")');
    await page.fill('#new-ticket-search', 'dana');
    await page.click('ul[aria-label="Matching customers"] button:has-text("Dana Known")');
    expect(await page.inputValue('#new-ticket-email')).toBe('dana.known@example.com');
    expect(await page.inputValue('#new-ticket-name')).toBe('Dana Known');
    await page.fill('#new-ticket-subject', 'Printer jams on page two');
    await page.fill('#new-ticket-body', 'Called in: it jams **every** time.');
    await page.setInputFiles('#new-ticket-files', {
      name: 'jam.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('paper path log'),
    });
    await page.selectOption('#new-ticket-priority', 'high');
    await page.selectOption('#new-ticket-assignee', { label: 'Olive Owner' });
    expect(await page.isChecked('#new-ticket-notify')).toBe(true);
    await page.click('button:has-text("Create ticket")');
    await page.waitForURL(/\/app\/p\/[^/]+\/tickets\/[0-9a-f-]{36}$/);
    await page.waitForSelector('text=Printer jams on page two');
    const ticketId = page.url().split('/').at(-1) as string;

    const view = (
      await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: tenant.owner.headers })
    ).json();
    expect(view).toMatchObject({
      subject: 'Printer jams on page two',
      priority: 'high',
      requester: { email: 'dana.known@example.com', name: 'Dana Known' },
      assignee: { id: tenant.owner.userId },
    });
    expect(view.thread[0].attachments.map((a: { filename: string }) => a.filename)).toEqual(['jam.txt']);

    await page.click('a:has-text("Inbox")');
    await page.waitForSelector(`.ticket-list :text("Printer jams on page two")`);

    await t.runJobs(sendDeliveryJob);
    const [mail, ...more] = smtp.to('dana.known@example.com');
    expect(more).toHaveLength(0);
    expect(mail?.parsed.subject).toBe(`[${view.reference}] Printer jams on page two`);
    expect(mail?.parsed.text).toContain(portalLinkOf(t, ticketId));
  });

  it('for a new address typed in, with "notify the requester" off: the ticket is in the inbox and no mail goes', async () => {
    await page.goto(`${base}/app/p/${tenant.projectId}/new-ticket`);
    await page.fill('#new-ticket-search', 'nobody-yet');
    await page.waitForSelector('text=No customer of this project matches');
    await page.fill('#new-ticket-email', 'fresh.face@example.com');
    await page.fill('#new-ticket-name', 'Fresh Face');
    await page.fill('#new-ticket-subject', 'Walk-in question');
    await page.fill('#new-ticket-body', 'Asked at the desk.');
    await page.uncheck('#new-ticket-notify');
    await page.click('button:has-text("Create ticket")');
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    await page.waitForSelector('text=Walk-in question');
    expect((await listTickets()).find((x) => x.subject === 'Walk-in question')?.requester.email).toBe(
      'fresh.face@example.com',
    );
    await t.runJobs(sendDeliveryJob);
    expect(smtp.to('fresh.face@example.com')).toHaveLength(0);
  });
});
