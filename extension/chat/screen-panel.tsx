/**
 * "View screen": asks the customer to share their screen (screen.request) and shows the join
 * code (for a customer without the extension) and the helper's status. The viewer window itself
 * belongs to the viewer work; this panel stops at "the helper is connected".
 */
import { useState } from 'preact/hooks';
import { t } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import { formatClock } from '../lib/format-time';
import type { ScreenView } from '../lib/ui-protocol';
import type { Grants } from '../../protocol/common';
import { openViewerWindow } from '../viewer/open-viewer';
import { catalogKey } from '../../ui/viewer/viewer-text';

export function ScreenPanel(props: { sessionId: string; screen: ScreenView; online: boolean }) {
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
      <button
        type="button"
        class="primary screen-request"
        disabled={busy || !props.online}
        onClick={() => void request()}
      >
        {screen.joinCode ? t('screenAskAgain') : t('screenAsk')}
      </button>
      {screen.joinCode && (
        <p class="join-code">
          {t('screenJoinCode')} <strong>{groupDigits(screen.joinCode)}</strong>
          {screen.expiresAt !== null && (
            <span class="muted"> {t('screenValidUntil', formatClock(screen.expiresAt))}</span>
          )}
        </p>
      )}
      <p class="helper-status" role="status">
        {helperText(screen)}
      </p>
      {(screen.joinCode || screen.helper) && (
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

function helperText(screen: ScreenView): string {
  const helper = screen.helper;
  if (!helper) return screen.joinCode ? t('screenWaitingHelper') : '';
  if (helper.error === 'os_not_supported') return t('screenOsNotSupported', helper.os ?? '');
  if (!helper.connected) return t('screenHelperGone');
  const granted = (Object.keys(helper.grants) as (keyof Grants)[]).filter((k) => helper.grants[k]);
  if (granted.length === 0) return t('screenWaitingConsent');
  return t('screenGranted', granted.map((g) => t(`grant_${g}`)).join(', '));
}
