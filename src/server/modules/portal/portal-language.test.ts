import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { setUpDiscord } from '../../../../tests/helpers/discord.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { type FakeDiscord, startFakeDiscord } from '../../../../tests/helpers/fake-discord.js';
import { englishIn } from '../../../../tests/helpers/i18n.js';
import {
  portalLinkOf,
  postForm,
  signInCustomer,
  solveCaptcha,
  surveyLinkOf,
} from '../../../../tests/helpers/portal.js';
import { LANGUAGES } from '../../../shared/i18n/index.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { closeScheduledTicketJob, replyOrFollowUp } from '../tickets/index.js';

let t: TestApp;
let fake: FakeDiscord;
let tenant: Tenant;

beforeAll(async () => {
  fake = await startFakeDiscord();
  t = await createTestApp({ discordApiUrl: fake.apiUrl, discordAuthorizeUrl: fake.authorizeUrl });
  tenant = await buildAccount(t);
  // The Discord section is on every portal page of an account that set Discord up.
  await setUpDiscord(t, tenant, fake);
});
afterAll(() => fake.close());

/** A customer with a ticket (a staff reply in its thread) and the ticket's secret link. */
async function customerWithTicket(language: string | null = null) {
  const email = `lang-${randomBytes(4).toString('hex')}@example.com`;
  const ticket = await buildTicket(t, tenant, { requester: { email, name: 'Rita Requester' } });
  await t.db.execute(sql`UPDATE customers SET language = ${language} WHERE email = ${email}`);
  return { email, ticket, link: portalLinkOf(t, ticket.id) };
}

const storedLanguage = async (email: string) =>
  (
    await t.db.execute<{ language: string | null }>(
      sql`SELECT language FROM customers WHERE email = ${email}`,
    )
  ).rows[0]?.language;

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });

async function setStatus(ticketId: string, status: string, closesAt?: Date) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
    payload: { status, ...(closesAt && { closesAt: closesAt.toISOString() }) },
  });
  expect(res.statusCode, res.body).toBe(200);
}

const inOneHour = () => new Date(t.clock.now().getTime() + 3_600_000);

/**
 * Every kind of system message on the customer's threads: status changes by staff (one with a
 * closing time), by the requester's reply, at the requester's request, by the requester, by the
 * scheduled closure; and a follow-up opened by a mail on the closed ticket. The threads' pages.
 */
async function ticketsWithSystemMessages(c: Awaited<ReturnType<typeof customerWithTicket>>) {
  await setStatus(c.ticket.id, 'pending');
  const post = (path: string, fields: Record<string, string>) => postForm(t, `${c.link}${path}`, fields);
  const replied = await post('/reply', { body: 'Still broken', altcha: await solveCaptcha(t), website: '' });
  expect(replied.statusCode, replied.body).toBe(303);
  expect((await post('/close', {})).statusCode).toBe(303);
  await setStatus(c.ticket.id, 'closure_scheduled', inOneHour());
  expect((await post('/close', {})).statusCode).toBe(303);

  const other = await buildTicket(t, tenant, { requester: { email: c.email, name: 'Rita Requester' } });
  await setStatus(other.id, 'closure_scheduled', inOneHour());
  t.clock.advance(3_600_001);
  await t.runJobs(closeScheduledTicketJob);
  const followUp = await inTransaction(t.ctx.db, (tx) =>
    replyOrFollowUp(scopeOf(t.ctx, tx), other.id, 'Me again'),
  );
  return [c.ticket.id, other.id, followUp.ticketId].map((id) => ({ id, link: portalLinkOf(t, id) }));
}

const systemLines = (page: string) =>
  [...page.matchAll(/<li class="system"[^>]*><p>(.*?)<\/p>/g)].map((m) => m[1]);

