/**
 * Files the customer offers from the helper (files.offered), shown above the picture whether the
 * Files panel is open or not: "The customer offers invoice.pdf (48 kB, from Documents) — Accept /
 * Decline". Accept downloads exactly that file (the usual checks) and opens the Files panel to
 * show its progress; Decline tells the customer and nothing is read.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Translate } from '../../viewer-text';
import type { FileTransfers } from '../file-transfers';
import { formatBytes } from '../format';
import type { CustomerFileOffer } from '../transfer-types';

export function OfferBar(props: { t: Translate; files: FileTransfers; onAccepted: () => void }) {
  const { t, files } = props;
  const [offers, setOffers] = useState<CustomerFileOffer[]>(() => files.snapshot().offers);
  useEffect(() => files.subscribe((s) => setOffers(s.offers)), [files]);
  if (offers.length === 0) return null;
  return (
    <div class="files-offers" role="status">
      {offers.map((o) => (
        <p class="files-offer" key={o.offer} data-offer={o.offer}>
          <span>{t('files_offered', o.name, formatBytes(o.size), o.folder)}</span>{' '}
          <button
            type="button"
            class="files-offer-accept primary"
            onClick={() => {
              files.acceptOffer(o.offer);
              props.onAccepted();
            }}
          >
            {t('files_offerAccept')}
          </button>{' '}
          <button type="button" class="files-offer-decline" onClick={() => files.declineOffer(o.offer)}>
            {t('files_offerDecline')}
          </button>
        </p>
      ))}
    </div>
  );
}
