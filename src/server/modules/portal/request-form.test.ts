import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildProject, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { englishIn } from '../../../../tests/helpers/i18n.js';
import { multipart } from '../../../../tests/helpers/multipart.js';
import { postForm, signInCustomer, solveCaptcha } from '../../../../tests/helpers/portal.js';
import { LANGUAGES } from '../../../shared/i18n/index.js';
import { attachmentStorage, listAttachments, openAttachment } from '../attachments/index.js';

let t: TestApp;
/** One project: its form may leave `project` out. */
let single: Tenant;
/** Two projects: the form must name one. */
let multi: Tenant;
let billingId: string;
let other: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  single = await buildAccount(t, { name: 'Acme <Support>', projectKey: 'ACME' });
  multi = await buildAccount(t, { name: 'Multi', projectKey: 'MUL' });
  other = await buildAccount(t, { name: 'Other', projectKey: 'OTH' });
  billingId = await buildProject(t, multi, { name: 'Billing', key: 'BILL' });
});

const address = () => `pat-${randomBytes(4).toString('hex')}@example.com`;
const clientAddress = () =>
  `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${((randomBytes(1)[0] ?? 0) % 250) + 1}`;
const formUrl = (tenant: Tenant, project?: string) =>
  `/portal/${tenant.accountId}/new${project ? `?project=${project}` : ''}`;
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });

async function fields(overrides: Record<string, string> = {}) {
  return {
    name: 'Pat Public',
    email: address(),
    subject: 'Printer on fire',
    body: 'It is **really** on fire.',
    altcha: await solveCaptcha(t),
    ...overrides,
  };
}

