/**
 * What the customer can do about a slow link, shown while the agent's viewer finds it slow and the
 * screen is streaming (protocol `screen.link`): the FAQ's advice of the product we replace (close
 * programs that stream, a plainer wallpaper, close unused programs). Hook-free, so a test renders
 * it with either catalog.
 */
import type { TFunction } from '../../i18n/i18n';

export function SlowLinkAdvice({ t, agent }: { t: TFunction; agent: string }) {
  return (
    <section
      class="ll-screen ll-note"
      role="status"
      aria-labelledby="ll-slow-link-title"
      data-testid="slow-link"
    >
      <h2 id="ll-slow-link-title">{t('support.slowLink.title')}</h2>
      <p>{t('support.slowLink.intro', { agent })}</p>
      <ul>
        <li>{t('support.slowLink.streaming')}</li>
        <li>{t('support.slowLink.wallpaper')}</li>
        <li>{t('support.slowLink.unused')}</li>
      </ul>
    </section>
  );
}
