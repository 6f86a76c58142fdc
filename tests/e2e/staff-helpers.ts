import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Signs in through the staff app's form and waits for the signed-in frame. */
export async function signIn(
  browser: Browser,
  base: string,
  email: string,
  password: string,
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(`${base}/app/`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.app-header');
  return { context, page };
}

/** The text of every ticket row, in order. */
export const ticketRefs = (page: Page) => page.locator('.ticket-list .ticket-ref').allInnerTexts();

/** Waits until the inbox shows exactly these references (it refetches after each filter change). */
export async function expectRefs(page: Page, refs: string[]) {
  await expect.poll(() => ticketRefs(page), { timeout: 10_000 }).toEqual(refs);
}

/** Navigation links of the main menu, by their names. */
export const mainNav = (page: Page) => page.locator('nav[aria-label="Main"] a').allInnerTexts();

/** The theme the page is painted in (the data-theme attribute on <html>). */
export const pageTheme = (page: Page) => page.locator('html').getAttribute('data-theme');

// The tests compile without the DOM library: the browser globals used in page functions.
declare function getComputedStyle(element: unknown): { getPropertyValue(name: string): string };
declare const document: { documentElement: { scrollWidth: number } };

/** How wide the page's content is: more than the viewport means it scrolls sideways. */
export const pageScrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** A computed CSS property of the element, e.g. its background colour. */
export const cssOf = (locator: Locator, property: string) =>
  locator.evaluate((el, name) => getComputedStyle(el).getPropertyValue(name), property);

/** Waits until the survey page's captcha widget has solved its challenge and filled the form field. */
export const waitForCaptcha = (page: Page) =>
  expect.poll(() => page.inputValue('input[name=altcha]'), { timeout: 30_000 }).not.toBe('');
