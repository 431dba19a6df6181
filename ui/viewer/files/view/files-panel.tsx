/**
 * The Files panel of the viewer: why transfer is not possible (account, consent, connection), the
 * customer's places and folders, "send a file here" (a file picker; files dropped anywhere on the
 * viewer go to the same folder), and the transfers with their progress.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ViewerSnapshot } from '../../viewer-session';
import type { Translate, ViewerTextKey } from '../../viewer-text';
import type { FileTransfers } from '../file-transfers';
import type { FolderBrowser } from '../folder-browser';
import type { FilesSnapshot } from '../transfer-types';
import { folderLabel } from '../transfer-types';
import { FolderView } from './folder-view';
import { TransferList } from './transfer-list';
import './files.css';

/** Why the agent cannot transfer files now, or null. */
export function filesBlocked(state: ViewerSnapshot, files: FilesSnapshot): ViewerTextKey | null {
  if (state.features?.fileTransfer === false) return 'files_notEnabled';
  if (state.grants !== null && !state.grants.files) return 'files_notGranted';
  if (!files.connected) return 'files_notConnected';
  if (!files.allowed) return 'files_notGranted';
  return null;
}

/** Sends files (picked or dropped) to the folder shown, or to the default place. */
export async function sendToCustomer(
  files: FileTransfers,
  browser: FolderBrowser,
  list: readonly File[],
): Promise<void> {
  if (list.length === 0) return;
  if (browser.state.places === null) await browser.loadPlaces();
  const where = browser.destination();
  if (!where) return;
  for (const f of list) files.send(f, f.name, where);
}

export function FilesPanel(props: {
  t: Translate;
  state: ViewerSnapshot;
  files: FileTransfers;
  browser: FolderBrowser;
  onClose: () => void;
}) {
  const { t, files, browser } = props;
  const [snap, setSnap] = useState<FilesSnapshot>(() => files.snapshot());
  const [bs, setBs] = useState(browser.state);
  const picker = useRef<HTMLInputElement>(null);
  useEffect(() => files.subscribe(setSnap), [files]);
  useEffect(() => browser.subscribe(setBs), [browser]);
  const blocked = filesBlocked(props.state, snap);
  useEffect(() => {
    if (blocked === null && browser.state.places === null && !browser.state.loading)
      void browser.loadPlaces();
  }, [blocked, browser]);
  const destination = blocked === null ? browser.destination() : null;
  return (
    <aside class="files-panel" aria-label={t('files_title')}>
      <header class="files-header">
        <h2>{t('files_title')}</h2>
        <button type="button" class="files-close" onClick={props.onClose}>
          {t('files_close')}
        </button>
      </header>
      {blocked !== null ? (
        <p class="files-blocked" data-reason={blocked}>
          {t(blocked)}
        </p>
      ) : (
        <>
          <FolderView t={t} browser={browser} state={bs} files={files} />
          <section class="files-send">
            <input
              ref={picker}
              type="file"
              multiple
              class="files-picker"
              hidden
              onChange={(e) => {
                const list = [...(e.currentTarget.files ?? [])];
                e.currentTarget.value = '';
                void sendToCustomer(files, browser, list);
              }}
            />
            <button
              type="button"
              class="files-send-button primary"
              disabled={destination === null}
              onClick={() => picker.current?.click()}
            >
              {t('files_sendHere')}
            </button>
            {destination && (
              <p class="files-destination">
                {t('files_destination', folderLabel(destination))} {t('files_dropHere')}
              </p>
            )}
          </section>
        </>
      )}
      <TransferList t={t} transfers={snap.transfers} files={files} />
    </aside>
  );
}
