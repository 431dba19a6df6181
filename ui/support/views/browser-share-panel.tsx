/**
 * Showing the screen from this page, with nothing to install: for systems without a helper
 * (macOS, ChromeOS), and as a second choice where the customer may not install anything. Before:
 * what it allows and what it does not, in plain words, and one button (the browser then asks
 * which screen, window or tab). While sharing: to whom, the security code the agent sees too,
 * and Stop. The capture is asked for in the click itself (browsers require it); the support
 * controller streams it (ui/share/browser-share-session.ts).
 */
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/use-i18n';
import { CanvasJpegEncoder } from '../../share/canvas-jpeg-encoder';
import { captureDisplay } from '../../share/display-capture';
import { SHARE_MAX_FPS } from '../../share/picture-streamer';
import { pageOsInfo } from '../detect-browser';
import type { OsId } from '../detect-os';
import type { ViewProps } from './view-props';

/** What the panel starts from: the offer, as the main way or as a second choice. */
export function BrowserShareOffer(props: ViewProps & { os: OsId; agent: string; main: boolean }) {
  const { t } = useI18n();
  const { actions, model, os, agent } = props;
  const [asking, setAsking] = useState(false);
  const failure = model.browserShare.failure;
  const start = async () => {
    setAsking(true);
    try {
      const capture = await captureDisplay(SHARE_MAX_FPS);
      actions.startBrowserShare(capture, new CanvasJpegEncoder(), pageOsInfo(os, navigator.userAgent));
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      actions.browserShareFailed(name === 'NotAllowedError' || name === 'AbortError', String(e));
    } finally {
      setAsking(false);
    }
  };
  const body = (
    <>
      <p>{t('support.browserShare.explain', { agent })}</p>
      <button
        type="button"
        class={props.main ? 'll-primary ll-button' : 'll-secondary'}
        disabled={asking}
        data-testid="browser-share-start"
        onClick={() => void start()}
      >
        {t('support.browserShare.button')}
      </button>
      {failure && (
        <p class="ll-error" role="alert" data-testid="browser-share-failure">
          {failure.kind === 'cancelled'
            ? t('support.browserShare.cancelled')
            : failure.kind === 'capture'
              ? t('support.browserShare.failed', { agent })
              : t('support.browserShare.refused', { agent })}
        </p>
      )}
    </>
  );
  if (props.main) {
    return (
      <div class="ll-browser-share" data-testid="browser-share-offer" data-main="true">
        <h3>{t('support.browserShare.title')}</h3>
        {body}
      </div>
    );
  }
  return (
    <details
      class="ll-browser-share"
      data-testid="browser-share-offer"
      data-main="false"
      open={failure !== null}
    >
      <summary>{t('support.browserShare.alternative')}</summary>
      {body}
    </details>
  );
}

/** While the page shows the screen: to whom, the security code, Stop. */
export function BrowserShareActive({ model, actions, agent }: ViewProps & { agent: string }) {
  const { t } = useI18n();
  const share = model.browserShare;
  return (
    <section class="ll-screen ll-browser-sharing" role="status" data-browser-share={share.phase}>
      <p>
        {share.phase === 'sharing'
          ? t('support.browserShare.sharing', { agent })
          : share.phase === 'reconnecting'
            ? t('support.browserShare.reconnecting')
            : t('support.browserShare.connecting')}
      </p>
      {share.codes.map((code) => (
        <p class="ll-muted" key={code} data-testid="browser-share-code">
          {t('support.browserShare.code', { code, agent })}
        </p>
      ))}
      <button type="button" class="ll-secondary" onClick={() => actions.stopBrowserShare()}>
        {t('support.browserShare.stop')}
      </button>
    </section>
  );
}
