/**
 * Pure message formatting: look a key up in a flat catalog, choose the plural form, fill
 * `{name}` placeholders. Params are plain text: the result is rendered as text, never as HTML.
 *
 * Plurals: a catalog holds `key.one` and `key.other` (and any other CLDR category the language
 * needs); `t('key', { count })` picks the form with Intl.PluralRules for the catalog's language.
 * A missing key or form falls back to the fallback catalog, then to the key itself, so a gap is
 * visible but never breaks the page (a test keeps the catalogs complete).
 */

export type Catalog = Readonly<Record<string, string>>;
export type Params = Readonly<Record<string, string | number>>;

const PLACEHOLDER = /\{([a-zA-Z0-9_]+)\}/g;

export function interpolate(template: string, params: Params | undefined, lang: string): string {
  if (!params) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? value.toLocaleString(lang) : value;
  });
}

/** The catalog key for `key` given the params: its plural form when the catalog has plural forms. */
export function resolveKey(catalog: Catalog, key: string, params: Params | undefined, lang: string): string {
  if (Object.hasOwn(catalog, key)) return key;
  const count = params?.count;
  if (typeof count !== 'number') return key;
  const category = new Intl.PluralRules(lang).select(count);
  const exact = `${key}.${category}`;
  if (Object.hasOwn(catalog, exact)) return exact;
  return `${key}.other`;
}

export function translate(
  catalog: Catalog,
  fallback: Catalog,
  lang: string,
  key: string,
  params?: Params,
): string {
  const own = resolveKey(catalog, key, params, lang);
  if (Object.hasOwn(catalog, own)) return interpolate(catalog[own] ?? key, params, lang);
  const other = resolveKey(fallback, key, params, 'en');
  if (Object.hasOwn(fallback, other)) return interpolate(fallback[other] ?? key, params, 'en');
  return key;
}
