// The helper's catalogs stay complete, like the pages' and the extension's: English and French
// have the same keys, no blank value, the same placeholders, the plural forms each language needs;
// French is really French; and every word can be drawn by the X core fonts every server has
// (Latin-1), since the helper's windows may have nothing better.
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../protocol/i18n/language';
import { ERROR_CODE_LIST } from '../../../protocol/errors';
import en from '../../../host/i18n/catalogs/en.json';
import fr from '../../../host/i18n/catalogs/fr.json';
import { errorText } from '../../../host/i18n/error-text';
import { HELPER_CATALOGS, HelperText } from '../../../host/i18n/helper-text';
import { systemLanguage } from '../../../host/i18n/system-language';

const placeholders = (text: string) => [...text.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1]).sort();

describe('helper catalogs', () => {
  it('has a catalog for every language', () => {
    expect(Object.keys(HELPER_CATALOGS).sort()).toEqual([...LANGUAGES].sort());
  });

  it('English and French have exactly the same keys', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    expect(Object.keys(en).length).toBeGreaterThan(80);
  });

  it('has no blank value and the same placeholders in both languages', () => {
    const frCatalog: Record<string, string> = fr;
    for (const [key, value] of Object.entries(en)) {
      expect(value.trim(), key).not.toBe('');
      expect(frCatalog[key]!.trim(), key).not.toBe('');
      expect(placeholders(frCatalog[key] ?? ''), key).toEqual(placeholders(value));
    }
  });

  it('has the plural forms each language needs', () => {
    const bases = new Set(
      Object.keys(en)
        .filter((k) => /\.(one|other)$/.test(k))
        .map((k) => k.replace(/\.(one|other)$/, '')),
    );
    expect(bases.size).toBeGreaterThan(0);
    for (const [lang, catalog] of Object.entries(HELPER_CATALOGS)) {
      const rules = new Intl.PluralRules(lang);
      for (const base of bases) {
        for (const n of [0, 1, 2, 5]) {
          const form = `${base}.${rules.select(n)}`;
          expect(
            Object.hasOwn(catalog, form) || Object.hasOwn(catalog, `${base}.other`),
            `${lang} ${form}`,
          ).toBe(true);
        }
      }
    }
  });

  it('French is really French: shared values are only codes and signs', () => {
    const enCatalog: Record<string, string> = en;
    const frCatalog: Record<string, string> = fr;
    const same = Object.keys(en).filter((k) => enCatalog[k] === frCatalog[k]);
    expect(same.sort()).toEqual(
      ['indicator.windowCode.one', 'indicator.windowCode.other', 'notice.ok'].sort(),
    );
  });

  it('every word fits the X core fonts (Latin-1)', () => {
    for (const [lang, catalog] of Object.entries(HELPER_CATALOGS)) {
      for (const [key, value] of Object.entries(catalog)) {
        expect(/^[\u0020-\u007e\u00a0-\u00ff\n]*$/.test(value), `${lang} ${key}: ${value}`).toBe(true);
      }
    }
  });

  it('every error a customer can meet says what to do, in both languages', () => {
    const customerCodes = [
      'join_code_invalid',
      'join_code_expired',
      'too_many_attempts',
      'download_ticket_used',
      'download_ticket_expired',
      'download_ticket_invalid',
      'illegal_transition',
      'session_ended',
      'unavailable',
      'os_not_supported',
      'protocol_unsupported',
      'resume_expired',
    ] as const;
    for (const lang of LANGUAGES) {
      const t = new HelperText(lang);
      const generic = errorText(t, 'internal_error');
      for (const code of customerCodes) {
        expect(ERROR_CODE_LIST).toContain(code);
        const said = errorText(t, code, {
          server: 'https://help.example',
          retryAfterSeconds: 30,
          system: 'macOS',
        });
        expect(said, `${lang} ${code}`).not.toBe(generic);
        expect(said).not.toMatch(/\{\w+\}/);
      }
    }
    expect(errorText(new HelperText('fr'), 'too_many_attempts', { retryAfterSeconds: 30 })).toBe(
      'Trop de codes erronés. Attendez 30 secondes, puis réessayez.',
    );
    expect(errorText(new HelperText('en'), 'unavailable', { server: 'https://help.example' })).toContain(
      'Could not reach https://help.example.',
    );
  });
});

describe('the system language', () => {
  it('follows LC_ALL, LC_MESSAGES, LANG, then LANGUAGE, then the runtime locale', () => {
    expect(systemLanguage({ LANG: 'fr_FR.UTF-8' }, () => 'en-US')).toBe('fr');
    expect(systemLanguage({ LC_ALL: 'en_GB.UTF-8', LANG: 'fr_FR.UTF-8' }, () => 'fr')).toBe('en');
    expect(systemLanguage({ LANG: 'C', LANGUAGE: 'fr_CA:en' }, () => 'en')).toBe('fr');
    expect(systemLanguage({}, () => 'fr-BE')).toBe('fr');
    expect(systemLanguage({ LANG: 'de_DE.UTF-8' }, () => 'fr')).toBe('en');
  });
});
