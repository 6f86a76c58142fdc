import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { fromPackageRoot } from './lib/package-root.js';

const altchaDir = path.dirname(fileURLToPath(import.meta.resolve('altcha')));
const staticDir = fromPackageRoot('src/web/static');

/** Scripts of the server-rendered public pages, read once at start and served from memory. */
const ASSETS: Record<string, string> = {
  '/assets/altcha.js': path.join(altchaDir, 'altcha.i18n.min.js'),
  '/assets/survey.js': path.join(staticDir, 'survey.js'),
};

export function registerAssets(app: FastifyInstance) {
  for (const [url, file] of Object.entries(ASSETS)) {
    const body = fs.readFileSync(file);
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(body),
    );
  }
}
