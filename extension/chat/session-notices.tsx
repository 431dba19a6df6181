/**
 * What the chat window says about the turns of a session: the customer's page closed (away) or
 * gone for good (left); a transfer this agent made, still waiting for its taker, with "Take it
 * back" and when it returns by itself; a transfer that came back (declined with the colleague's
 * reason, not taken in time, taken back), until dismissed.
 */
import { useState } from 'preact/hooks';
import { formatClock } from '../lib/format-time';
import { t } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import type { SessionDetail } from '../lib/ui-protocol';

export function SessionNotices(props: { detail: SessionDetail; myAgentId: string | null; online: boolean }) {
  const { session, closed, returned } = props.detail;
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<unknown>) => {
    setError(null);
    action().catch(() => setError(t('errorAction')));
  };
  const waiting =
    closed === 'transferred' &&
    session.state === 'transferring' &&
    session.transfer?.fromAgent.id === props.myAgentId;
  return (
    <>
      {session.customer && session.state !== 'ended' && (
        <p class={`customer-presence ${session.customer.state}`} role="status">
          {session.customer.state === 'left'
            ? t('customerLeftChat', session.customerName, formatClock(session.customer.since))
            : t('customerAwayChat', session.customerName, formatClock(session.customer.since))}
        </p>
      )}
      {waiting && (
        <p class="transfer-waiting" role="status">
          {t('transferWaiting', session.transferTo?.name ?? '', formatClock(session.answerBy ?? Date.now()))}{' '}
          <button
            type="button"
            class="recall"
            disabled={!props.online}
            onClick={() => run(() => ask({ type: 'session.recall', sessionId: session.id }))}
          >
            {t('recall')}
          </button>
        </p>
      )}
      {returned && (
        <div class="transfer-returned" role="alert">
          <p>
            {returned.reason === 'declined'
              ? t('returnedDeclined', returned.by ?? '')
              : returned.reason === 'timeout'
                ? t('returnedTimeout', returned.by ?? '')
                : t('returnedRecalled')}
          </p>
          {returned.comment && <p class="returned-reason">{t('returnedReason', returned.comment)}</p>}
          <button
            type="button"
            class="dismiss"
            onClick={() => run(() => ask({ type: 'session.dismiss_returned', sessionId: session.id }))}
          >
            {t('dismiss')}
          </button>
        </div>
      )}
      {error && <p role="alert">{error}</p>}
    </>
  );
}
