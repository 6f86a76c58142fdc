import type { FastifyReply } from 'fastify';
import { DEFAULT_BRAND_COLOR } from '../../shared/brand-color.js';
import { escapeHtml } from './markdown.js';
import { brandStylesheetPath, FAVICON_PATH, STYLESHEET_PATH } from './page-assets.js';

/** Tagged template for server-rendered pages: every interpolated value is escaped unless wrapped in raw(). */
export class RawHtml {
  constructor(readonly value: string) {}
}
export const raw = (value: string) => new RawHtml(value);

type Value = string | number | RawHtml | null | undefined | false | Value[];

const render = (v: Value): string => {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (v instanceof RawHtml) return v.value;
  return escapeHtml(String(v));
};

export function html(strings: TemplateStringsArray, ...values: Value[]): RawHtml {
  return raw(
    strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i] as Value) : ''), ''),
  );
}

/**
 * A whole page: escaped title, the customer stylesheet and the brand colours' (the account's, else
 * the default), the favicon, and external scripts only (the CSP allows no inline script).
 */
export function renderPage(
  title: string,
  body: RawHtml,
  options: { scripts?: string[]; lang?: string; brandColor?: string | null } = {},
): string {
  return html`<!doctype html>
<html lang="${options.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Clearline</title>
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<link rel="stylesheet" href="${brandStylesheetPath(options.brandColor ?? DEFAULT_BRAND_COLOR)}">
${(options.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
</head>
<body>
${body}
</body>
</html>`.value;
}

/** Sends a server-rendered page; pages behind secret links are never cached. */
export const sendHtml = (reply: FastifyReply, status: number, body: string) =>
  reply.status(status).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(body);
