/**
 * "View screen": asks the customer to share their screen (screen.request), shows the join code
 * (for a helper that asks for it) and says where the customer is: waiting for the download,
 * downloading, helper started and waiting for consent, what they allowed, declined, closed the
 * window, stopped sharing, or the session ended. "Ask again" is offered only while the session is
 * open. The viewer window itself is the viewer's (extension/viewer/).
 */
import { useState } from 'preact/hooks';
import { t } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import { formatClock } from '../lib/format-time';
import type { ScreenView } from '../lib/ui-protocol';
import type { Grants } from '../../protocol/common';
import { openViewerWindow } from '../viewer/open-viewer';
import { catalogKey } from '../../ui/viewer/viewer-text';

export function ScreenPanel(props: {
  sessionId: string;
  screen: ScreenView;
  online: boolean;
  closed: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { screen } = props;
  const request = async () => {
    setBusy(true);
    setError(null);
    try {
      await ask({ type: 'screen.request', sessionId: props.sessionId });
    } catch {
      setError(t('errorScreenRequest'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel screen-panel" aria-labelledby="screen-title">
      <h2 id="screen-title">{t('viewScreen')}</h2>
      <p class="muted">{t('screenExplain')}</p>
      {!props.closed && (
        <button
          type="button"
          class="primary screen-request"
          disabled={busy || !props.online}
          onClick={() => void request()}
        >
          {screen.joinCode ? t('screenAskAgain') : t('screenAsk')}
        </button>
      )}
      {screen.joinCode && !props.closed && (
        <p class="join-code">
          {t('screenJoinCode')} <strong>{groupDigits(screen.joinCode)}</strong>
          {screen.expiresAt !== null && (
            <span class="muted"> {t('screenValidUntil', formatClock(screen.expiresAt))}</span>
          )}
        </p>
      )}
      <p class="helper-status" role="status" data-step={screenStep(screen, props.closed)}>
        {STEP_TEXT[screenStep(screen, props.closed)](screen)}
      </p>
      {(screen.joinCode || screen.helper) && !props.closed && (
        <button type="button" class="open-viewer" onClick={() => void openViewerWindow(props.sessionId)}>
          {t(catalogKey('openViewer'))}
        </button>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}

function groupDigits(code: string): string {
  return code.replace(/(\d{3})(?=\d)/g, '$1 ');
}

/** Where the customer is in sharing their screen, as the agent's panel tells it. */
export type ScreenStep =
  | 'idle'
  | 'waiting_download'
  | 'downloaded'
  | 'waiting_consent'
  | 'sharing'
  | 'declined'
  | 'closed'
  | 'stopped'
  | 'helper_gone'
  | 'os_not_supported'
  | 'session_ended';

export function screenStep(screen: ScreenView, sessionClosed: boolean): ScreenStep {
  if (sessionClosed) return 'session_ended';
  const helper = screen.helper;
  if (!helper) {
    if (!screen.joinCode) return 'idle';
    return screen.downloaded ? 'downloaded' : 'waiting_download';
  }
  if (helper.error === 'os_not_supported') return 'os_not_supported';
  if (helper.ended) return helper.ended;
  if (!helper.connected) return 'helper_gone';
  return Object.values(helper.grants).some(Boolean) ? 'sharing' : 'waiting_consent';
}

const STEP_TEXT: Record<ScreenStep, (screen: ScreenView) => string> = {
  idle: () => '',
  waiting_download: () => t('screenWaitingHelper'),
  downloaded: () => t('screenDownloaded'),
  waiting_consent: () => t('screenWaitingConsent'),
  sharing: (screen) => {
    const grants = screen.helper?.grants;
    const granted = grants ? (Object.keys(grants) as (keyof Grants)[]).filter((k) => grants[k]) : [];
    return t('screenGranted', granted.map((g) => t(`grant_${g}`)).join(', '));
  },
  declined: () => t('screenDeclined'),
  closed: () => t('screenClosed'),
  stopped: () => t('screenStopped'),
  helper_gone: () => t('screenHelperGone'),
  os_not_supported: (screen) => t('screenOsNotSupported', screen.helper?.os ?? ''),
  session_ended: () => t('screenSessionEnded'),
};
