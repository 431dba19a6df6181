/**
 * The signed-in popup: connection and availability, the waiting customers (name, problem,
 * portal, waiting time that ticks, transfer comment) with Accept, and the agent's open sessions
 * (a click opens the chat window).
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { QueueEntry } from '../../protocol/common';
import { t } from '../lib/i18n';
import { ask, UiError } from '../lib/ui-client';
import type { AgentView } from '../lib/ui-protocol';
import { formatWaiting } from '../lib/format-time';

/** The waiting times tick this often, in ms. */
const TICK_MS = 1000;

export function AlertList({ view }: { view: AgentView }) {
  const [now, setNow] = useState(Date.now());
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(actionError(err));
    }
  };

  const available = view.presence === 'available';
  return (
    <main class="alert-list">
      <header class="bar">
        <div class="me">
          <strong class="agent-name">{view.agent?.name}</strong>
          <span class={`connection ${view.connection}`} role="status">
            {t(`connection_${view.connection}`)}
          </span>
        </div>
        <div class="actions">
          <button
            type="button"
            class={`presence ${view.presence}`}
            aria-pressed={available}
            disabled={view.connection !== 'online'}
            title={t('presenceToggleHint')}
            onClick={() =>
              void run(() => ask({ type: 'presence.set', status: available ? 'busy' : 'available' }))
            }
          >
            {available ? t('presenceAvailable') : t('presenceBusy')}
          </button>
          <button type="button" class="logout" onClick={() => void run(() => ask({ type: 'auth.logout' }))}>
            {t('signOut')}
          </button>
        </div>
      </header>
      {error && (
        <p class="action-error" role="alert">
          {error}
        </p>
      )}
      <section class="queue" aria-labelledby="queue-title">
        <h2 id="queue-title">{t('queueTitle', view.queue.length)}</h2>
        {view.queue.length === 0 ? (
          <p class="empty">{t('queueEmpty')}</p>
        ) : (
          <ul>
            {view.queue.map((entry) => (
              <QueueItem
                key={entry.sessionId}
                entry={entry}
                now={now}
                canAccept={view.connection === 'online'}
                onAccept={() => void run(() => ask({ type: 'request.accept', sessionId: entry.sessionId }))}
              />
            ))}
          </ul>
        )}
      </section>
      <section class="sessions" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t('sessionsTitle', view.sessions.length)}</h2>
        {view.sessions.length === 0 ? (
          <p class="empty">{t('sessionsEmpty')}</p>
        ) : (
          <ul>
            {view.sessions.map((s) => (
              <li key={s.id} class="session-entry">
                <button
                  type="button"
                  class="open-session"
                  data-session={s.id}
                  onClick={() => void run(() => ask({ type: 'session.window', sessionId: s.id }))}
                >
                  <strong>{s.customerName}</strong>
                  <span class="muted"> · {s.portal.name}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <footer>
        <button type="button" class="link" onClick={() => void browser.runtime.openOptionsPage()}>
          {t('openOptions')}
        </button>
      </footer>
    </main>
  );
}

function QueueItem(props: { entry: QueueEntry; now: number; canAccept: boolean; onAccept: () => void }) {
  const { entry } = props;
  return (
    <li class="queue-entry" data-session={entry.sessionId}>
      <div class="who">
        <strong class="customer">{entry.customerName}</strong>
        <span class="portal muted">{entry.portal.name}</span>
        <span class="waiting" title={t('waitingSince')}>
          {formatWaiting(props.now - entry.queuedAt)}
        </span>
      </div>
      {entry.problem && <p class="problem">{entry.problem}</p>}
      {entry.transfer && (
        <p class="transfer">
          <span class="muted">{t('transferredBy', entry.transfer.fromAgent.name)}</span>{' '}
          {entry.transfer.comment && <q class="transfer-comment">{entry.transfer.comment}</q>}
        </p>
      )}
      <button type="button" class="primary accept" disabled={!props.canAccept} onClick={props.onAccept}>
        {t('accept')}
      </button>
    </li>
  );
}

function actionError(err: unknown): string {
  if (err instanceof UiError) {
    if (err.code === 'already_accepted') return t('errorAlreadyAccepted');
    if (err.code === 'unavailable') return t('errorOffline');
  }
  return t('errorAction');
}
