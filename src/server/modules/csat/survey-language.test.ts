import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { englishIn } from '../../../../tests/helpers/i18n.js';
import { postForm, surveyLinkOf } from '../../../../tests/helpers/portal.js';
import { startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { LANGUAGES, type Language } from '../../../shared/i18n/index.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { sendDeliveryJob } from '../delivery/index.js';
import { submitSurvey } from './csat.service.js';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let tenant: Tenant;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t);
});

afterAll(() => smtp?.close());

async function resolvedTicket(tn = tenant) {
  const email = `req-${randomBytes(4).toString('hex')}@example.com`;
  const ticket = await buildTicket(t, tn, { requester: { email, name: 'Rita Requester' } });
  await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticket.id}`,
    headers: tn.owner.headers,
    payload: { status: 'resolved' },
  });
  return { email, ...(await surveyLinkOf(t, ticket.id)) };
}

const storedLanguage = async (email: string) =>
  (
    await t.db.execute<{ language: string | null }>(
      sql`SELECT language FROM customers WHERE email = ${email}`,
    )
  ).rows[0]?.language;

const page = (path: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: path, headers });

describe('the survey page and the invitation mail in every language', () => {
  it('in English they carry the English catalogue (the leftover check can fail)', async () => {
    const { path } = await resolvedTicket();
    const res = await page(path);
    expect(res.body).toContain('<html lang="en">');
    expect(englishIn(res.body)).toEqual(
      expect.arrayContaining(['How did we do?', 'Send rating', 'Your rating']),
    );
  });

  for (const language of LANGUAGES.filter((l): l is Exclude<Language, 'en'> => l !== 'en')) {
    it(`${language}: switching stores it, and the survey page, its refusals, the answered page and the invitation mail have no English left`, async () => {
      const { email, surveyId, path } = await resolvedTicket();
      const switched = await postForm(t, `${path}/language`, { language });
      expect(switched.statusCode).toBe(303);
      expect(switched.headers.location).toBe(path);
      expect(await storedLanguage(email)).toBe(language);

      const form = await page(path);
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain(`<html lang="${language}">`);
      expect(englishIn(form.body)).toEqual([]);

      await t.runJobs(sendDeliveryJob);
      const [mail] = smtp.to(email);
      expect(mail?.parsed.html).toContain('★');
      expect(englishIn(`${mail?.parsed.text}\n${mail?.parsed.html}`)).toEqual([]);

      // Refused forms say why in the same language: no rating, a comment too long, no captcha.
      const refusals: Record<string, string>[] = [
        { comment: 'x' },
        { rating: '3', comment: 'x'.repeat(2001) },
        { rating: '3' },
      ];
      for (const fields of refusals) {
        const refused = await postForm(t, path, fields);
        expect(refused.statusCode).toBe(400);
        expect(refused.body).toContain('role="alert"');
        expect(englishIn(refused.body)).toEqual([]);
      }

      await inTransaction(t.db, (tx) =>
        submitSurvey(scopeOf(t.ctx, tx), surveyId, { rating: 1, comment: null, channel: 'link' }),
      );
      const answered = await page(path);
      expect(answered.body).toContain(`<html lang="${language}">`);
      expect(englishIn(answered.body)).toEqual([]);
    });
  }
});

describe('which language a customer gets', () => {
  it('Accept-Language on first contact is stored; the customer record then wins over the browser', async () => {
    const { email, path } = await resolvedTicket();
    const first = await page(path, { 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.5' });
    expect(first.body).toContain('<html lang="fr">');
    expect(await storedLanguage(email)).toBe('fr');
    const later = await page(path, { 'accept-language': 'de' });
    expect(later.body).toContain('<html lang="fr">');
  });

  it("without record or a supported Accept-Language, the account's default applies to page and mail, and nothing is stored", async () => {
    const other = await buildAccount(t);
    const set = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/account',
      headers: other.owner.headers,
      payload: { defaultLanguage: 'nl' },
    });
    expect(set.statusCode, set.body).toBe(200);
    const { email, path } = await resolvedTicket(other);
    const res = await page(path, { 'accept-language': 'ja' });
    expect(res.body).toContain('<html lang="nl">');
    expect(await storedLanguage(email)).toBeNull();
    await t.runJobs(sendDeliveryJob);
    expect(smtp.to(email)[0]?.parsed.text).toContain('Of open de enquête:');
  });

  it('a bad link keeps the visitor’s choice in a cookie, as there is no customer to store it on', async () => {
    const res = await postForm(t, '/s/not-a-token/language', { language: 'es' });
    expect(res.statusCode).toBe(303);
    const cookie = res.cookies.find((c) => c.name === 'clearline_language');
    expect(cookie?.value).toBe('es');
    const missing = await page('/s/not-a-token', { cookie: `clearline_language=${cookie?.value}` });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<html lang="es">');
    expect(englishIn(missing.body)).toEqual([]);
  });

  it('an unknown language is refused with 400 and nothing stored', async () => {
    const { email, path } = await resolvedTicket();
    const res = await postForm(t, `${path}/language`, { language: 'xx' });
    expect(res.statusCode).toBe(400);
    expect(await storedLanguage(email)).toBeNull();
  });
});
