import { createTranslator } from '../translate.js';
import { type StaffCatalogue, type StaffMessageKey, staffEn } from './en.js';

export type { StaffCatalogue, StaffMessageKey } from './en.js';

/** The staff app's languages: English only for now; a new one is a catalogue typed `StaffCatalogue`. */
export type StaffLanguage = 'en';

const STAFF_CATALOGUES: Record<StaffLanguage, StaffCatalogue> = { en: staffEn };

/** The staff app's translator of one language (same placeholders and plurals as the customer catalogues). */
export const staffTranslator = (language: StaffLanguage) =>
  createTranslator<StaffMessageKey>(language, STAFF_CATALOGUES[language]);
