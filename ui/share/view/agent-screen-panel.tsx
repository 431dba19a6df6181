/**
 * The support page's "Your agent is showing their screen" panel: while the agent shares
 * (share.status active), it runs a WatcherSession on its own socket and paints the agent's
 * picture on a canvas, with the security code the agent sees too. View only: the canvas has no
 * input handlers and nothing here sends input. Mounted by the chat view; unmounting (the share
 * stopped, the session ended) stops the watcher.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MessageKey } from '../../i18n/i18n';
import { useI18n } from '../../i18n/use-i18n';
import { BrowserJpegDecoder } from '../../decoder/browser-jpeg-decoder';
import { CanvasPainter } from '../canvas-painter';
import type { CreateSocket } from '../../data-plane/data-plane-socket';
import { WatcherSession, type WatcherPhase, type WatcherSnapshot } from '../watcher-session';
import './agent-screen.css';

export interface AgentScreenPanelProps {
  /** Where and with which request token to watch; null: nothing to watch (no request). */
  access: { wsUrl: string; requestToken: string } | null;
  /** The agent's name from the page (the watcher's welcome names them too). */
  agentName: string;
  /** Tests and other hosts may pass their own socket maker; the page uses the browser's. */
  createSocket?: CreateSocket;
}

const PHASE_TEXT: Record<WatcherPhase, MessageKey | null> = {
  connecting: 'support.agentShare.connecting',
  securing: 'support.agentShare.securing',
  waiting_picture: 'support.agentShare.waiting',
  showing: null,
  reconnecting: 'support.agentShare.reconnecting',
  stopped: 'support.agentShare.stopped',
  ended: 'support.agentShare.stopped',
  refused: 'support.agentShare.unavailable',
};

const browserSocket: CreateSocket = (url) => new WebSocket(url);

export function AgentScreenPanel({ access, agentName, createSocket }: AgentScreenPanelProps) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [snap, setSnap] = useState<WatcherSnapshot | null>(null);
  const wsUrl = access?.wsUrl ?? null;
  const token = access?.requestToken ?? null;

  useEffect(() => {
    if (wsUrl === null || token === null) return;
    const watcher = new WatcherSession({
      url: wsUrl,
      requestToken: token,
      createSocket: createSocket ?? browserSocket,
      jpeg: new BrowserJpegDecoder(),
      painter: new CanvasPainter(() => canvas.current),
    });
    const unsubscribe = watcher.subscribe(setSnap);
    watcher.start();
    return () => {
      unsubscribe();
      watcher.stop();
    };
  }, [wsUrl, token]);

  const agent = snap?.agentName ?? agentName;
  const phase = snap?.phase ?? 'connecting';
  const status = PHASE_TEXT[phase];
  const showing = phase === 'showing' || (snap !== null && snap.width > 0);
  return (
    <section class="ll-agent-screen" aria-labelledby="ll-agent-screen-title" data-share={phase}>
      <h2 id="ll-agent-screen-title">{t('support.agentShare.title')}</h2>
      <p class="ll-muted">{t('support.agentShare.viewOnly', { agent })}</p>
      {snap?.sas && (
        <p class="ll-agent-screen-sas" data-testid="share-sas">
          <strong>{t('support.agentShare.sas', { code: snap.sas })}</strong>{' '}
          <span class="ll-muted">{t('support.agentShare.sasHint', { agent })}</span>
        </p>
      )}
      {status && (
        <p class="ll-agent-screen-status" role="status">
          {t(status, { agent })}
        </p>
      )}
      {snap?.damaged && (
        <p class="ll-error" role="alert">
          {t('support.agentShare.damaged')}
        </p>
      )}
      <div class="ll-agent-screen-frame" hidden={!showing}>
        <canvas
          ref={canvas}
          class="ll-agent-screen-canvas"
          role="img"
          aria-label={t('support.agentShare.canvas', { agent })}
        />
      </div>
    </section>
  );
}
