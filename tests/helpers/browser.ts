import fs from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { buildAccount, type Tenant } from './factories.js';
import { startSmtpServer } from './smtp.js';

const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless. `.ci/run` installs it; we never download a browser. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface BrowserApp {
  t: TestApp;
  tenant: Tenant;
  browser: Browser;
  /** Where the app listens, e.g. http://127.0.0.1:41234; the links in its mails point here. */
  base: string;
  smtp: Awaited<ReturnType<typeof startSmtpServer>>;
}

/**
 * What a browser test starts from: a real SMTP server, the app on a free port with its mail links
 * pointing at that port, an account (its owner signs in with 'owner-password') and Chromium. All of it
 * is closed after the file's tests.
 */
export async function startBrowserApp(
  account: { name?: string; projectKey?: string } = {},
): Promise<BrowserApp> {
  const smtp = await startSmtpServer();
  const t = await createTestApp({ smtpUrl: smtp.url });
  const tenant = await buildAccount(t, account);
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  t.ctx.config.publicUrl = base;
  const browser = await launchBrowser();
  afterAll(async () => {
    await browser.close();
    await smtp.close();
  });
  return { t, tenant, browser, base, smtp };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: string | undefined;

// The tests compile without the DOM library: what axe.min.js defines in the page.
declare const axe: { run: () => Promise<{ violations: Violation[] }> };

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core on the page as it is now; returns the serious and critical violations, readable
 * ("serious color-contrast: Elements must meet minimum color contrast ratio thresholds — #id, …").
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern: the page is
 * checked as customers get it, its CSP in force.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= fs.readFileSync(AXE, 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await axe.run()).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
