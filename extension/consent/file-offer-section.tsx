/**
 * "Send a file to the agent..." in the consent window (native mode), shown while the customer
 * allows file transfer and an agent's viewer is connected: the helper opens the system's own
 * file chooser (Windows' Open dialog, zenity/kdialog on Linux) and offers the chosen file; this
 * part says what happened in the customer's words (offered and waiting, with Withdraw; the agent's
 * answer; no file chosen; refused and why) from the reply and the helper's host.offer.
 */
import { useState } from 'preact/hooks';
import type { ConsentView } from '../lib/ui-protocol';
import { t, type MessageKey } from '../lib/i18n';
import { ask, UiError } from '../lib/ui-client';

/** Why the helper refused the offer, by error code, in the customer's words. */
const REFUSED: Partial<Record<string, MessageKey>> = {
  forbidden: 'consentOffer_forbidden',
  not_found: 'consentOffer_not_found',
  consent_required: 'consentOffer_consent_required',
  unavailable: 'consentOffer_unavailable',
};

const STATE_TEXT: Record<NonNullable<ConsentView['offer']>['state'], MessageKey> = {
  pending: 'consentOffer_pending',
  accepted: 'consentOffer_accepted',
  declined: 'consentOffer_declined',
  withdrawn: 'consentOffer_withdrawn',
};

export function FileOfferSection(props: { offer: ConsentView['offer'] }) {
  const [choosing, setChoosing] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const offer = props.offer;
  const pending = offer?.state === 'pending';

  const send = async () => {
    setNote(null);
    setChoosing(true);
    try {
      const r = await ask({ type: 'consent.file_offer' });
      if (r.outcome === 'cancelled') setNote(t('consentOffer_cancelled'));
    } catch (err) {
      const key = err instanceof UiError ? REFUSED[err.code] : undefined;
      setNote(key ? t(key) : t('consentOffer_failed'));
    } finally {
      setChoosing(false);
    }
  };
  const withdraw = async () => {
    setNote(null);
    try {
      await ask({ type: 'consent.file_withdraw' });
    } catch {
      // The agent answered meanwhile: the helper's host.offer says how.
      setNote(t('consentOffer_nothingToWithdraw'));
    }
  };

  return (
    <section class="file-offer">
      {offer && (
        <p class="offer-state" role="status" data-offer-state={offer.state}>
          {t(STATE_TEXT[offer.state], offer.name)}
        </p>
      )}
      {note && (
        <p class="offer-note" role="alert">
          {note}
        </p>
      )}
      {pending ? (
        <button type="button" class="offer-withdraw" onClick={() => void withdraw()}>
          {t('consentOffer_withdraw')}
        </button>
      ) : (
        <button type="button" class="offer-send" disabled={choosing} onClick={() => void send()}>
          {choosing ? t('consentOffer_choosing') : t('consentOffer_send')}
        </button>
      )}
    </section>
  );
}
