/**
 * The popup: the agent's alert list. Signed out: the sign-in form (server, e-mail, password) with
 * the server's errors in plain words and the seat-limit question. Signed in: availability, the
 * waiting customers with Accept, the agent's open sessions, sign-out. Opened as Firefox's alert
 * window (popup.html?alert=1, background/alert-window-notifier.ts) it is titled as an alert.
 */
import '../../ui/strict-csp-zod';
import { mountPage, usePageState } from '../lib/page-state';
import { t } from '../lib/i18n';
import { SignIn } from './sign-in';
import { AlertList } from './alert-list';

function Popup() {
  const { view } = usePageState('popup');
  if (!view) return <p class="loading">{t('loading')}</p>;
  return view.connection === 'signed_out' ? <SignIn view={view} /> : <AlertList view={view} />;
}

void mountPage(() => {
  const isAlertWindow = new URLSearchParams(location.search).get('alert') === '1';
  document.title = isAlertWindow ? t('alertWindowTitle') : t('extName');
  return <Popup />;
});
