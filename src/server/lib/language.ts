import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  isLanguage,
  LANGUAGE_NAMES,
  LANGUAGES,
  type Language,
  negotiateLanguage,
  type Translate,
  translator,
} from '../../shared/i18n/index.js';
import { html, type RawHtml } from './html.js';

/** A visitor's choice made while Clearline does not know who they are (sign-in page, a bad link). */
export const LANGUAGE_COOKIE = 'clearline_language';
const YEAR_S = 365 * 86_400;

export const languageSchema = z.enum(LANGUAGES);
export const languageBody = z.object({ language: languageSchema });

/** The language a customer page is written in, and where its switcher posts. */
export interface PageLocale {
  language: Language;
  t: Translate;
  switchAction: string;
}

export const pageLocale = (language: Language, switchAction: string): PageLocale => ({
  language,
  t: translator(language),
  switchAction,
});

export interface LanguageChoice {
  language: Language;
  /** A language learned from this request (cookie or Accept-Language) to store on a known customer. */
  learned: Language | null;
}

/**
 * The language of a customer page: the customer's stored one; else the switcher's cookie or the
 * browser's Accept-Language (first contact: the caller stores it on the customer); else the
 * account's default.
 */
export function chooseLanguage(
  request: FastifyRequest,
  stored: string | null | undefined,
  accountDefault: Language,
): LanguageChoice {
  if (isLanguage(stored)) return { language: stored, learned: null };
  const cookie = request.cookies[LANGUAGE_COOKIE];
  const learned = isLanguage(cookie) ? cookie : negotiate(request.headers['accept-language']);
  return { language: learned ?? accountDefault, learned };
}

const negotiate = (header: string | string[] | undefined) =>
  negotiateLanguage(Array.isArray(header) ? header.join(',') : header);

/** Remembers an anonymous visitor's choice in a cookie (no customer row to store it on). */
export const setLanguageCookie = (reply: FastifyReply, language: Language) =>
  reply.setCookie(LANGUAGE_COOKIE, language, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: YEAR_S });

/** The switcher every customer page carries: a plain form, so it works without JavaScript. */
export function renderLanguageSwitcher(t: Translate, current: Language, action: string): RawHtml {
  return html`<form method="post" action="${action}" class="language" lang="${current}">
<label for="language">${t('language.label')}</label>
<select id="language" name="language">${LANGUAGES.map(
    (l) =>
      html`<option value="${l}" lang="${l}"${l === current ? html` selected` : ''}>${LANGUAGE_NAMES[l]}</option>`,
  )}</select>
<button type="submit">${t('language.submit')}</button>
</form>`;
}

/** A message whose one placeholder is markup (a link, a time); the words around it are escaped. */
export function withMarkup(text: string, name: string, markup: RawHtml): RawHtml {
  const [before = '', after = ''] = text.split(`{${name}}`);
  return html`${before}${markup}${after}`;
}
