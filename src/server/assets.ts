import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  FAVICON,
  FAVICON_PATH,
  renderBrandStylesheet,
  STATIC_DIR,
  STYLESHEET,
  STYLESHEET_PATH,
} from './lib/page-assets.js';

const altchaDir = path.dirname(fileURLToPath(import.meta.resolve('altcha')));

/** Scripts of the server-rendered public pages, read once at start and served from memory. */
const SCRIPTS: Record<string, string> = {
  '/assets/altcha.js': path.join(altchaDir, 'altcha.i18n.min.js'),
  '/assets/survey.js': path.join(STATIC_DIR, 'survey.js'),
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function registerAssets(app: FastifyInstance) {
  for (const [url, file] of Object.entries(SCRIPTS)) {
    const body = fs.readFileSync(file);
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(body),
    );
  }
  app.get(STYLESHEET_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', IMMUTABLE).send(STYLESHEET),
  );
  app.get(FAVICON_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply.type('image/svg+xml').header('Cache-Control', 'public, max-age=86400').send(FAVICON),
  );
  app.get<{ Params: { color: string } }>(
    '/assets/brand/:color.css',
    { schema: { hide: true, params: z.object({ color: z.string().regex(/^[0-9a-f]{6}$/) }) } },
    async (request, reply) =>
      reply
        .type('text/css; charset=utf-8')
        .header('Cache-Control', IMMUTABLE)
        .send(renderBrandStylesheet(`#${request.params.color}`)),
  );
}
