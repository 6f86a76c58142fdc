import type { FastifyReply } from 'fastify';
import { escapeHtml } from './markdown.js';

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

const BASE_STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; --accent: #2b59c3; }
  body { max-width: 34rem; margin: 2.5rem auto; padding: 0 1rem; line-height: 1.5; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input, textarea { width: 100%; padding: .5rem; font: inherit; box-sizing: border-box; }
  button { margin-top: 1.5rem; padding: .6rem 1.2rem; font: inherit; cursor: pointer; }
  .error { border: 1px solid #c00; padding: .5rem 1rem; border-radius: 4px; }
  .brand { display: flex; align-items: center; gap: .75rem; font-weight: 600; }
  .brand img { max-height: 40px; max-width: 160px; }
  .muted { opacity: .75; }
`;

/** A whole page: escaped title, a shared stylesheet, extra CSS and external scripts only (the CSP allows no inline script). */
export function renderPage(
  title: string,
  body: RawHtml,
  options: { style?: string; scripts?: string[]; lang?: string } = {},
): string {
  return html`<!doctype html>
<html lang="${options.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Clearline</title>
<style>${raw(BASE_STYLE + (options.style ?? ''))}</style>
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
