/**
 * Preact glue for ui/i18n: `<I18nProvider i18n={...}>` re-renders the tree when the language
 * changes, `useI18n()` gives components `t` and the current language.
 */
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { I18n } from './i18n';

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ i18n, children }: { i18n: I18n; children: ComponentChildren }) {
  // A fresh object per language makes consumers re-render on a switch.
  const [value, setValue] = useState<I18n>(() => wrap(i18n));
  useEffect(() => i18n.subscribe(() => setValue(wrap(i18n))), [i18n]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function wrap(i18n: I18n): I18n {
  return {
    language: i18n.language,
    t: i18n.t,
    setLanguage: (l) => i18n.setLanguage(l),
    subscribe: (l) => i18n.subscribe(l),
  };
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n() outside <I18nProvider>');
  return value;
}
