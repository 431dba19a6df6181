/**
 * The agent's side of chat files in a chat window: the files of the session (pushed by the
 * background as `detail.files`), what this window is doing with them (ui/chat/chat-file-book.ts:
 * uploads of the agent's own files, downloads of the customer's, each checked against its
 * SHA-256 before it is saved), Accept / Decline with a reason on a customer's offer, and the
 * refusal of an offer in words. The window talks HTTP to the server itself with the agent's login
 * token (as the viewer window does), so the bytes never pass through the background.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ChatFileView } from '../../protocol/chat-file';
import type { ChatLine } from '../../protocol/common';
import {
  ChatFileBook,
  NO_CHAT_FILES,
  type ChatFilesState,
  type FileRefusal,
} from '../../ui/chat/chat-file-book';
import { fileStatus } from '../../ui/chat/chat-file-status';
import { saveBlob } from '../../ui/chat/chat-file-transfer';
import { FileCard, FileRefCard } from '../../ui/chat/file-card';
import { formatBytes } from '../../ui/viewer/files/format';
import { loadAccount } from '../background/persisted-state';
import { t, type MessageKey } from '../lib/i18n';
import { ask } from '../lib/ui-client';

export interface AgentChatFiles {
  state: ChatFilesState;
  send: (files: File[]) => void;
  download: (fileId: string) => void;
  dismissRefusal: () => void;
}

export function useAgentChatFiles(sessionId: string, files: readonly ChatFileView[]): AgentChatFiles {
  const [state, setState] = useState<ChatFilesState>(NO_CHAT_FILES);
  const account = useRef<{ origin: string; token: string } | null>(null);
  /** Files the agent accepted in this window: they download by themselves once ready. */
  const autoDownload = useRef(new Set<string>());
  const book = useMemo(
    () =>
      new ChatFileBook({
        side: 'agent',
        offer: async (offer) => (await ask({ type: 'chat.file_offer', sessionId, ...offer })).file,
        target: () => account.current,
        save: saveBlob,
        onChange: setState,
      }),
    [sessionId],
  );

  useEffect(() => {
    void loadAccount().then((a) => {
      account.current = a ? { origin: a.origin, token: a.token } : null;
    });
  }, []);

  useEffect(() => {
    for (const file of files) {
      if (book.current.files[file.id] === file) continue;
      book.update(file);
      if ((file.state === 'ready' || file.state === 'delivered') && autoDownload.current.delete(file.id)) {
        void book.download(file.id);
      }
    }
  }, [files, book]);

  return {
    state,
    send: (list) => void book.send(list),
    download: (fileId) => {
      const file = book.current.files[fileId];
      // Not there yet (just accepted): it downloads as soon as it is.
      if (file && (file.state === 'ready' || file.state === 'delivered')) void book.download(fileId);
      else autoDownload.current.add(fileId);
    },
    dismissRefusal: () => book.dismissRefusal(),
  };
}

export function AgentFileLine(props: { line: ChatLine; sessionId: string; files: AgentChatFiles }) {
  const ref = props.line.file;
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [failed, setFailed] = useState(false);
  if (!ref) return null;
  const file = props.files.state.files[ref.id];
  if (!file) return <FileRefCard file={ref} />;
  const status = fileStatus(file, props.files.state.local[file.id], 'agent');
  const answer = (accept: boolean) => {
    setFailed(false);
    ask({
      type: 'chat.file_answer',
      sessionId: props.sessionId,
      fileId: file.id,
      accept,
      ...(!accept && reason.trim() ? { reason: reason.trim() } : {}),
    })
      .then(() => {
        if (accept) props.files.download(file.id);
        setDeclining(false);
      })
      .catch(() => setFailed(true));
  };
  return (
    <FileCard
      fileId={file.id}
      name={file.name}
      size={formatBytes(file.size)}
      status={statusText(status.key, status.params)}
      tone={failed ? 'error' : status.tone}
      progress={status.progress}
    >
      {status.actions.answer && !declining && (
        <>
          <button type="button" class="primary file-accept" onClick={() => answer(true)}>
            {t('chatFile_accept')}
          </button>
          <button type="button" class="file-decline" onClick={() => setDeclining(true)}>
            {t('chatFile_decline')}
          </button>
        </>
      )}
      {status.actions.answer && declining && (
        <>
          <input
            class="file-decline-reason"
            maxLength={500}
            placeholder={t('chatFile_declineReason')}
            aria-label={t('chatFile_declineReason')}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <button type="button" class="danger file-decline-confirm" onClick={() => answer(false)}>
            {t('chatFile_declineConfirm')}
          </button>
          <button type="button" onClick={() => setDeclining(false)}>
            {t('cancel')}
          </button>
        </>
      )}
      {status.actions.download && (
        <button type="button" class="file-download" onClick={() => props.files.download(file.id)}>
          {t('chatFile_download')}
        </button>
      )}
      {status.actions.cancel && (
        <button
          type="button"
          class="file-withdraw"
          onClick={() =>
            void ask({ type: 'chat.file_cancel', sessionId: props.sessionId, fileId: file.id }).catch(() =>
              setFailed(true),
            )
          }
        >
          {t('chatFile_withdraw')}
        </button>
      )}
      {failed && <span role="alert">{t('errorAction')}</span>}
    </FileCard>
  );
}

function statusText(key: string, params: { percent?: number; reason?: string }): string {
  const arg = params.reason ?? (params.percent !== undefined ? String(params.percent) : undefined);
  const k = `chatFile_${key}` as MessageKey;
  return arg === undefined ? t(k) : t(k, arg);
}

export function agentRefusalText(refusal: FileRefusal): string {
  const known: Partial<Record<FileRefusal['code'], MessageKey>> = {
    file_too_large: 'chatFile_tooLarge',
    too_many_files: 'chatFile_tooMany',
    no_space: 'chatFile_noSpace',
    invalid_message: 'chatFile_nameRefused',
  };
  return t(known[refusal.code] ?? 'chatFile_refused', refusal.name);
}
