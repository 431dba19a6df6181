/**
 * The file transfers part of the consent window: one line per transfer the helper lists
 * (host.files), newest first: who sends what where ("Alex is sending you report.pdf (50.0 MB)
 * into Documents"), a progress bar with the percentage while bytes move, then where it was saved,
 * or why it failed, in words. Every transfer still under way has a "Stop" button; a copy from this
 * computer paused by a lost connection has none (the helper holds nothing of it to stop: it starts
 * over only if the agent asks again).
 */
import { formatBytes } from '../../ui/viewer/files/format';
import type { FileErrorCode } from '../../protocol/data/files';
import type { NativeFileTransfer } from '../../protocol/native-channel';
import { currentLanguage, t, type MessageKey } from '../lib/i18n';

const ERROR_TEXT: Record<FileErrorCode, MessageKey> = {
  consent_required: 'consentFileError_consent_required',
  no_space: 'consentFileError_no_space',
  name_refused: 'consentFileError_name_refused',
  checksum_mismatch: 'consentFileError_checksum_mismatch',
  not_found: 'consentFileError_not_found',
  forbidden: 'consentFileError_forbidden',
  bad_request: 'consentFileError_bad_request',
  unavailable: 'consentFileError_unavailable',
  offer_withdrawn: 'consentFileError_offer_withdrawn',
  internal_error: 'consentFileError_internal_error',
};

/** The helper's place names (host/platform/files), shown in the customer's language. */
const PLACE_TEXT: Record<string, MessageKey> = {
  Home: 'consentPlace_Home',
  Desktop: 'consentPlace_Desktop',
  Downloads: 'consentPlace_Downloads',
  Documents: 'consentPlace_Documents',
};

/** "Downloads/reports" -> "Téléchargements/reports" in French; other folders as they are. */
export function folderText(folder: string): string {
  const slash = folder.indexOf('/');
  const place = slash < 0 ? folder : folder.slice(0, slash);
  const key = PLACE_TEXT[place];
  return key ? t(key) + folder.slice(place.length) : folder;
}

/** Whether the customer can stop it now (see the module comment). */
export function stoppable(f: NativeFileTransfer): boolean {
  if (f.phase === 'sending' || f.phase === 'checking') return true;
  return f.phase === 'waiting' && f.direction === 'to_customer';
}

function percent(f: NativeFileTransfer): string {
  const ratio = f.sizeBytes === 0 ? 1 : f.doneBytes / f.sizeBytes;
  return new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 0 }).format(
    Math.floor(ratio * 100) / 100,
  );
}

function title(f: NativeFileTransfer): string {
  const size = formatBytes(f.sizeBytes);
  const ongoing = !(f.phase === 'done' || f.phase === 'failed' || f.phase === 'cancelled');
  if (f.direction === 'to_customer') {
    return t(
      ongoing ? 'consentFileToYou' : 'consentFileToYouEnded',
      f.agentName,
      f.name,
      size,
      folderText(f.folder),
    );
  }
  return t(
    ongoing ? 'consentFileFromYou' : 'consentFileFromYouEnded',
    f.agentName,
    f.name,
    size,
    folderText(f.folder),
  );
}

function status(f: NativeFileTransfer): string | null {
  switch (f.phase) {
    case 'sending':
      return null;
    case 'checking':
      return t('consentFileChecking');
    case 'waiting':
      return t('consentFileWaiting', f.agentName);
    case 'done':
      return f.direction === 'to_customer'
        ? t('consentFileSaved', folderText(f.folder), f.savedAs ?? f.name)
        : t('consentFileCopied', f.agentName);
    case 'failed':
      return t(f.errorCode ? ERROR_TEXT[f.errorCode] : 'consentFileFailed');
    case 'cancelled':
      return t('consentFileCancelled');
  }
}

export function FileTransferList(props: {
  transfers: NativeFileTransfer[];
  onStop: (fileId: string) => void;
}) {
  if (props.transfers.length === 0) return null;
  return (
    <section class="file-transfers" aria-live="polite">
      <h2>{t('consentFilesTitle')}</h2>
      <ul>
        {props.transfers.map((f) => {
          const line = status(f);
          return (
            <li key={f.id} class="file-transfer" data-id={f.id} data-phase={f.phase}>
              <span class="what">{title(f)}</span>
              {(f.phase === 'sending' || f.phase === 'waiting') && (
                <span class="progress-line">
                  <progress max={Math.max(1, f.sizeBytes)} value={f.doneBytes} />
                  <span class="percent">{percent(f)}</span>
                </span>
              )}
              {line && <span class={`status ${f.phase}`}>{line}</span>}
              {stoppable(f) && (
                <button
                  type="button"
                  class="danger file-stop"
                  aria-label={t('consentFileStopLabel', f.name)}
                  onClick={() => props.onStop(f.id)}
                >
                  {t('consentFileStop')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
