/** The short views: loading, no such portal, request cancelled, details left. */
import { useI18n } from '../../i18n/use-i18n';
import type { ViewProps } from './view-props';

export function LoadingView() {
  const { t } = useI18n();
  return (
    <section class="ll-card" data-view="loading" aria-busy="true">
      <span class="ll-spinner" aria-hidden="true" />
      <p>{t('support.loading')}</p>
    </section>
  );
}

export function PortalMissingView() {
  const { t } = useI18n();
  return (
    <section class="ll-card" data-view="portal-missing">
      <h1>{t('support.portalMissing.title')}</h1>
      <p>{t('support.portalMissing.body')}</p>
    </section>
  );
}

export function CancelledView({ actions }: ViewProps) {
  const { t } = useI18n();
  return (
    <section class="ll-card" data-view="cancelled">
      <h1>{t('support.cancelled.title')}</h1>
      <p>{t('support.cancelled.body')}</p>
      <button type="button" class="ll-primary" onClick={() => actions.newRequest()}>
        {t('support.cancelled.new')}
      </button>
    </section>
  );
}

export function LeftView({ model, actions }: ViewProps) {
  const { t } = useI18n();
  return (
    <section class="ll-card" data-view="left">
      <h1>{t('support.left.title')}</h1>
      <p>{t('support.left.body', { email: model.details?.email ?? '' })}</p>
      <button type="button" class="ll-secondary" onClick={() => actions.newRequest()}>
        {t('support.left.new')}
      </button>
    </section>
  );
}
