/**
 * Every user-facing string of the extension comes from its _locales catalogs. With the language
 * setting on "follow the browser", browser.i18n.getMessage answers (the browser picks the
 * catalog); when the agent chose English or French, that catalog is loaded from the extension
 * package and the same placeholder rules are applied here ($NAME$ -> placeholder content ->
 * $1..$9). Keys are typed from the English catalog, so a missing key does not compile.
 */
import browser from 'webextension-polyfill';
import * as z from 'zod';
import type { Language } from './settings';

import type english from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof english;

const CatalogEntry = z.object({
  message: z.string(),
  placeholders: z.record(z.string(), z.object({ content: z.string() })).optional(),
});
type CatalogEntry = z.infer<typeof CatalogEntry>;
const Catalog = z.record(z.string(), CatalogEntry);
type Catalog = z.infer<typeof Catalog>;

/** Languages the extension ships catalogs for. */
export const SHIPPED_LANGUAGES = ['en', 'fr'] as const;
export type ShippedLanguage = (typeof SHIPPED_LANGUAGES)[number];

let chosen: Catalog | null = null;
let chosenLanguage: ShippedLanguage | null = null;
let setting: Language = 'browser';

/** The language setting last applied with useLanguage. */
export function languageSetting(): Language {
  return setting;
}

/** Applies the language setting; call before the first render. */
export async function useLanguage(language: Language): Promise<void> {
  setting = language;
  if (language === 'browser') {
    chosen = null;
    chosenLanguage = null;
  } else {
    const response = await fetch(browser.runtime.getURL(`/_locales/${language}/messages.json`));
    const catalog = Catalog.parse(await response.json());
    // A later call won while this one was loading: its choice stands.
    if (setting !== language) return;
    chosen = catalog;
    chosenLanguage = language;
  }
  if (typeof document !== 'undefined') document.documentElement.lang = currentLanguage();
}

/** The language the strings are in (for Intl formatting and `lang` attributes). */
export function currentLanguage(): ShippedLanguage {
  if (chosenLanguage) return chosenLanguage;
  // Asked of the catalog itself: the language getMessage really answers in (Chromium's
  // @@ui_locale and getUILanguage() can name another locale than the catalog it picked).
  return browser.i18n.getMessage('catalogLanguage') === 'fr' ? 'fr' : 'en';
}

export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  const subs = substitutions.map(String);
  if (chosen) return render(chosen[key], subs) || key;
  return browser.i18n.getMessage(key, subs) || key;
}

/** Chrome's catalog rules: named placeholders first, then $1..$9, and $$ for a dollar sign. */
export function render(entry: CatalogEntry | undefined, subs: readonly string[]): string {
  if (!entry) return '';
  let text = entry.message;
  const placeholders = entry.placeholders ?? {};
  text = text.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => {
    const p = Object.entries(placeholders).find(([k]) => k.toLowerCase() === name.toLowerCase());
    return p ? p[1].content : whole;
  });
  return text.replace(/\$(\$|[1-9])/g, (_whole, d: string) =>
    d === '$' ? '$' : (subs[Number(d) - 1] ?? ''),
  );
}
