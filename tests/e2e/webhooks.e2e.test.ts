import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDeliveryJob } from '../../src/server/modules/delivery/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { buildAccount, buildTicket, type Tenant } from '../helpers/factories.js';
import { signIn } from './staff-helpers.js';

let t: TestApp;
let tenant: Tenant;
let browser: Browser;
let base: string;
const received: string[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    received.push(body);
    res.writeHead(200).end('thanks');
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t = await createTestApp({ webhooksAllowHttp: true, webhooksAllowPrivate: true });
  tenant = await buildAccount(t, { name: 'Acme Support', projectKey: 'ACME' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => receiver.close(r));
});

describe('webhooks in the staff app (account owner)', () => {
  it('registers an endpoint, shows its secret, its delivery log, and sends a delivery again with the same id', async () => {
    const { page } = await signIn(browser, base, tenant.owner.email, 'owner-password');
    await page.goto(`${base}/app/p/${tenant.projectId}/settings/webhooks`);
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await page.fill('#webhook-url', url);
    await page.click('button:has-text("Add endpoint")');
    await expect.poll(() => page.inputValue('#webhook-secret')).toMatch(/^whsec_/);

    await buildTicket(t, tenant);
    await t.runJobs(sendDeliveryJob);
    await page.reload();
    await page.click('button:has-text("Delivery log")');
    await expect.poll(() => page.locator('tbody tr').first().innerText()).toContain('200 in');
    expect(await page.locator('tbody tr').first().innerText()).toContain('thanks');

    await page.click('button:has-text("Send again")');
    await expect.poll(() => page.locator('[role=status]:has-text("Queued again.")').count()).toBe(1);
    await t.runJobs(sendDeliveryJob);
    expect(received).toHaveLength(2);
    expect(JSON.parse(received[1] as string).id).toBe(JSON.parse(received[0] as string).id);
  });
});
