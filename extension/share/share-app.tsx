/**
 * The share page's view: before anything is shared, what will happen and a button (the browser
 * needs a click to open its screen picker); while sharing, a preview of what the customer sees,
 * who is watching with the security code each of them should read back, the picture rate and
 * throughput, and "Stop sharing". The browser's own "stop sharing" bar and closing this window
 * stop the share too.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ErrorCode } from '../../protocol/errors';
import { CanvasJpegEncoder } from '../../ui/share/canvas-jpeg-encoder';
import { captureDisplay, type DisplayCapture } from '../../ui/share/display-capture';
import {
  SHARE_MAX_FPS,
  SharerSession,
  type SharerPhase,
  type SharerSnapshot,
} from '../../ui/share/sharer-session';
import { t, type MessageKey } from '../lib/i18n';

interface Props {
  url: string;
  token: string;
  sessionId: string;
}

type Running = { capture: DisplayCapture; sharer: SharerSession };

const REFUSALS: Partial<Record<ErrorCode, MessageKey>> = {
  feature_disabled: 'share_refused_feature',
  not_in_session: 'share_refused_session',
  session_not_found: 'share_refused_session',
  session_ended: 'share_phase_ended',
  token_invalid: 'share_notSignedIn',
  signed_out: 'share_notSignedIn',
};

export function ShareApp({ url, token, sessionId }: Props) {
  const [running, setRunning] = useState<Running | null>(null);
  const [snap, setSnap] = useState<SharerSnapshot | null>(null);
  const [captureError, setCaptureError] = useState<string | null>(null);
  const [choosing, setChoosing] = useState(false);
  const preview = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!running) return;
    const { capture, sharer } = running;
    preview.current?.replaceChildren(capture.video);
    const unsubscribe = sharer.subscribe((s) => {
      setSnap(s);
      // Refused, stopped or the session ended: the capture has nothing more to feed.
      if (s.phase === 'stopped' || s.phase === 'ended' || s.phase === 'refused') capture.stop();
    });
    capture.onEnded(() => sharer.stop());
    const leave = () => {
      sharer.stop();
      capture.stop();
    };
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      unsubscribe();
      leave();
    };
  }, [running]);

  const choose = async () => {
    setCaptureError(null);
    setChoosing(true);
    try {
      const capture = await captureDisplay(SHARE_MAX_FPS);
      const sharer = new SharerSession({
        url,
        token,
        sessionId,
        createSocket: (u) => new WebSocket(u),
        source: capture,
        jpeg: new CanvasJpegEncoder(),
      });
      setSnap(null);
      setRunning({ capture, sharer });
      sharer.start();
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      setCaptureError(
        name === 'NotAllowedError' ? t('share_captureCancelled') : t('share_captureFailed', String(e)),
      );
    } finally {
      setChoosing(false);
    }
  };

  const over =
    !running || !snap || snap.phase === 'stopped' || snap.phase === 'ended' || snap.phase === 'refused';
  return (
    <main class="share-page" data-phase={snap?.phase ?? 'idle'}>
      <h1>{t('share_title')}</h1>
      <p class="muted">{t('share_intro')}</p>
      {snap && (
        <p class="share-status" role="status">
          {statusText(snap)}
        </p>
      )}
      {snap && !over && (
        <>
          {snap.watchers.length === 0 ? (
            <p class="share-waiting">{t('share_waitingCustomer', snap.customerName ?? '')}</p>
          ) : (
            <ul class="share-watchers">
              {snap.watchers.map((w) => (
                <li key={w.peerId}>
                  {w.sas ? (
                    <>
                      <span class="share-sas" data-peer={w.peerId}>
                        {t('share_sas', w.sas)}
                      </span>
                      <span class="muted"> {t('share_sasHint')}</span>
                    </>
                  ) : (
                    t('share_securing')
                  )}
                </li>
              ))}
            </ul>
          )}
          <p class="share-stats muted">
            {t('share_stats', snap.picturesPerSecond.toFixed(1), (snap.bytesPerSecond / 1024).toFixed(0))}
          </p>
        </>
      )}
      <div class="share-preview" ref={preview} hidden={over} />
      {captureError && (
        <p class="share-error" role="alert">
          {captureError}
        </p>
      )}
      {over ? (
        <button type="button" class="primary share-start" disabled={choosing} onClick={() => void choose()}>
          {snap ? t('share_again') : t('share_choose')}
        </button>
      ) : (
        <button type="button" class="danger share-stop" onClick={() => running?.sharer.stop()}>
          {t('share_stop')}
        </button>
      )}
    </main>
  );
}

/** What the page says in each phase. */
const PHASE_TEXT: Record<SharerPhase, (s: SharerSnapshot) => string> = {
  connecting: () => t('share_phase_connecting'),
  sharing: (s) => t('share_phase_sharing', s.customerName ?? ''),
  reconnecting: () => t('share_phase_reconnecting'),
  stopped: () => t('share_phase_stopped'),
  ended: () => t('share_phase_ended'),
  refused: (s) => {
    const key = s.refused ? REFUSALS[s.refused] : undefined;
    return key ? t(key) : t('share_refused_other', s.refused ?? 'unknown');
  },
};

function statusText(s: SharerSnapshot): string {
  return PHASE_TEXT[s.phase](s);
}
