/**
 * Which language the pages speak: the one the customer chose (kept in localStorage), else the
 * first of the browser's languages we have a catalog for (navigator.languages, most preferred
 * first; "fr-CA" counts as "fr"), else English.
 */

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/** localStorage key holding the customer's explicit choice. */
export const LANGUAGE_STORAGE_KEY = 'lifeline.language';

/** The language's own name, shown in the switch (never translated: people look for their own). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The best language for a browser's preference list (BCP 47 tags). */
export function matchLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (isLanguage(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

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
