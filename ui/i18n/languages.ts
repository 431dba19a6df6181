/**
 * Which language the pages speak: the one the customer chose (kept in localStorage), else the
 * first of the browser's languages we have a catalog for (navigator.languages, most preferred
 * first; "fr-CA" counts as "fr"), else English.
 */

import {
  DEFAULT_LANGUAGE,
  isLanguage,
  LANGUAGES,
  matchLanguage,
  type Language,
} from '../../protocol/i18n/language';

export { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, matchLanguage, type Language };

/** localStorage key holding the customer's explicit choice. */
export const LANGUAGE_STORAGE_KEY = 'lifeline.language';

/** The language's own name, shown in the switch (never translated: people look for their own). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français' };

/** Storage that may be missing or throw (private modes, disabled cookies): both are survived. */
export interface LanguageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function storedLanguage(storage: LanguageStorage | null): Language | null {
  try {
    const v = storage?.getItem(LANGUAGE_STORAGE_KEY) ?? null;
    return isLanguage(v) ? v : null;
  } catch {
    return null;
  }
}

export function storeLanguage(storage: LanguageStorage | null, lang: Language): void {
  try {
    storage?.setItem(LANGUAGE_STORAGE_KEY, lang);
  } catch {
    // Storage refused (private mode, quota): the choice lasts for this page only.
  }
}

export function initialLanguage(storage: LanguageStorage | null, preferred: readonly string[]): Language {
  return storedLanguage(storage) ?? matchLanguage(preferred);
}
