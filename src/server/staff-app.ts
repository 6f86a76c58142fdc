import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { html, renderPage } from './lib/html.js';
import { fromPackageRoot } from './lib/package-root.js';

/** Where `npm run build:web` (vite build) writes the staff app. */
export const STAFF_APP_DIR = fromPackageRoot('dist/web');
export const STAFF_APP_PREFIX = '/app/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

interface File {
  body: Buffer;
  type: string;
}

/** Every file of the build, read once: the build is small and immutable until the next deploy. */
function readBuild(dir: string): Map<string, File> {
  const files = new Map<string, File>();
  if (!fs.existsSync(dir)) return files;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, full).split(path.sep).join('/');
    files.set(rel, {
      body: fs.readFileSync(full),
      type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream',
    });
  }
  return files;
}

const notBuilt = () =>
  renderPage(
    'Not built',
    html`<h1>The staff app is not built</h1>
<p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it first), then reload.</p>`,
  );

/**
 * Serves the staff app under /app/: hashed assets with a long cache, and index.html (never cached)
 * for every other path, so that the client router owns /app/*.
 */
export function registerStaffApp(app: FastifyInstance, dir = STAFF_APP_DIR) {
  const files = readBuild(dir);
  const index = files.get('index.html');

  app.get('/app', { schema: { hide: true } }, async (_request, reply) => reply.redirect(STAFF_APP_PREFIX));

  app.get('/app/*', { schema: { hide: true } }, async (request, reply) => {
    const rel = (request.params as { '*': string })['*'];
    const asset = rel.startsWith('assets/') ? files.get(rel) : undefined;
    if (asset) {
      return reply
        .type(asset.type)
        .header('Cache-Control', 'public, max-age=31536000, immutable')
        .send(asset.body);
    }
    if (rel.startsWith('assets/')) {
      return reply
        .status(404)
        .send({ error: { code: 'NOT_FOUND', message: `No asset ${rel} in this build.` } });
    }
    reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8');
    return index ? reply.send(index.body) : reply.status(503).send(notBuilt());
  });
}
