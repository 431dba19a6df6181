/**
 * The seat-limit question: every seat is taken; the agent may sign out one of the agents listed
 * (the server ends that login and gives the seat to this one), sign in without a seat (nothing
 * to see or take until one frees; the server gives it then), or give up.
 */
import { t } from '../lib/i18n';
import type { LoginOutcome } from '../lib/login-client';
import { formatClock } from '../lib/format-time';

type SeatLimit = Extract<LoginOutcome, { kind: 'seat_limit' }>;

export function SeatQuestion(props: {
  outcome: SeatLimit;
  busy: boolean;
  onReplace: (loginId: string) => void;
  onWait: () => void;
  onCancel: () => void;
}) {
  const holders = props.outcome.holders;
  return (
    <section class="seat-question" role="alertdialog" aria-labelledby="seat-title">
      <h1 id="seat-title">{t('seatTitle')}</h1>
      <p class="seat-count">{t('seatQuestion', holders.length)}</p>
      <ul class="seat-holders">
        {holders.map((h) => (
          <li class="seat-holder" key={h.loginId}>
            <span class="who">
              <strong>{h.name}</strong> <span class="muted">{h.email}</span>
              <br />
              <span class="muted">{t('signedInSince', formatClock(h.since))}</span>
            </span>
            <button
              type="button"
              class="danger replace"
              data-login={h.loginId}
              disabled={props.busy}
              onClick={() => props.onReplace(h.loginId)}
            >
              {t('signOutThisAgent', h.name)}
            </button>
          </li>
        ))}
      </ul>
      <p class="muted">{t('seatWaitHint')}</p>
      <button type="button" class="primary wait-for-seat" disabled={props.busy} onClick={props.onWait}>
        {t('seatWait')}
      </button>
      <button type="button" class="cancel" disabled={props.busy} onClick={props.onCancel}>
        {t('cancel')}
      </button>
    </section>
  );
}
