import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

describe('the API describes itself', () => {
  it('serves an OpenAPI 3.1 document listing the core operations', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe('Clearline API');
    const operations: [string, string][] = [
      ['/api/health', 'get'],
      ['/api/v1/setup', 'post'],
      ['/api/v1/projects/{projectId}/tickets', 'post'],
      ['/api/v1/tickets/{ticketId}', 'get'],
      ['/api/v1/tickets/{ticketId}', 'patch'],
      ['/api/v1/tickets/{ticketId}/messages', 'post'],
    ];
    for (const [path, method] of operations) {
      expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    }
  });

  it('documents request bodies, path parameters and the error shape', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const create = doc.paths['/api/v1/projects/{projectId}/tickets'].post;
    expect(create.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'projectId', in: 'path', required: true })]),
    );
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['subject', 'body', 'requester']));
    expect(body.properties.body.maxLength).toBe(10_000);
    const notFound = doc.paths['/api/v1/tickets/{ticketId}'].get.responses['404'];
    const error = notFound.content['application/json'].schema;
    expect(error.properties.error.required).toEqual(expect.arrayContaining(['code', 'message']));
    // Internal pages are not part of the API.
    expect(doc.paths['/']).toBeUndefined();
    expect(doc.paths['/api/openapi.json']).toBeUndefined();
  });

  it('serves the API reference page with the scripts it loads', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const scripts = [...res.body.matchAll(/<script src="\.\/([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const asset = await t.app.inject({ method: 'GET', url: `/api/docs/${script}` });
      expect(asset.statusCode, script).toBe(200);
    }
  });
});

describe('health', () => {
  it('answers ok and says which database this run uses', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: inject('databaseMode') });
  });
});
