/** A plural message: a form per Intl.PluralRules category the language uses, `other` always. */
export type Plural = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;

/**
 * The type every language of a catalogue has: the reference language's keys, a string where it has a
 * string, a plural where it has a plural (so a missing or extra key fails typecheck).
 */
export type CatalogueOf<Reference> = {
  readonly [K in keyof Reference]: Reference[K] extends string ? string : Plural;
};

export type Params = Record<string, string | number>;

const fill = (template: string, params: Params) =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

/** The translator of one catalogue in one language: placeholders filled, plurals chosen by the language's own rules. */
export function createTranslator<Key extends string>(
  language: string,
  catalogue: { readonly [K in Key]: string | Plural },
): (key: Key, params?: Params) => string {
  const plurals = new Intl.PluralRules(language);
  return (key, params = {}) => {
    const message = catalogue[key];
    if (typeof message === 'string') return fill(message, params);
    const form = plurals.select(Number(params.count ?? 0));
    return fill(message[form] ?? message.other, params);
  };
}
