/**
 * The signed-in popup: connection and availability, the waiting customers (queue-item.tsx: live
 * requests, transfers and continuations addressed to this agent, callback requests), and the
 * agent's open sessions (a click opens the chat window).
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { t } from '../lib/i18n';
import { ask, UiError } from '../lib/ui-client';
import type { AgentView } from '../lib/ui-protocol';
import { QueueItem } from './queue-item';

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
            disabled={view.connection !== 'online' || view.waitingForSeat}
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
      {view.waitingForSeat && (
        <p class="without-seat" role="status">
          {t('withoutSeatBanner')}
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
                myAgentId={view.agent?.id ?? null}
                canAct={view.connection === 'online'}
                actions={{
                  accept: () => void run(() => ask({ type: 'request.accept', sessionId: entry.sessionId })),
                  decline: (reason) =>
                    void run(() => ask({ type: 'request.decline', sessionId: entry.sessionId, reason })),
                  handled: (note) =>
                    void run(() => ask({ type: 'callback.handled', sessionId: entry.sessionId, note })),
                }}
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

function actionError(err: unknown): string {
  if (err instanceof UiError) {
    if (err.code === 'already_accepted') return t('errorAlreadyAccepted');
    if (err.code === 'unavailable') return t('errorOffline');
    if (err.code === 'seat_required') return t('withoutSeatBanner');
  }
  return t('errorAction');
}
