/** The customer's Windows display language, as one of the languages the helper speaks. */
import type { Language } from '../../../protocol/i18n/language';
import { win32 } from './win32';

/** PRIMARYLANGID of LANG_FRENCH. */
const LANG_FRENCH = 0x0c;
const PRIMARY_LANGUAGE_MASK = 0x3ff;

export function uiLanguage(): Language {
  const langId = win32().kernel32.GetUserDefaultUILanguage?.() ?? 0;
  return (langId & PRIMARY_LANGUAGE_MASK) === LANG_FRENCH ? 'fr' : 'en';
}
