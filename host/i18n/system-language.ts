/**
 * The system's language, for what the helper says before it knows the customer's choice (a
 * helper not downloaded from the support page, or started before the welcome): the POSIX locale
 * variables in their order of precedence (LC_ALL, LC_MESSAGES, LANG, then the LANGUAGE list),
 * else the desktop's display language where the platform knows it (Windows:
 * GetUserDefaultUILanguage), else the locale the runtime reports.
 */
import { matchLanguage, type Language } from '../../protocol/i18n/language';

export function systemLanguage(
  env: NodeJS.ProcessEnv = process.env,
  runtimeLocale: () => string = () => Intl.DateTimeFormat().resolvedOptions().locale,
  desktopLanguage: () => Language | null = () => null,
): Language {
  const posix = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v && v !== 'C' && v !== 'POSIX');
  const list = [...(posix ? [posix] : []), ...(env.LANGUAGE ? env.LANGUAGE.split(':') : [])];
  if (list.length > 0) return matchLanguage(list);
  try {
    const desktop = desktopLanguage();
    if (desktop) return desktop;
  } catch {
    // the platform could not say: the runtime's locale below
  }
  try {
    return matchLanguage([runtimeLocale()]);
  } catch {
    return matchLanguage([]);
  }
}
