/**
 * One waiting request in the popup: who, which portal, how long they have waited, the problem,
 * and what kind of request it is, each with its own action:
 *   - a live request: Accept; when the customer's page is closed, that is said (it is withdrawn
 *     if they do not come back);
 *   - a request addressed to this agent (a transfer, or a customer continuing with them): Accept
 *     or Decline with a reason, and how long is left before it goes elsewhere;
 *   - a callback request (the customer left their details and went): their e-mail address and
 *     "Mark as handled" once written to or called, with an optional note.
 */
import { useState } from 'preact/hooks';
import type { QueueEntry } from '../../protocol/common';
import { COMMENT_MAX_CHARS } from '../../protocol/limits';
import { t } from '../lib/i18n';
import { formatClock, formatWaiting } from '../lib/format-time';

export interface QueueItemActions {
  accept(): void;
  decline(reason: string): void;
  handled(note: string): void;
}

export function QueueItem(props: {
  entry: QueueEntry;
  now: number;
  myAgentId: string | null;
  canAct: boolean;
  actions: QueueItemActions;
}) {
  const { entry, now } = props;
  const [asking, setAsking] = useState<'decline' | 'handled' | null>(null);
  const [text, setText] = useState('');
  const forMe = entry.targetAgentId !== undefined && entry.targetAgentId === props.myAgentId;
  const kind = entry.callback ? 'callback' : 'live';
  return (
    <li class={`queue-entry ${kind}`} data-session={entry.sessionId} data-kind={kind}>
      <div class="who">
        <strong class="customer">{entry.customerName}</strong>
        <span class="portal muted">{entry.portal.name}</span>
        <span class="waiting" title={t('waitingSince')}>
          {formatWaiting(now - entry.queuedAt)}
        </span>
      </div>
      {entry.callback && (
        <p class="callback-note">
          <span class="badge">{t('callbackBadge')}</span>{' '}
          {t('callbackLeft', formatClock(entry.callback.at), entry.callback.email)}
        </p>
      )}
      {entry.continuation && forMe && <p class="continuation-note">{t('continuationAsks')}</p>}
      {entry.customer && (
        <p class={`customer-presence ${entry.customer.state}`} role="status">
          {entry.customer.state === 'left'
            ? t('customerLeftQueue')
            : t('customerAwayQueue', formatClock(entry.customer.since))}
        </p>
      )}
      {entry.problem && <p class="problem">{entry.problem}</p>}
      {entry.transfer && (
        <p class="transfer">
          <span class="muted">{t('transferredBy', entry.transfer.fromAgent.name)}</span>{' '}
          {entry.transfer.comment && <q class="transfer-comment">{entry.transfer.comment}</q>}
        </p>
      )}
      {forMe && entry.answerBy !== undefined && (
        <p class="answer-by muted">
          {t(
            entry.transfer ? 'answerByTransfer' : 'answerByContinuation',
            formatWaiting(entry.answerBy - now),
          )}
        </p>
      )}
      {asking ? (
        <form
          class="reason-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (asking === 'decline') props.actions.decline(text.trim());
            else props.actions.handled(text.trim());
            setAsking(null);
            setText('');
          }}
        >
          <label for={`reason-${entry.sessionId}`}>
            {asking === 'decline' ? t('declineReason') : t('handledNote')}
          </label>
          <textarea
            id={`reason-${entry.sessionId}`}
            class="reason"
            rows={2}
            maxLength={COMMENT_MAX_CHARS}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <div class="row">
            <button
              type="submit"
              class={asking === 'decline' ? 'danger confirm-decline' : 'primary confirm-handled'}
            >
              {asking === 'decline' ? t('declineConfirm') : t('handledConfirm')}
            </button>
            <button type="button" onClick={() => setAsking(null)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : entry.callback ? (
        <button
          type="button"
          class="primary handled"
          disabled={!props.canAct}
          onClick={() => setAsking('handled')}
        >
          {t('markHandled')}
        </button>
      ) : (
        <div class="row">
          <button
            type="button"
            class="primary accept"
            disabled={!props.canAct}
            onClick={props.actions.accept}
          >
            {t('accept')}
          </button>
          {forMe && (
            <button
              type="button"
              class="decline"
              disabled={!props.canAct}
              onClick={() => setAsking('decline')}
            >
              {t('decline')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}
