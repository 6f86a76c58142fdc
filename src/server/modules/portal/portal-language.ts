import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { asLanguage, DEFAULT_LANGUAGE, type Language } from '../../../shared/i18n/index.js';
import type { AppContext } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import type { Api } from '../../lib/http.js';
import { chooseLanguage, languageBody, setLanguageCookie } from '../../lib/language.js';
import { publicForm } from '../../rate-limits.js';
import { assertSameOrigin } from '../auth/index.js';
import { rememberCustomerLanguage, setCustomerLanguage } from '../tickets/index.js';
import { type PortalLocale, portalLocale } from './portal-page.js';

/** Whose page it is, as far as the language goes: null customer when nobody is known (sign-in, a bad link). */
export interface LocaleOwner {
  customerId: string | null;
  /** The customer's stored language. */
  language: string | null;
  account: { defaultLanguage: string; timezone: string } | null;
}

export const nobody: LocaleOwner = { customerId: null, language: null, account: null };

/**
 * A portal page's language (see chooseLanguage): the customer's stored one, else the switcher's
 * cookie or Accept-Language, else the account's default. On first contact (a GET of a known
 * customer's page) the language learned from the browser is stored on the customer.
 */
export async function localeOf(
  ctx: AppContext,
  request: FastifyRequest,
  owner: LocaleOwner,
  switchAction: string,
): Promise<PortalLocale> {
  const fallback = owner.account ? asLanguage(owner.account.defaultLanguage) : DEFAULT_LANGUAGE;
  const { language, learned } = chooseLanguage(request, owner.language, fallback);
  const { customerId } = owner;
  if (customerId && learned && request.method === 'GET') {
    await inTransaction(ctx.db, (tx) => rememberCustomerLanguage(tx, customerId, learned));
  }
  return portalLocale(language, owner.account?.timezone ?? 'UTC', switchAction);
}

/** Who is on the page (null: nobody known) and where to send them after they switched. */
type SwitchTarget = (request: FastifyRequest) => Promise<{ customerId: string | null; back: string }>;

/**
 * A switcher's POST at `path`: refused when it comes from another site; the choice is kept on the
 * customer when the page knows them (signed in, or the secret link), else in a cookie; then back
 * to the page.
 */
export function registerLanguageSwitch(
  app: Api,
  ctx: AppContext,
  path: string,
  params: z.ZodObject,
  target: SwitchTarget,
) {
  app.post(
    path,
    { config: publicForm, schema: { hide: true, params, body: languageBody } },
    async (request, reply) => {
      assertSameOrigin(request);
      const { language } = request.body as { language: Language };
      const { customerId, back } = await target(request);
      if (customerId) await inTransaction(ctx.db, (tx) => setCustomerLanguage(tx, customerId, language));
      else setLanguageCookie(reply, language);
      return reply.redirect(back, 303);
    },
  );
}
