import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { NUL_MESSAGE } from '../src/server/lib/http.js';
import { encodeCursor } from '../src/server/lib/pagination.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from './helpers/factories.js';
import { portalLinkOf, postForm, signInCustomer, solveCaptcha, surveyLinkOf } from './helpers/portal.js';

/** Regression tests for the classes of 500 that fuzzing found (issue 8, points 6–9). */

let t: TestApp;
let tenant: Tenant;
let requester: string;
let openTicket: { id: string; portal: string };
let resolvedTicket: { id: string; portal: string; survey: string; surveyId: string };
let customer: { cookie: string };

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { projectKey: 'BAD' });
  requester = 'casey-bad-input@example.com';
  const who = { requester: { email: requester, name: 'Casey' } };
  const open = await buildTicket(t, tenant, who);
  const resolved = await buildTicket(t, tenant, who);
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${resolved.id}`,
    headers: tenant.owner.headers,
    payload: { status: 'resolved' },
  });
  expect(res.statusCode, res.body).toBe(200);
  const survey = await surveyLinkOf(t, resolved.id);
  openTicket = { id: open.id, portal: portalLinkOf(t, open.id) };
  resolvedTicket = { id: resolved.id, portal: portalLinkOf(t, resolved.id), survey: survey.path, ...survey };
  customer = await signInCustomer(t, tenant.accountId, requester);
});

/** Everything a refused request could have half-written. */
async function snapshot() {
  const result = await t.db.execute(sql`SELECT
    (SELECT count(*) FROM tickets)::int AS tickets,
    (SELECT count(*) FROM messages)::int AS messages,
    (SELECT count(*) FROM customers)::int AS customers,
    (SELECT count(*) FROM customer_sign_in_tokens)::int AS sign_in_links,
    (SELECT count(*) FROM csat_surveys WHERE submitted_at IS NOT NULL)::int AS answers,
    (SELECT count(*) FROM audit_events)::int AS audit_events,
    (SELECT string_agg(name, ',' ORDER BY id) FROM roles)::text AS roles,
    (SELECT string_agg(name || timezone, ',' ORDER BY id) FROM accounts)::text AS accounts`);
  return result.rows[0];
}

type Res = { statusCode: number; body: string; json: () => unknown };

/** A 400 VALIDATION_ERROR whose details name `field`; returns the message. */
function expectRefused(res: Res, field: string) {
  expect(res.statusCode, res.body).toBe(400);
  const { error } = res.json() as { error: { code: string; message: string; details: { field: string }[] } };
  expect(error.code).toBe('VALIDATION_ERROR');
  expect(error.details.map((d) => d.field)).toContain(field);
  return error.message;
}

const json = (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: object, headers: object = {}) =>
  t.app.inject({ method, url, payload, headers: { ...tenant.owner.headers, ...headers } });
const publicJson = (url: string, payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });
const staffGet = (url: string) => t.app.inject({ method: 'GET', url, headers: tenant.owner.headers });
/** A raw form body, so that a field can be repeated. */
const rawForm = (url: string, body: string, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url,
    payload: body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

describe('form bodies go through the same schemas as JSON bodies', () => {
  it('a repeated form field is a 400 naming the field, on sign-in, survey form, portal survey and reply', async () => {
    const before = await snapshot();
    const cases: [string, string, string, Record<string, string>?][] = [
      [`/portal/${tenant.accountId}/sign-in`, `email=${requester}&email=b%40example.com`, 'email'],
      [resolvedTicket.survey, 'rating=4&comment=a&comment=b', 'comment'],
      [`${resolvedTicket.portal}/survey`, 'rating=4&rating=5', 'rating'],
      [`${openTicket.portal}/reply`, 'body=a&body=b', 'body'],
      [`/portal/${tenant.accountId}/tickets/${openTicket.id}/reply`, 'body=a&body=b', 'body', customer],
      [`/portal/${tenant.accountId}/tickets`, 'subject=a&subject=b&body=c', 'subject', customer],
      [`/portal/${tenant.accountId}/new`, 'name=a&email=a%40example.com&email=b%40example.com', 'email'],
    ];
    for (const [url, body, field, headers] of cases) {
      const message = expectRefused(await rawForm(url, body, headers), field);
      expect(message).toContain(`"${field}"`);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a non-string JSON value where a string is expected is a 400, on the pages and the API alike', async () => {
    const before = await snapshot();
    // The HTML forms answer with their page and the schema's words; the API with the error shape.
    const pages: [string, object, string, Record<string, string>?][] = [
      [`/portal/${tenant.accountId}/sign-in`, { email: ['casey@example.com'] }, 'Enter the email address'],
      [resolvedTicket.survey, { rating: 4, comment: { text: 'hi' } }, 'expected string'],
      [`${resolvedTicket.portal}/survey`, { rating: '4', comment: 5 }, 'expected string'],
      [`${openTicket.portal}/reply`, { body: 42 }, 'Write a reply first.'],
      [
        `/portal/${tenant.accountId}/tickets`,
        { projectId: tenant.projectId, subject: ['a'], body: 'b' },
        'Give your ticket a subject.',
        customer,
      ],
      [`/portal/${tenant.accountId}/new`, { name: ['Casey'], email: 'c@example.com' }, 'Enter your name.'],
    ];
    for (const [url, payload, words, headers] of pages) {
      const res = await publicJson(url, payload, headers);
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(400);
      expect(res.body).toContain(words);
    }
    const api: [string, object, string][] = [
      [`/api/v1/portal/accounts/${tenant.accountId}/sign-in`, { email: 7 }, 'email'],
      [`/api/v1/surveys/${resolvedTicket.survey.slice(3)}`, { rating: 4, comment: ['a'] }, 'comment'],
      [`/api/v1/portal/${resolvedTicket.portal.slice(3)}/survey`, { rating: 4, altcha: 1 }, 'altcha'],
      [`/api/v1/portal/${openTicket.portal.slice(3)}/messages`, { body: { x: 1 } }, 'body'],
    ];
    for (const [url, payload, field] of api) expectRefused(await publicJson(url, payload), field);
    expect(await snapshot()).toEqual(before);
  });
});

describe('NUL characters are refused at the schema, naming the field', () => {
  const nul = 'a\u0000b';

  it('a NUL byte in any text field is refused with the field name', async () => {
    const before = await snapshot();
    const project = `/api/v1/projects/${tenant.projectId}`;
    const ticket = `/api/v1/tickets/${openTicket.id}`;
    const newTicket = { subject: 'Hi', body: 'Hello', requester: { email: 'nul@example.com', name: 'N' } };
    const bodies: [ReturnType<typeof json>, string][] = [
      [json('POST', `${project}/tickets`, { ...newTicket, subject: nul }), 'subject'],
      [json('POST', `${project}/tickets`, { ...newTicket, body: nul }), 'body'],
      [
        json('POST', `${project}/tickets`, {
          ...newTicket,
          requester: { email: 'n@example.com', name: nul },
        }),
        'requester.name',
      ],
      [json('POST', `${project}/tickets`, { ...newTicket, tags: ['ok', nul] }), 'tags.1'],
      [json('POST', `${ticket}/messages`, { body: nul }), 'body'],
      [json('PATCH', ticket, { subject: nul }), 'subject'],
      [json('PATCH', '/api/v1/account', { name: nul }), 'name'],
      [json('PATCH', project, { name: nul }), 'name'],
      [json('POST', `${project}/roles`, { name: nul, permissions: [] }), 'name'],
      [json('POST', '/api/v1/me/api-tokens', { name: nul }), 'name'],
      [
        json('PUT', `${project}/csat/settings`, { enabled: true, expiryDays: 7, invitationText: nul }),
        'invitationText',
      ],
    ];
    for (const [res, field] of bodies) expect(expectRefused(await res, field)).toContain(NUL_MESSAGE);

    const queries: [string, string][] = [
      [`${project}/tickets?q=${encodeURIComponent(nul)}`, 'q'],
      [`${project}/tickets?requester=${encodeURIComponent(nul)}`, 'requester'],
      [`${project}/tickets?tag=${encodeURIComponent(nul)}`, 'tag'],
      [`${project}/csat/reviews?q=${encodeURIComponent(nul)}`, 'q'],
    ];
    for (const [url, field] of queries) expectRefused(await staffGet(url), field);
    expect(await snapshot()).toEqual(before);
  });

  it('a NUL byte in a customer form is refused on the page, and nothing is written', async () => {
    const before = await snapshot();
    const portalApi = `/api/v1/portal/${openTicket.portal.slice(3)}`;
    expectRefused(
      await publicJson(`${portalApi}/messages`, { body: nul, altcha: await solveCaptcha(t) }),
      'body',
    );
    const surveyApi = `/api/v1/surveys/${resolvedTicket.survey.slice(3)}`;
    const answer = { rating: 4, comment: nul, altcha: await solveCaptcha(t) };
    expectRefused(await publicJson(surveyApi, answer), 'comment');

    const forms: [string, Record<string, string>, Record<string, string>?][] = [
      [`${openTicket.portal}/reply`, { body: nul }],
      [`${resolvedTicket.portal}/survey`, { rating: '4', comment: nul }],
      [resolvedTicket.survey, { rating: '4', comment: nul }],
      [
        `/portal/${tenant.accountId}/tickets`,
        { projectId: tenant.projectId, subject: nul, body: 'b' },
        customer,
      ],
    ];
    for (const [url, fields, headers] of forms) {
      const res = await postForm(t, url, { ...fields, altcha: await solveCaptcha(t) }, headers);
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(400);
      expect(res.body).toContain('Remove the NUL character (U+0000)');
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('values past what the database holds are a 400 naming the field', () => {
  it('a cursor past 2^31 or an impossible timestamp is a 400', async () => {
    const id = '8f8e9c7e-2b1a-4c3d-9e8f-1a2b3c4d5e6f';
    const pages: [string, unknown][] = [
      [`/api/v1/projects/${tenant.projectId}/tickets`, { n: 2 ** 31 }],
      [`/api/v1/projects/${tenant.projectId}/tickets`, { n: -(2 ** 53) }],
      [`/api/v1/projects/${tenant.projectId}/csat/reviews`, { at: '2024-13-45T25:61:61.000000Z', id }],
      [`/api/v1/me/notifications`, { r: false, t: '2024-02-30T00:00:00.000Z', id }],
      [`/api/v1/me/notifications`, { r: true, t: '0000-01-01T00:00:00.000Z', id }],
      [`/api/v1/outgoing-mail`, { t: '2024-02-30T10:00:00.000Z', id }],
    ];
    for (const [url, cursor] of pages)
      expectRefused(await staffGet(`${url}?cursor=${encodeCursor(cursor)}`), 'cursor');
  });

  it('an analytics date of 9999-12-31 is a 400', async () => {
    for (const view of ['overview', 'agents', 'reviews', 'reviews.csv']) {
      const url = `/api/v1/projects/${tenant.projectId}/csat/${view}`;
      expectRefused(await staffGet(`${url}?from=9999-12-01&to=9999-12-31`), 'to');
      expectRefused(await staffGet(`${url}?from=9999-12-31&to=9999-12-31`), 'from');
    }
    const edge = await staffGet(
      `/api/v1/projects/${tenant.projectId}/csat/overview?from=2999-12-01&to=2999-12-31`,
    );
    expect(edge.statusCode, edge.body).toBe(200);
  });

  it('PATCH /api/v1/account {} is a 400 saying nothing was given', async () => {
    const before = await snapshot();
    const message = expectRefused(await json('PATCH', '/api/v1/account', {}), 'body');
    expect(message).toContain(
      'Nothing to change: give at least one of name, timezone, defaultLanguage, brandColor.',
    );
    const roles = await staffGet(`/api/v1/projects/${tenant.projectId}/roles`);
    const roleId = (roles.json() as { roles: { id: string; kind: string }[] }).roles.find(
      (r) => r.kind === 'staff',
    )?.id;
    const role = await json('PATCH', `/api/v1/projects/${tenant.projectId}/roles/${roleId}`, {});
    expect(expectRefused(role, 'body')).toContain('Nothing to change');
    expect(await snapshot()).toEqual(before);
  });
});

describe('notices are looked up as own properties', () => {
  it('?done=toString/constructor/__proto__ prints no JavaScript internals', async () => {
    const pages = [
      { url: openTicket.portal, headers: {} },
      { url: `/portal/${tenant.accountId}/tickets/${openTicket.id}`, headers: customer },
      { url: `/portal/${tenant.accountId}`, headers: customer },
    ];
    for (const page of pages) {
      for (const done of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
        const res = await t.app.inject({
          method: 'GET',
          url: `${page.url}?done=${done}`,
          headers: page.headers,
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
        expect(res.body).not.toContain('id="notice"');
        expect(res.body).not.toMatch(/native code|function |\[object /);
      }
      const known = await t.app.inject({
        method: 'GET',
        url: `${page.url}?done=reply`,
        headers: page.headers,
      });
      expect(known.body).toContain('id="notice"');
    }
  });
});
