import { de } from './de.js';
import { type Catalogue, en, type MessageKey } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { nl } from './nl.js';
import { ptBR } from './pt-BR.js';
import { createTranslator, type Params } from './translate.js';

export type { Catalogue, MessageKey } from './en.js';

/** Every language customers can read Clearline in, as BCP 47 tags; the first is the default. */
export const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt-BR', 'nl'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

const CATALOGUES: Record<Language, Catalogue> = { en, de, fr, es, 'pt-BR': ptBR, nl };

/** Each language's name in itself, for the switcher (a customer looks for their own language's name). */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  'pt-BR': 'Português (Brasil)',
  nl: 'Nederlands',
};

export const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);
/** A stored value as a language: one no longer supported falls back to the default. */
export const asLanguage = (value: string | null | undefined): Language =>
  isLanguage(value) ? value : DEFAULT_LANGUAGE;

export type Translate = (key: MessageKey, params?: Params) => string;

/** Built once per language (its plural rules included), not on every page. */
const TRANSLATORS = Object.fromEntries(
  LANGUAGES.map((l) => [l, createTranslator(l, CATALOGUES[l])]),
) as Record<Language, Translate>;
/** The translator of one language: placeholders filled, plurals chosen by the language's own rules. */
export const translator = (language: Language): Translate => TRANSLATORS[language];

/** The catalogue's messages of a language, as plain strings (plural forms included). */
export const catalogueTexts = (language: Language): string[] =>
  Object.values(CATALOGUES[language]).flatMap((m) => (typeof m === 'string' ? [m] : Object.values(m)));

/**
 * The best supported language of an Accept-Language header, or null: exact tags first (pt-BR),
 * then the primary subtag (de-AT → de, pt-PT → pt-BR, the one Portuguese we have), by quality.
 */
export function negotiateLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((r) => r.tag && r.tag !== '*' && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const exact = LANGUAGES.find((l) => l.toLowerCase() === tag);
    if (exact) return exact;
    const primary = LANGUAGES.find((l) => l.split('-')[0]?.toLowerCase() === tag.split('-')[0]);
    if (primary) return primary;
  }
  return null;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A date and time as the customer reads them, in the account's time zone (named, so it is
 * unambiguous). One formatter per language and zone, kept: building one costs far more than
 * formatting, and a portal page formats every message's time.
 */
export function formatDateTime(language: Language, timeZone: string, date: Date): string {
  const key = `${language} ${timeZone}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language, {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    });
    dateTimeFormats.set(key, format);
  }
  return format.format(date);
}
