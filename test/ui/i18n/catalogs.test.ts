// The pages' catalogs stay complete: English and French have exactly the same keys, no empty
// value, the same placeholders per key, and every plural key has the forms its language needs.
import { describe, expect, it } from 'vitest';
import en from '../../../ui/i18n/catalogs/en.json';
import fr from '../../../ui/i18n/catalogs/fr.json';
import { LANGUAGES } from '../../../ui/i18n/languages';
import { CATALOGS } from '../../../ui/i18n/i18n';

const placeholders = (text: string) => [...text.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1]).sort();

describe('page catalogs', () => {
  it('has a catalog for every language', () => {
    expect(Object.keys(CATALOGS).sort()).toEqual([...LANGUAGES].sort());
  });

  it('English and French have exactly the same keys', () => {
    const enKeys = Object.keys(en).sort();
    const frKeys = Object.keys(fr).sort();
    expect(frKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !frKeys.includes(k))).toEqual([]);
    expect(enKeys.length).toBeGreaterThan(100);
  });

  it('has no empty or blank value', () => {
    for (const [lang, catalog] of Object.entries(CATALOGS)) {
      const blank = Object.entries(catalog).filter(([, v]) => v.trim() === '');
      expect(blank, lang).toEqual([]);
    }
  });

  it('uses the same placeholders in both languages', () => {
    const frCatalog: Record<string, string> = fr;
    for (const [key, value] of Object.entries(en)) {
      expect(placeholders(frCatalog[key] ?? ''), key).toEqual(placeholders(value));
    }
  });

  it('has the plural forms each language needs for every plural key', () => {
    const bases = new Set(
      Object.keys(en)
        .filter((k) => /\.(one|other)$/.test(k))
        .map((k) => k.replace(/\.(one|other)$/, '')),
    );
    expect(bases.size).toBeGreaterThan(0);
    for (const [lang, catalog] of Object.entries(CATALOGS)) {
      const rules = new Intl.PluralRules(lang);
      // Categories reached by the counts a page shows (waiting seconds, minutes, retry seconds).
      const needed = new Set(Array.from({ length: 200 }, (_, n) => rules.select(n)));
      for (const base of bases) {
        for (const category of needed) {
          const has = Object.hasOwn(catalog, `${base}.${category}`) || category === 'many';
          expect(has || Object.hasOwn(catalog, `${base}.other`), `${lang} ${base}.${category}`).toBe(true);
        }
        expect(Object.hasOwn(catalog, `${base}.other`), `${lang} ${base}.other`).toBe(true);
      }
    }
  });

  it('French is really French: shared values are only names and units', () => {
    const same = Object.keys(en).filter(
      (k) => (en as Record<string, string>)[k] === (fr as Record<string, string>)[k],
    );
    const allowed =
      /^(common\.appName|os\.(windows|macos|linux|chromeos|android)|duration\.(hours|minutes\.(one|other))|chat\.transcript|manage\.(col\.(email|agent|agents|actions|action|date)|role\.agent|tab\.sessions|chart\.sessions|webhooks\.title))$/;
    expect(same.filter((k) => !allowed.test(k))).toEqual([]);
  });
});
