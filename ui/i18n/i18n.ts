/**
 * The pages' message catalogs (one per language, flat keys, in ./catalogs) and the `t(key,
 * params)` the pages use. `createI18n` picks the language (./languages.ts), `setLanguage`
 * switches it for the whole page at once and remembers the choice. Keys are typed from the
 * English catalog, so a misspelt key does not compile; a test keeps French complete.
 */
import en from './catalogs/en.json';
import fr from './catalogs/fr.json';
import { initialLanguage, storeLanguage, type Language, type LanguageStorage } from './languages';
import { translate, type Catalog, type Params } from '../../protocol/i18n/translate';

export const CATALOGS: Record<Language, Catalog> = { en, fr };

type CatalogKey = keyof typeof en;
type PluralBase<K> = K extends `${infer B}.other` ? B : never;
/** A catalog key, or the base of a plural key (`x` for `x.one` / `x.other`, with `{ count }`). */
export type MessageKey = CatalogKey | PluralBase<CatalogKey>;

export type TFunction = (key: MessageKey, params?: Params) => string;

export interface I18n {
  readonly language: Language;
  t: TFunction;
  setLanguage(lang: Language): void;
  /** Called after every language change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export interface I18nOptions {
  storage: LanguageStorage | null;
  /** The browser's preferred languages, most preferred first (navigator.languages). */
  preferred: readonly string[];
  /** Told about every change, e.g. to set <html lang>. */
  onChange?: (lang: Language) => void;
}

export function createI18n(options: I18nOptions): I18n {
  let language = initialLanguage(options.storage, options.preferred);
  const listeners = new Set<() => void>();
  options.onChange?.(language);
  return {
    get language() {
      return language;
    },
    t: (key, params) => translate(CATALOGS[language], CATALOGS.en, language, key, params),
    setLanguage(lang) {
      storeLanguage(options.storage, lang);
      if (lang === language) return;
      language = lang;
      options.onChange?.(lang);
      for (const l of [...listeners]) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The i18n for a page: localStorage (when usable) and navigator.languages; sets <html lang>. */
export function createPageI18n(): I18n {
  let storage: LanguageStorage | null = null;
  try {
    storage = window.localStorage;
  } catch {
    storage = null;
  }
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return createI18n({
    storage,
    preferred,
    onChange: (lang) => {
      document.documentElement.lang = lang;
    },
  });
}
