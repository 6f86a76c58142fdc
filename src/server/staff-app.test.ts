import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/app.js';
import { buildAccount } from '../../tests/helpers/factories.js';
import { registerStaffApp } from './staff-app.js';

// tests/web-build.ts (a Vitest global setup) builds dist/web before the tests when it is stale.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

const get = (url: string) => t.app.inject({ method: 'GET', url });

describe('serving the staff app', () => {
  it('answers every client route under /app/ with index.html, never cached', async () => {
    for (const url of ['/app/', '/app/p/0b0e0c8e-5d0b-4c55-9a3e-2d3b0c1f5e11/inbox', '/app/me/api-tokens']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root"></div>');
    }
    const bare = await get('/app');
    expect(bare.statusCode).toBe(302);
    expect(bare.headers.location).toBe('/app/');
  });

  it('loads only external same-origin scripts, as the CSP requires (no inline script)', async () => {
    const res = await get('/app/');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const scripts = [...res.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body?.trim()).toBe('');
      expect(attributes).toMatch(/src="\/app\/assets\/[\w-]+\.js"/);
    }
  });

  it('serves the hashed assets with a long cache, and 404 for an asset that is not in the build', async () => {
    const index = (await get('/app/')).body;
    const script = /src="(\/app\/assets\/[\w-]+\.js)"/.exec(index)?.[1] as string;
    const asset = await get(script);
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await get('/app/assets/nope-123.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('the web root shows the setup form until an account exists, then redirects to the app', async () => {
    const before = await get('/');
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('action="/setup"');
    await buildAccount(t);
    const after = await get('/');
    expect(after.statusCode).toBe(302);
    expect(after.headers.location).toBe('/app/');
  });

  it('says how to build the app when dist/web is missing, instead of a blank page', async () => {
    const app = Fastify();
    registerStaffApp(app, path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clearline-web-')), 'missing'));
    const res = await app.inject({ method: 'GET', url: '/app/p/x/inbox' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await app.close();
  });
});