const api = (tenant: Tenant, payload: object, headers: Record<string, string> = {}, ip = clientAddress()) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/portal/accounts/${tenant.accountId}/requests`,
    payload,
    headers,
    remoteAddress: ip,
  });

type FiledTicket = {
  id: string;
  project_id: string;
  subject: string;
  customer_name: string;
  customer_email: string;
  language: string | null;
  body: string;
};

const ticketsOf = async (email: string) =>
  (
    await t.db.execute<FiledTicket>(sql`
      SELECT t.id, t.project_id, t.subject, c.name AS customer_name, c.email AS customer_email, c.language,
        (SELECT m.body FROM messages m WHERE m.ticket_id = t.id ORDER BY m.seq LIMIT 1) AS body
      FROM tickets t JOIN customers c ON c.id = t.requester_id
      WHERE lower(c.email) = lower(${email}) ORDER BY t.created_at, t.number`)
  ).rows;

/** Everything a refused request could have half-written. */
const snapshot = async () =>
  (
    await t.db.execute(sql`SELECT
      (SELECT count(*) FROM tickets)::int AS tickets,
      (SELECT count(*) FROM messages)::int AS messages,
      (SELECT count(*) FROM customers)::int AS customers,
      (SELECT count(*) FROM audit_events)::int AS audit_events,
      (SELECT count(*) FROM attachments)::int AS attachments,
      (SELECT count(*) FROM captcha_uses)::int AS captchas`)
  ).rows[0];

describe('the public request form page', () => {
  it('is served for the only project without naming it, escaped, with every field, the honeypot and the captcha', async () => {
    const res = await get(formUrl(single));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body).toContain('Acme &lt;Support&gt;');
    expect(res.body).not.toContain('Acme <Support>');
    for (const name of ['name', 'email', 'subject', 'body', 'website', 'altcha']) {
      expect(res.body).toContain(`name="${name}"`);
    }
    expect(res.body).toContain(`action="/portal/${single.accountId}/new?project=${single.projectId}"`);
  });

  it("answers 404 for another account's project, an unknown one, junk, an unnamed one of several, and no account", async () => {
    const missing = [
      formUrl(single, other.projectId),
      formUrl(single, billingId),
      formUrl(single, '00000000-0000-4000-8000-000000000000'),
      formUrl(single, 'not-a-uuid'),
      formUrl(multi),
      `/portal/00000000-0000-4000-8000-000000000000/new`,
    ];
    for (const url of missing) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('This form does not exist');
    }
    expect((await get(formUrl(multi, billingId))).statusCode).toBe(200);
  });

  it('is linked from the portal home, once per project', async () => {
    const email = address();
    await buildTicket(t, multi, { requester: { email, name: 'Casey' } });
    const session = await signInCustomer(t, multi.accountId, email);
    const home = await get(`/portal/${multi.accountId}`, { cookie: session.cookie });
    expect(home.body).toContain(`href="/portal/${multi.accountId}/new?project=${multi.projectId}"`);
    expect(home.body).toContain(`href="/portal/${multi.accountId}/new?project=${billingId}"`);
    // Signed out, the portal's page links to the form of an account's only project.
    const signIn = await get(`/portal/${single.accountId}`);
    expect(signIn.body).toContain(`href="/portal/${single.accountId}/new?project=${single.projectId}"`);
    expect((await get(`/portal/${multi.accountId}`)).body).not.toContain('/new?project=');
  });
});

describe('sending a request', () => {
  it('creates the customer and the ticket in the named project, and thanks without handing out the ticket', async () => {
    const sent = await fields();
    const res = await postForm(t, formUrl(multi, billingId), sent, { 'accept-language': 'fr-CA, en;q=0.5' });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/portal/${multi.accountId}/new?project=${billingId}&sent=1`);
    const [ticket, ...more] = await ticketsOf(sent.email);
    expect(more).toEqual([]);
    expect(ticket).toMatchObject({
      project_id: billingId,
      subject: 'Printer on fire',
      customer_name: 'Pat Public',
      customer_email: sent.email,
      body: 'It is **really** on fire.',
      // The form's language is the new customer's: their mails follow it.
      language: 'fr',
    });

    const thanks = await get(res.headers.location as string, { 'accept-language': 'fr' });
    expect(thanks.statusCode).toBe(200);
    expect(thanks.body).toContain('id="request-sent"');
    expect(thanks.body).not.toContain('/p/');
    expect(thanks.body).not.toContain(ticket?.id);
  });

  it('says a mail is on its way only while the project sends acknowledgements', async () => {
    const put = (acknowledge: boolean) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/projects/${single.projectId}/inbound/settings`,
        headers: single.owner.headers,
        payload: { address: null, newTicketsPerSenderHour: 20, acknowledge },
      });
    const thanks = () => get(`${formUrl(single, single.projectId)}&sent=1`);
    expect((await thanks()).body).toContain('A mail with the link to it is on its way to you');
    expect((await put(false)).statusCode).toBe(200);
    try {
      const body = (await thanks()).body;
      expect(body).toContain('We received your request and will answer you by email.');
      expect(body).not.toContain('on its way');
    } finally {
      expect((await put(true)).statusCode).toBe(200);
    }
  });

  it('files a request for a known address under that customer, whose name stays theirs', async () => {
    const email = address();
    await buildTicket(t, single, { requester: { email, name: 'Real Owner' } });
    const res = await api(single, await fields({ email: email.toUpperCase(), name: 'Someone Else' }));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.body).not.toContain('/p/');
    const tickets = await ticketsOf(email);
    expect(tickets).toHaveLength(2);
    expect(tickets.map((x) => [x.customer_name, x.customer_email])).toEqual([
      ['Real Owner', email],
      ['Real Owner', email],
    ]);
  });

  it("refuses another account's project through the API with 404, writing nothing", async () => {
    const before = await snapshot();
    const res = await api(single, { ...(await fields()), projectId: other.projectId });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    const unnamed = await api(multi, await fields());
    expect(unnamed.statusCode).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});

describe('refused requests write nothing', () => {
  it('says what is wrong, in the page and in the API, for each field', async () => {
    const before = await snapshot();
    const cases: [Record<string, string>, string, string][] = [
      [{ name: '  ' }, 'name', 'Enter your name.'],
      [{ email: 'not-an-address' }, 'email', 'Enter a valid email address.'],
      [{ subject: '' }, 'subject', 'Give your request a subject (at most 300 characters).'],
      [{ body: 'x'.repeat(10_001) }, 'body', 'Write your message (at most 10,000 characters).'],
    ];
    for (const [spoilt, field, words] of cases) {
      const typed = await fields(spoilt);
      const page = await postForm(t, formUrl(single), typed);
      expect(page.statusCode, field).toBe(400);
      expect(page.body).toContain(words);
      // What was typed is shown again.
      expect(page.body).toContain(`value="${typed.email}"`);
      const res = await api(single, await fields(spoilt));
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_ERROR' });
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    // A NUL, which no browser types, keeps the schema's own words.
    const nul = await postForm(t, formUrl(single), await fields({ subject: 'a\u0000b' }));
    expect(nul.statusCode).toBe(400);
    expect(nul.body).toContain('Remove the NUL character');
    expect(await snapshot()).toEqual(before);
  });

  it('requires a solved captcha, once', async () => {
    const before = await snapshot();
    const page = await postForm(t, formUrl(single), await fields({ altcha: '' }));
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Solve the captcha, then send the form again.');
    const missing = await api(single, { ...(await fields()), altcha: undefined });
    expect(missing.json().error.code).toBe('CAPTCHA_REQUIRED');
    expect(await snapshot()).toEqual(before);

    const used = await fields();
    expect((await api(single, used)).statusCode).toBe(202);
    const again = await api(single, { ...used, email: address() });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('CAPTCHA_INVALID');
    expect(await ticketsOf(used.email)).toHaveLength(1);
  });

  it('answers a filled honeypot exactly like a success, and writes nothing', async () => {
    const before = await snapshot();
    const bot = await fields({ website: 'http://spam.example' });
    const page = await postForm(t, formUrl(single), bot);
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`/portal/${single.accountId}/new?project=${single.projectId}&sent=1`);
    const res = await api(single, await fields({ website: 'x' }));
    const real = await api(single, await fields());
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe(real.body);
    const after = (await snapshot()) as Record<string, number>;
    // Only the real request wrote (its ticket, message, customer, audit event and captcha).
    expect(after).toEqual(
      Object.fromEntries(
        Object.entries(before as Record<string, number>).map(([k, v]) => [
          k,
          k === 'attachments' ? v : v + 1,
        ]),
      ),
    );
  });
});

describe('rate limits', () => {
  it('stops one client address after 10 requests in 10 minutes (page and API together), with RATE_LIMITED', async () => {
    const ip = '10.250.0.1';
    for (let i = 0; i < 5; i++) {
      expect((await postForm(t, formUrl(single), await fields(), {}, ip)).statusCode).toBe(303);
      expect((await api(single, await fields(), {}, ip)).statusCode).toBe(202);
    }
    const before = await snapshot();
    const refused = await api(single, await fields(), {}, ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('RATE_LIMITED');
    const page = await postForm(t, formUrl(single), await fields(), { 'accept-language': 'de' }, ip);
    expect(page.statusCode).toBe(429);
    expect(page.body).toContain('Von hier oder für diese Adresse kamen zu viele Anfragen.');
    expect(await snapshot()).toEqual(before);
    expect((await api(single, await fields(), {}, '10.250.0.2')).statusCode).toBe(202);
  });

  it('stops one email address after 5 requests in an hour, from any number of clients', async () => {
    const email = address();
    for (let i = 0; i < 5; i++) expect((await api(single, await fields({ email }))).statusCode).toBe(202);
    const refused = await api(single, await fields({ email: email.toUpperCase() }));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('RATE_LIMITED');
    expect(await ticketsOf(email)).toHaveLength(5);
    // Requests without a solved captcha do not use up someone's address.
    const victim = address();
    for (let i = 0; i < 6; i++) await api(single, await fields({ email: victim, altcha: 'bogus' }));
    expect((await api(single, await fields({ email: victim }))).statusCode).toBe(202);
  });
});

describe('a signed-in customer', () => {
  it('gets name and email prefilled and fixed, and writes as themselves whatever the form says', async () => {
    const email = address();
    await buildTicket(t, single, { requester: { email, name: 'Sam Signed' } });
    const session = await signInCustomer(t, single.accountId, email);
    const page = await get(formUrl(single), { cookie: session.cookie });
    expect(page.body).toMatch(new RegExp(`name="email"[^>]*value="${email}" readonly`));
    expect(page.body).toMatch(/name="name"[^>]*value="Sam Signed" readonly/);

    const stranger = address();
    const res = await postForm(t, formUrl(single), await fields({ email: stranger, name: 'Mallory' }), {
      cookie: session.cookie,
      origin: 'http://localhost',
      host: 'localhost',
    });
    expect(res.statusCode, res.body).toBe(303);
    expect(await ticketsOf(stranger)).toEqual([]);
    expect(await ticketsOf(email)).toHaveLength(2);
    const thanks = await get(res.headers.location as string, { cookie: session.cookie });
    expect(thanks.body).toContain(`href="/portal/${single.accountId}" id="portal-home"`);
  });
});

describe('languages', () => {
  for (const language of LANGUAGES.filter((l) => l !== 'en')) {
    it(`${language}: the browser's language is the page's, refusals included, and the switcher keeps a choice`, async () => {
      const page = await get(formUrl(single), { 'accept-language': language });
      expect(page.body).toContain(`<html lang="${language}">`);
      expect(englishIn(page.body)).toEqual([]);
      const refused = await postForm(t, formUrl(single), await fields({ subject: '' }), {
        'accept-language': language,
      });
      expect(refused.statusCode).toBe(400);
      expect(englishIn(refused.body)).toEqual([]);
      const thanks = await get(`${formUrl(single, single.projectId)}&sent=1`, {
        'accept-language': language,
      });
      expect(englishIn(thanks.body)).toEqual([]);

      const switched = await postForm(
        t,
        `/portal/${single.accountId}/new/language?project=${single.projectId}`,
        {
          language: 'en',
        },
      );
      expect(switched.statusCode).toBe(303);
      expect(switched.headers.location).toBe(formUrl(single, single.projectId));
      const cookie = switched.cookies.find((c) => c.name === 'clearline_language');
      const english = await get(formUrl(single), {
        'accept-language': language,
        cookie: `clearline_language=${cookie?.value}`,
      });
      expect(english.body).toContain('<html lang="en">');
    });
  }

  it('in English the page carries the English catalogue (the leftover check can fail)', async () => {
    const page = await get(formUrl(single));
    expect(englishIn(page.body)).toEqual(expect.arrayContaining(['How can we help?', 'Send request']));
  });
});

/** The form as a browser sends it with files: multipart, text fields first; an empty file input sends a nameless part. */
function multipartForm(
  app: TestApp,
  url: string,
  values: Record<string, string>,
  files: { name: string; type: string; bytes: Buffer }[],
  headers: Record<string, string> = {},
) {
  const parts = files.length
    ? files.map((f) => ({ filename: f.name, contentType: f.type, content: f.bytes, name: 'attachments' }))
    : [
        {
          filename: '',
          contentType: 'application/octet-stream',
          content: Buffer.alloc(0),
          name: 'attachments',
        },
      ];
  const body = multipart(values, parts);
  return app.app.inject({
    method: 'POST',
    url,
    payload: body.payload,
    headers: { ...body.headers, ...headers },
    remoteAddress: clientAddress(),
  });
}

async function readAll(stream: NodeJS.ReadableStream) {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('attachments on the form', () => {
  it("stores the files as the request's first message's attachments, byte for byte", async () => {
    const sent = await fields();
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(300_000)]);
    const res = await multipartForm(t, formUrl(single), sent, [
      { name: 'invoice.pdf', type: 'application/pdf', bytes: pdf },
      { name: '../../etc/notes.txt', type: 'text/plain', bytes: Buffer.from('see attached') },
    ]);
    expect(res.statusCode, res.body).toBe(303);
    const [ticket] = await ticketsOf(sent.email);
    const message = (
      await t.db.execute<{ id: string }>(sql`SELECT id FROM messages WHERE ticket_id = ${ticket?.id}`)
    ).rows;
    expect(message).toHaveLength(1);
    const stored = await listAttachments(t.db, [message[0]?.id as string]);
    expect(stored.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['invoice.pdf', 'application/pdf', pdf.length],
      ['notes.txt', 'text/plain', 12],
    ]);
    const [first] = stored;
    if (!first) throw new Error('no attachment stored');
    const bytes = await readAll(openAttachment(t.db, attachmentStorage(t.ctx.config), first));
    expect(bytes.equals(pdf)).toBe(true);
  });

  it('takes a file part without a name (an empty file input) as no file', async () => {
    const sent = await fields();
    const before = await snapshot();
    const res = await multipartForm(t, formUrl(single), sent, []);
    expect(res.statusCode, res.body).toBe(303);
    // Node's FormData leaves the filename out of such a part altogether.
    const form = new FormData();
    const other = await fields();
    for (const [name, value] of Object.entries(other)) form.append(name, value);
    form.append('attachments', new Blob([]), '');
    const api = await t.app.inject({
      method: 'POST',
      url: `/api/v1/portal/accounts/${single.accountId}/requests`,
      payload: form,
      remoteAddress: clientAddress(),
    });
    expect(api.statusCode, api.body).toBe(202);
    expect(await ticketsOf(sent.email)).toHaveLength(1);
    expect(await ticketsOf(other.email)).toHaveLength(1);
    expect((await snapshot())?.attachments).toBe(before?.attachments);
  });

  it('refuses a file past the limit, or files past the per-request limit, with 413 and writes nothing', async () => {
    const small = await createTestApp({ attachmentMaxBytes: 1000, attachmentMessageMaxBytes: 1500 });
    const tenant = await buildAccount(small, { projectKey: 'SMALL' });
    const url = formUrl(tenant);
    const count = async () =>
      (
        await small.db.execute<{ n: number }>(sql`SELECT
          (SELECT count(*) FROM tickets)::int + (SELECT count(*) FROM attachments)::int
          + (SELECT count(*) FROM customers)::int + (SELECT count(*) FROM captcha_uses)::int AS n`)
      ).rows[0]?.n;
    const values = async () => ({ ...(await fields()), altcha: await solveCaptcha(small) });
    const file = (n: number) => ({
      name: `f${n}.bin`,
      type: 'application/octet-stream',
      bytes: randomBytes(n),
    });

    const tooBig = await multipartForm(small, url, await values(), [file(1001)], { 'accept-language': 'nl' });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.body).toContain('De bijlagen zijn te groot');
    // What was typed comes back with the refusal.
    expect(tooBig.body).toContain('Printer on fire');
    const together = await multipartForm(small, url, await values(), [file(800), file(800)]);
    expect(together.statusCode).toBe(413);
    expect(together.body).toContain('The attachments are too large: at most');
    expect(await count()).toBe(0);

    const fits = await multipartForm(small, url, await values(), [file(700), file(800)]);
    expect(fits.statusCode, fits.body).toBe(303);
    expect(await count()).toBeGreaterThan(0);
  });
});
