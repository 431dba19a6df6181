/**
 * Browsing the customer's computer in the Files panel: the places (with their free space), the
 * folder shown as a path, its folders (open) and files (copy to the agent's computer).
 */
import type { Translate } from '../../viewer-text';
import type { FileTransfers } from '../file-transfers';
import type { BrowserState, FolderBrowser } from '../folder-browser';
import { formatBytes, formatDate } from '../format';
import { folderLabel } from '../transfer-types';

export function FolderView(props: {
  t: Translate;
  browser: FolderBrowser;
  state: BrowserState;
  files: FileTransfers;
}) {
  const { t, browser, state } = props;
  const where = state.where;
  const entries = (state.listing?.entries ?? []).filter((e) => state.showHidden || !e.name.startsWith('.'));
  return (
    <section class="files-browser">
      <h3>{t('files_places')}</h3>
      <div class="files-places">
        {(state.places ?? []).map((p) => (
          <button
            type="button"
            key={p.name}
            class="files-place"
            data-place={p.name}
            aria-pressed={where?.place === p.name && where.dirs.length === 0}
            onClick={() => void browser.open({ place: p.name, dirs: [] })}
          >
            {p.name}
            {p.freeBytes !== null && <small>{t('files_placeFree', formatBytes(p.freeBytes))}</small>}
          </button>
        ))}
      </div>
      {where && (
        <div class="files-path">
          <button type="button" class="files-up" onClick={() => void browser.up()}>
            {t('files_up')}
          </button>
          <span class="files-where" title={folderLabel(where)}>
            {folderLabel(where)}
          </span>
          <button type="button" class="files-refresh" onClick={() => void browser.refresh()}>
            {t('files_refresh')}
          </button>
          <label class="check">
            <input
              type="checkbox"
              checked={state.showHidden}
              onChange={(e) => browser.setShowHidden(e.currentTarget.checked)}
            />
            {t('files_showHidden')}
          </label>
        </div>
      )}
      {state.loading && <p class="files-loading">{t('files_loading')}</p>}
      {state.error && (
        <p class="files-error" role="alert">
          {t('files_listFailed', state.error.message)}
        </p>
      )}
      {where && state.listing && !state.loading && (
        <>
          {entries.length === 0 ? (
            <p class="files-empty">{t('files_empty')}</p>
          ) : (
            <table class="files-entries">
              <thead>
                <tr>
                  <th>{t('files_colName')}</th>
                  <th>{t('files_colSize')}</th>
                  <th>{t('files_colModified')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.name} data-entry={e.name} data-kind={e.kind}>
                    <td class="files-name">
                      {e.kind === 'directory' ? (
                        <button type="button" class="files-enter" onClick={() => void browser.enter(e.name)}>
                          {e.name}/
                        </button>
                      ) : (
                        <span title={e.name}>{e.name}</span>
                      )}
                    </td>
                    <td>{e.kind === 'file' ? formatBytes(e.size) : ''}</td>
                    <td>{e.modifiedMs > 0 ? formatDate(e.modifiedMs) : ''}</td>
                    <td>
                      {e.kind === 'file' && (
                        <button
                          type="button"
                          class="files-fetch"
                          onClick={() => props.files.fetch(where, e.name, e.size)}
                        >
                          {t('files_fetch')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {state.listing.total > state.listing.entries.length && (
            <p class="files-truncated">
              {t('files_truncated', String(state.listing.entries.length), String(state.listing.total))}
            </p>
          )}
        </>
      )}
    </section>
  );
}
