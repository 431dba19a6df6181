/**
 * The customer's side of chat files: each file line of the transcript as a card (state, progress,
 * Download / Withdraw), and the refusal of an offer said in the page's language (too large, too
 * many waiting, no room on the server, name refused), with the file's name.
 */
import type { ChatLine } from '../../../protocol/common';
import { FileCard, FileRefCard } from '../../chat/file-card';
import { fileStatus } from '../../chat/chat-file-status';
import type { FileRefusal } from '../../chat/chat-file-book';
import type { MessageKey, TFunction } from '../../i18n/i18n';
import { formatBytes } from '../../viewer/files/format';
import { errorText } from './error-text';
import type { ViewProps } from './view-props';

export function CustomerFileLine({ line, model, actions, t }: ViewProps & { line: ChatLine; t: TFunction }) {
  const ref = line.file;
  if (!ref) return null;
  const file = model.chatFiles.files[ref.id];
  // From an earlier visit of the page: its bytes are gone with the session's end or a restart.
  if (!file) return <FileRefCard file={ref} />;
  const status = fileStatus(file, model.chatFiles.local[file.id], 'customer');
  return (
    <FileCard
      fileId={file.id}
      name={file.name}
      size={formatBytes(file.size)}
      status={t(`chatFile.${status.key}` as MessageKey, status.params)}
      tone={status.tone}
      progress={status.progress}
    >
      {status.actions.download && (
        <button type="button" onClick={() => actions.downloadFile(file.id)}>
          {t('chatFile.download')}
        </button>
      )}
      {status.actions.cancel && (
        <button type="button" class="ll-secondary" onClick={() => actions.cancelFile(file.id)}>
          {t('chatFile.withdraw')}
        </button>
      )}
    </FileCard>
  );
}

export function fileRefusalText(t: TFunction, refusal: FileRefusal): string {
  switch (refusal.code) {
    case 'file_too_large':
      return t('chatFile.tooLarge', {
        name: refusal.name,
        max: refusal.max !== undefined ? formatBytes(refusal.max) : '',
      });
    case 'too_many_files':
      return t('chatFile.tooMany', { name: refusal.name });
    case 'no_space':
      return t('chatFile.noSpace', { name: refusal.name });
    case 'invalid_message':
      return t('chatFile.nameRefused', { name: refusal.name });
    default:
      return t('chatFile.refused', { name: refusal.name, reason: errorText(t, refusal.code) });
  }
}
