/** A small select that switches the page's language at once (choice kept in localStorage). */
import { LANGUAGE_NAMES, LANGUAGES, isLanguage } from './languages';
import { useI18n } from './use-i18n';

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <label class="ll-language">
      <span class="ll-sr">{t('common.language')}</span>
      <select
        value={language}
        onChange={(e) => {
          const v = e.currentTarget.value;
          if (isLanguage(v)) setLanguage(v);
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
