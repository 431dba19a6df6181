/**
 * The support page: header (portal, language), the connection banner, and the view for the
 * current phase, looked up in a table (every phase has exactly one view).
 */
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LanguageSwitch } from '../../i18n/language-switch';
import { useI18n } from '../../i18n/use-i18n';
import type { SupportController } from '../support-controller';
import type { SupportModel } from '../support-model';
import type { PhaseName } from '../support-phase';
import { ChatPhaseView } from './chat-phase-view';
import { ConnectionBanner } from './connection-banner';
import { EndedView } from './ended-view';
import { RequestForm } from './request-form';
import { CancelledView, LeftView, LoadingView, PortalMissingView } from './simple-views';
import type { ViewProps } from './view-props';
import { WaitingView } from './waiting-view';
import '../support.css';

const VIEWS: Record<PhaseName, FunctionComponent<ViewProps>> = {
  loading: LoadingView,
  form: RequestForm,
  submitting: RequestForm,
  resuming: LoadingView,
  waiting: WaitingView,
  chat: ChatPhaseView,
  ended: EndedView,
  restarting: EndedView,
  cancelled: CancelledView,
  left: LeftView,
  portal_missing: PortalMissingView,
};

export function useSupportModel(controller: SupportController): SupportModel {
  const [model, setModel] = useState(controller.current);
  useEffect(() => {
    setModel(controller.current);
    return controller.subscribe(setModel);
  }, [controller]);
  return model;
}

export function SupportApp({ controller }: { controller: SupportController }) {
  const model = useSupportModel(controller);
  const { t, language } = useI18n();
  const View = VIEWS[model.phase];
  const portal = model.portal.name;

  useEffect(() => {
    document.title = portal ? t('support.pageTitle', { portal }) : t('support.pageTitleGeneric');
  }, [portal, t, language]);

  return (
    <div class="ll-page" data-phase={model.phase}>
      <header class="ll-top">
        <span class="ll-brand">
          <span class="ll-logo" aria-hidden="true" />
          {portal ?? t('common.appName')}
        </span>
        <LanguageSwitch />
      </header>
      <ConnectionBanner model={model} actions={controller} />
      <main class="ll-main">
        <View model={model} actions={controller} />
      </main>
      <footer class="ll-foot">{t('support.footer')}</footer>
    </div>
  );
}
