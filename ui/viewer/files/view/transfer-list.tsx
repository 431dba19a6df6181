/**
 * The Files panel's transfers, both ways: name, direction, a progress bar with bytes, rate and
 * time left, the phase or the reason it failed in plain words, and cancel (or remove when done).
 */
import type { Translate } from '../../viewer-text';
import { BROWSER_SAVE_WARN_BYTES } from '../blob-sink';
import type { FileTransfers } from '../file-transfers';
import { formatBytes, formatSeconds } from '../format';
import type { FileTransferError, FileTransferView } from '../transfer-types';

const SETTLED = new Set(['done', 'failed', 'cancelled']);

/** The failure in the agent's words (the helper's English detail only where it names something). */
export function errorText(t: Translate, e: FileTransferError): string {
  switch (e.code) {
    case 'no_space':
      return t('files_error_no_space', formatBytes(e.neededBytes ?? 0), formatBytes(e.freeBytes ?? 0));
    case 'checksum_mismatch':
      return t('files_error_checksum_mismatch');
    case 'consent_required':
      return t('files_error_consent_required');
    case 'file_changed':
      return t('files_error_file_changed');
    case 'helper_gone':
      return t('files_error_helper_gone');
    case 'offer_withdrawn':
      return t('files_error_offer_withdrawn');
    case 'name_refused':
    case 'not_found':
    case 'forbidden':
    case 'read_failed':
    case 'save_failed':
      return t(`files_error_${e.code}`, e.message);
    default:
      return t('files_error_other', e.message);
  }
}

function Row(props: { t: Translate; v: FileTransferView; files: FileTransfers }) {
  const { t, v } = props;
  const f = v.figures;
  const settled = SETTLED.has(v.phase);
  const parts = [t('files_progress', formatBytes(f.doneBytes), formatBytes(f.totalBytes))];
  if (!settled && v.phase === 'sending' && f.rateBps !== null) {
    parts.push(t('files_rate', formatBytes(f.rateBps)));
    if (f.secondsLeft !== null) parts.push(t('files_left', formatSeconds(f.secondsLeft)));
  }
  const status =
    v.phase === 'failed' && v.error
      ? errorText(t, v.error)
      : v.phase === 'done'
        ? v.direction === 'to_customer'
          ? t('files_savedAs', v.savedAs ?? v.name, v.folder)
          : t('files_savedDownload')
        : t(`files_phase_${v.phase}`);
  return (
    <li class={`transfer transfer-${v.phase}`} data-transfer={v.id} data-phase={v.phase}>
      <div class="transfer-head">
        <span class="transfer-direction">
          {v.direction === 'to_customer' ? t('files_toCustomer') : t('files_fromCustomer')}
        </span>
        <span class="transfer-name" title={v.name}>
          {v.name}
        </span>
        {settled ? (
          <button type="button" class="transfer-dismiss" onClick={() => props.files.dismiss(v.id)}>
            {t('files_dismiss')}
          </button>
        ) : (
          <button type="button" class="transfer-cancel" onClick={() => props.files.cancel(v.id)}>
            {t('files_cancel')}
          </button>
        )}
      </div>
      <progress max={Math.max(1, f.totalBytes)} value={f.doneBytes} />
      <div class="transfer-figures">{parts.join(' · ')}</div>
      <div
        class={`transfer-status${v.phase === 'failed' ? ' error' : ''}`}
        role={v.phase === 'failed' ? 'alert' : undefined}
      >
        {status}
      </div>
      {v.direction === 'from_customer' && !settled && v.size > BROWSER_SAVE_WARN_BYTES && (
        <div class="transfer-warning">{t('files_bigWarning', formatBytes(v.size))}</div>
      )}
    </li>
  );
}

export function TransferList(props: { t: Translate; transfers: FileTransferView[]; files: FileTransfers }) {
  if (props.transfers.length === 0) return null;
  return (
    <section class="files-transfers">
      <h3>{props.t('files_transfers')}</h3>
      <ul>
        {[...props.transfers].reverse().map((v) => (
          <Row key={v.id} t={props.t} v={v} files={props.files} />
        ))}
      </ul>
    </section>
  );
}
