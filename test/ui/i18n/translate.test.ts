import { describe, expect, it } from 'vitest';
import { createI18n } from '../../../ui/i18n/i18n';
import { LANGUAGE_STORAGE_KEY, matchLanguage } from '../../../ui/i18n/languages';
import { interpolate, translate } from '../../../protocol/i18n/translate';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('translate', () => {
  it('fills placeholders as text and leaves unknown ones visible', () => {
    expect(interpolate('Hello {name}, {missing}', { name: '<b>Anna</b>' }, 'en')).toBe(
      'Hello <b>Anna</b>, {missing}',
    );
    expect(interpolate('{n} items', { n: 12345 }, 'fr')).toBe('12\u202f345 items');
  });

  it('chooses plural forms with the language rules (French: 0 and 1 are singular)', () => {
    const catalog = { 'x.one': '{count} seconde', 'x.other': '{count} secondes' };
    expect(translate(catalog, {}, 'fr', 'x', { count: 0 })).toBe('0 seconde');
    expect(translate(catalog, {}, 'fr', 'x', { count: 1 })).toBe('1 seconde');
    expect(translate(catalog, {}, 'fr', 'x', { count: 2 })).toBe('2 secondes');
    const enCatalog = { 'x.one': '{count} second', 'x.other': '{count} seconds' };
    expect(translate(enCatalog, {}, 'en', 'x', { count: 0 })).toBe('0 seconds');
  });

  it('falls back to English, then to the key itself', () => {
    expect(translate({}, { a: 'English A' }, 'fr', 'a')).toBe('English A');
    expect(translate({}, {}, 'fr', 'nowhere')).toBe('nowhere');
  });
});

describe('language choice', () => {
  it('takes the first browser language we have, by its base tag', () => {
    expect(matchLanguage(['fr-CA', 'en-US'])).toBe('fr');
    expect(matchLanguage(['de-DE', 'fr'])).toBe('fr');
    expect(matchLanguage(['de-DE', 'es'])).toBe('en');
    expect(matchLanguage([])).toBe('en');
  });

  it('prefers the stored choice, persists a switch, and tells listeners', () => {
    const storage = memoryStorage({ [LANGUAGE_STORAGE_KEY]: 'fr' });
    const seen: string[] = [];
    const i18n = createI18n({ storage, preferred: ['en-US'], onChange: (l) => seen.push(l) });
    expect(i18n.language).toBe('fr');
    expect(i18n.t('support.form.submit')).toBe("Demander de l'aide");
    let calls = 0;
    i18n.subscribe(() => calls++);
    i18n.setLanguage('en');
    expect(i18n.t('support.form.submit')).toBe('Ask for help');
    expect(storage.data.get(LANGUAGE_STORAGE_KEY)).toBe('en');
    expect(calls).toBe(1);
    expect(seen).toEqual(['fr', 'en']);
  });

  it('ignores a stored value that is not a language, and survives storage that throws', () => {
    expect(
      createI18n({ storage: memoryStorage({ [LANGUAGE_STORAGE_KEY]: 'xx' }), preferred: ['fr'] }).language,
    ).toBe('fr');
    const throwing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    const i18n = createI18n({ storage: throwing, preferred: ['fr-FR'] });
    expect(i18n.language).toBe('fr');
    i18n.setLanguage('en');
    expect(i18n.language).toBe('en');
  });

  it('formats plural keys through t()', () => {
    const i18n = createI18n({ storage: null, preferred: ['en'] });
    expect(i18n.t('duration.minutes', { count: 1 })).toBe('1 minute');
    expect(i18n.t('duration.minutes', { count: 5 })).toBe('5 minutes');
    i18n.setLanguage('fr');
    expect(i18n.t('support.connection.retryIn', { count: 1 })).toBe('Reconnexion dans 1 seconde…');
  });
});
