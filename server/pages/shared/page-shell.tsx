/** The frame shared by the setup and management pages: brand, title, language switch, content. */
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { LanguageSwitch } from '../../../ui/i18n/language-switch';
import { useI18n } from '../../../ui/i18n/use-i18n';

export function PageShell({
  title,
  children,
  wide,
}: {
  title: string;
  children: ComponentChildren;
  wide?: boolean;
}) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t('common.appName')}`;
  }, [title, t]);
  return (
    <div class="ll-page">
      <header class="ll-top">
        <span class="ll-brand">
          <span class="ll-logo" aria-hidden="true" />
          {t('common.appName')}
        </span>
        <LanguageSwitch />
      </header>
      <main class={wide ? 'll-main ll-main-wide' : 'll-main'}>{children}</main>
    </div>
  );
}
