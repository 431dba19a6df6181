/**
 * The languages Lifeline speaks (pages, extension, helper), as one list the channels validate:
 * the language the customer chose on the support page travels with their session to the helper,
 * which asks for consent in it. `matchLanguage` maps a preference list (browser languages, or a
 * system locale such as "fr_FR.UTF-8") to the best one we have, English by default.
 */
import * as z from 'zod';

export const LANGUAGES = ['en', 'fr'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;
export const DEFAULT_LANGUAGE: Language = 'en';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The best language for a preference list (BCP 47 tags or POSIX locales, most preferred first). */
export function matchLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag
      .trim()
      .toLowerCase()
      .split(/[-_.@]/)[0];
    if (isLanguage(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}
