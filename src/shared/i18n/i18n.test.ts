import { describe, expect, it } from 'vitest';
import { formatDateTime, negotiateLanguage, translator } from './index.js';

describe('the message catalogue', () => {
  it('chooses plural forms by each language’s own rules (French 0 is singular, English 0 is not)', () => {
    expect(translator('en')('survey.stars', { count: 1 })).toBe('1 star');
    expect(translator('en')('survey.stars', { count: 0 })).toBe('0 stars');
    expect(translator('fr')('survey.stars', { count: 0 })).toBe('0 étoile');
    expect(translator('de')('survey.stars', { count: 4 })).toBe('4 Sterne');
  });

  it('writes dates in the customer’s locale and the account’s time zone', () => {
    const noonUtc = new Date('2026-07-01T12:00:00Z');
    expect(formatDateTime('de', 'Europe/Berlin', noonUtc)).toMatch(/^1\. Juli 2026.*14:00 MESZ$/);
    expect(formatDateTime('en', 'America/New_York', noonUtc)).toMatch(/^July 1, 2026.*8:00\sAM EDT$/);
  });

  it('negotiates Accept-Language by quality, exact tag first, then the primary subtag', () => {
    expect(negotiateLanguage('ja, nl;q=0.4, de-AT;q=0.8')).toBe('de');
    expect(negotiateLanguage('pt-PT')).toBe('pt-BR');
    expect(negotiateLanguage('en;q=0, ja, *')).toBeNull();
    expect(negotiateLanguage(undefined)).toBeNull();
  });
});