describe('portal pages in the customer’s language', () => {
  it('in English the pages carry the English catalogue (the leftover check can fail)', async () => {
    const c = await customerWithTicket('en');
    const page = await get(c.link);
    expect(page.body).toContain('<html lang="en">');
    expect(englishIn(page.body)).toEqual(
      expect.arrayContaining(['Conversation', 'Send reply', 'Link Discord', 'Open']),
    );
  });

  it('in English the system messages read as their stored text, the closing time in the account’s zone', async () => {
    t.clock.set(new Date('2027-03-01T09:00:00Z'));
    const c = await customerWithTicket('en');
    const lines = [];
    for (const { link } of await ticketsWithSystemMessages(c))
      lines.push(...systemLines((await get(link)).body));
    expect(lines).toEqual([
      'Status changed from Open to Pending by Olive Owner.',
      'Status changed from Pending to Open by the requester’s reply.',
      'Status changed from Open to Pending closure at the requester’s request.',
      expect.stringMatching(
        /^Status changed from Pending closure to Closure scheduled by Olive Owner; it closes on <time datetime="2027-03-01T10:00:00.000Z">March 1, 2027 at 10:00\sAM UTC<\/time>\.$/,
      ),
      'Status changed from Closure scheduled to Closed by the requester.',
      expect.stringMatching(
        /^Status changed from Open to Closure scheduled by Olive Owner; it closes on <time datetime="2027-03-01T10:00:00.000Z">March 1, 2027 at 10:00\sAM UTC<\/time>\.$/,
      ),
      'Status changed from Closure scheduled to Closed by the scheduled closure.',
      expect.stringMatching(/^The requester wrote again after this ticket was closed: follow-up \w+-\d+\.$/),
      expect.stringMatching(/^Follow-up of \w+-\d+, which was closed when the requester wrote again\.$/),
    ]);
  });

  it('the JSON portal API gives a system message its stored English text, as staff read it', async () => {
    const c = await customerWithTicket('de');
    await setStatus(c.ticket.id, 'pending');
    const api = await get(c.link.replace('/p/', '/api/v1/portal/'));
    expect(api.statusCode).toBe(200);
    const system = api.json().thread.filter((m: { kind: string }) => m.kind === 'system');
    expect(system).toEqual([
      expect.objectContaining({ body: 'Status changed from Open to Pending by Olive Owner.' }),
    ]);
  });

  it('a system message stored without its event (older rows) shows its stored text', async () => {
    const c = await customerWithTicket('de');
    await setStatus(c.ticket.id, 'pending');
    await t.db.execute(
      sql`UPDATE messages SET system_event = NULL WHERE ticket_id = ${c.ticket.id} AND kind = 'system'`,
    );
    expect(systemLines((await get(c.link)).body)).toEqual([
      'Status changed from Open to Pending by Olive Owner.',
    ]);
  });

  for (const language of LANGUAGES.filter((l) => l !== 'en')) {
    it(`${language}: the ticket page (both ways in), its refusals, the home, sign-in, bad-link, Discord result pages and the staff preview have no English left`, async () => {
      const c = await customerWithTicket(language);
      const pages: Record<string, { statusCode: number; body: string }> = {};

      pages.ticketByLink = await get(c.link);
      pages.refusedReply = await postForm(t, `${c.link}/reply`, { body: '' });
      const session = await signInCustomer(t, tenant.accountId, c.email);
      pages.home = await get(`/portal/${tenant.accountId}`, session);
      pages.ticketSignedIn = await get(`/portal/${tenant.accountId}/tickets/${c.ticket.id}`, session);
      pages.refusedTicket = await postForm(
        t,
        `/portal/${tenant.accountId}/tickets`,
        { subject: '' },
        session,
      );
      pages.preview = await get(`/portal-preview/${c.ticket.id}`, tenant.owner.headers);

      // Nobody known yet: the browser's language decides.
      const browser = { 'accept-language': language };
      pages.signIn = await get(`/portal/${tenant.accountId}`, browser);
      pages.refusedSignIn = await postForm(
        t,
        `/portal/${tenant.accountId}/sign-in`,
        { email: 'nope' },
        browser,
      );
      pages.badSignInLink = await get(`/portal/${tenant.accountId}/sign-in/forged-token`, browser);
      pages.badTicketLink = await get('/p/forged-token', browser);
      pages.noPortal = await get(`/portal/${randomUUID()}`, browser);
      pages.badDiscordLink = await get('/portal/discord/callback?state=forged', browser);

      // Each kind of system message, on the customer's page and on staff's preview.
      for (const [i, { id, link }] of (
        await ticketsWithSystemMessages(await customerWithTicket(language))
      ).entries()) {
        pages[`systemMessages${i}`] = await get(link);
        pages[`systemMessagesPreview${i}`] = await get(`/portal-preview/${id}`, tenant.owner.headers);
        expect(systemLines(pages[`systemMessages${i}`]?.body ?? '').length, link).toBeGreaterThan(0);
      }

      expect(pages.refusedReply.statusCode).toBe(400);
      expect(pages.refusedTicket.statusCode).toBe(400);
      expect(pages.refusedSignIn.statusCode).toBe(400);
      expect(pages.badDiscordLink.statusCode).toBe(400);
      expect(pages.ticketByLink.body).toContain('id="discord-link-form"');
      for (const [name, page] of Object.entries(pages)) {
        expect(page.body, name).toContain(`<html lang="${language}">`);
        expect(englishIn(page.body), name).toEqual([]);
      }
    });
  }
});

