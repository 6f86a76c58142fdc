import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { brandPalette } from '../../shared/brand-color.js';
import { fromPackageRoot } from './package-root.js';

export const STATIC_DIR = fromPackageRoot('src/web/static');

/** The customer pages' stylesheet and favicon, read once at start and served from memory (src/server/assets.ts). */
export const STYLESHEET = fs.readFileSync(path.join(STATIC_DIR, 'customer.css'));
export const FAVICON = fs.readFileSync(path.join(STATIC_DIR, 'favicon.svg'));

/** Named after its content: browsers keep it for a year and fetch it again only when it changes. */
export const STYLESHEET_PATH = `/assets/customer.${createHash('sha256').update(STYLESHEET).digest('hex').slice(0, 12)}.css`;

export const FAVICON_PATH = '/favicon.svg';

/**
 * The brand colours come as CSS custom properties in one tiny stylesheet per colour, rather than a
 * `<style>` in each page: it is cached for good (the colour is its name), needs no database read,
 * and keeps the pages free of inline CSS, so the CSP's style-src need not allow 'unsafe-inline' for them.
 */
export const brandStylesheetPath = (color: string) => `/assets/brand/${color.slice(1).toLowerCase()}.css`;

export function renderBrandStylesheet(color: string): string {
  const p = brandPalette(color);
  return `:root{--brand:${p.brand};--on-brand:${p.onBrand};--link-light:${p.linkLight};--link-dark:${p.linkDark}}\n`;
}