describe('which language a portal page is in', () => {
  it('Accept-Language on first contact is stored on the customer, and the stored language beats it later', async () => {
    const c = await customerWithTicket(null);
    const first = await get(c.link, { 'accept-language': 'ja, fr-CA;q=0.9, de;q=0.5' });
    expect(first.body).toContain('<html lang="fr">');
    expect(await storedLanguage(c.email)).toBe('fr');

    const later = await get(c.link, { 'accept-language': 'de' });
    expect(later.body).toContain('<html lang="fr">');
    expect(await storedLanguage(c.email)).toBe('fr');
  });

  it('without a stored or browser language, the account’s default', async () => {
    const c = await customerWithTicket(null);
    await t.db.execute(sql`UPDATE accounts SET default_language = 'es' WHERE id = ${tenant.accountId}`);
    try {
      expect((await get(c.link)).body).toContain('<html lang="es">');
      expect(await storedLanguage(c.email)).toBeNull();
    } finally {
      await t.db.execute(sql`UPDATE accounts SET default_language = 'en' WHERE id = ${tenant.accountId}`);
    }
  });

  it('the switcher on the secret-link page and the signed-in pages stores the choice on the customer', async () => {
    const c = await customerWithTicket('de');
    const switched = await postForm(t, `${c.link}/language`, { language: 'nl' });
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe(c.link);
    expect(await storedLanguage(c.email)).toBe('nl');
    expect((await get(c.link, { 'accept-language': 'de' })).body).toContain('<html lang="nl">');

    const session = await signInCustomer(t, tenant.accountId, c.email);
    const home = `/portal/${tenant.accountId}`;
    expect((await postForm(t, `${home}/language`, { language: 'pt-BR' }, session)).headers.location).toBe(
      home,
    );
    expect(await storedLanguage(c.email)).toBe('pt-BR');
    const ticketPage = `${home}/tickets/${c.ticket.id}`;
    expect((await postForm(t, `${ticketPage}/language`, { language: 'es' }, session)).headers.location).toBe(
      ticketPage,
    );
    expect(await storedLanguage(c.email)).toBe('es');
    expect((await get(ticketPage, session)).body).toContain('<html lang="es">');
  });

  it('a visitor nobody knows yet (the sign-in page) keeps the choice in a cookie', async () => {
    const home = `/portal/${tenant.accountId}`;
    const switched = await postForm(t, `${home}/language`, { language: 'fr' });
    expect(switched.statusCode).toBe(303);
    const cookie = switched.cookies.find((k) => k.name === 'clearline_language');
    expect(cookie?.value).toBe('fr');
    const page = await get(home, { cookie: `clearline_language=fr`, 'accept-language': 'de' });
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).toContain(`action="${home}/language"`);
  });

  it('a switcher post from another site is refused and changes nothing', async () => {
    const c = await customerWithTicket('de');
    const evil = { origin: 'https://evil.example' };
    const onTicket = await postForm(t, `${c.link}/language`, { language: 'nl' }, evil);
    expect(onTicket.statusCode).toBe(403);
    expect(onTicket.json().error.code).toBe('BAD_ORIGIN');
    expect(await storedLanguage(c.email)).toBe('de');
    const anonymous = await postForm(t, `/portal/${tenant.accountId}/language`, { language: 'nl' }, evil);
    expect(anonymous.statusCode).toBe(403);
    expect(anonymous.cookies.find((k) => k.name === 'clearline_language')).toBeUndefined();
  });

  it('the survey page’s and the request form’s switchers refuse another site too', async () => {
    const c = await customerWithTicket('de');
    const resolved = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${c.ticket.id}`,
      headers: tenant.owner.headers,
      payload: { status: 'resolved' },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const { path } = await surveyLinkOf(t, c.ticket.id);
    const evil = { origin: 'https://evil.example' };
    expect((await postForm(t, `${path}/language`, { language: 'nl' }, evil)).statusCode).toBe(403);
    expect(await storedLanguage(c.email)).toBe('de');
    const form = await postForm(t, `/portal/${tenant.accountId}/new/language`, { language: 'nl' }, evil);
    expect(form.statusCode).toBe(403);
    expect(form.cookies.find((k) => k.name === 'clearline_language')).toBeUndefined();
    // From our own pages they work.
    expect((await postForm(t, `${path}/language`, { language: 'nl' })).statusCode).toBe(303);
    expect(await storedLanguage(c.email)).toBe('nl');
  });

  it('an unknown language is a 400, and nothing is stored', async () => {
    const c = await customerWithTicket('de');
    const res = await postForm(t, `${c.link}/language`, { language: 'xx' });
    expect(res.statusCode).toBe(400);
    expect(await storedLanguage(c.email)).toBe('de');
  });
});

describe('times on portal pages', () => {
  it('are written in the page’s locale and the account’s time zone', async () => {
    t.clock.set(new Date('2027-07-01T12:00:00Z'));
    const c = await customerWithTicket('de');
    await t.db.execute(sql`UPDATE accounts SET timezone = 'Europe/Berlin' WHERE id = ${tenant.accountId}`);
    try {
      const german = await get(c.link);
      expect(german.body).toMatch(
        /<time datetime="2027-07-01T12:00:00.000Z">1\. Juli 2027[^<]*14:00 MESZ<\/time>/,
      );
      await t.db.execute(
        sql`UPDATE accounts SET timezone = 'America/New_York' WHERE id = ${tenant.accountId}`,
      );
      await t.db.execute(sql`UPDATE customers SET language = 'en' WHERE email = ${c.email}`);
      const english = await get(c.link);
      expect(english.body).toMatch(
        /<time datetime="2027-07-01T12:00:00.000Z">July 1, 2027[^<]*8:00\sAM EDT<\/time>/,
      );
    } finally {
      await t.db.execute(sql`UPDATE accounts SET timezone = 'UTC' WHERE id = ${tenant.accountId}`);
    }
  });
});
