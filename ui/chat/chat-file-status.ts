/**
 * What a chat file's card says, as a catalog key and its parameters (each host words it from its
 * own catalog: the pages' `chatFile.<key>`, the extension's `chatFile_<key>`), from the server's
 * state of the file and what this browser is doing with it. A pure function: tested without a DOM.
 */
import type { ChatFileView } from '../../protocol/chat-file';
import type { LocalTransfer } from './chat-file-book';

export const FILE_STATUS_KEYS = [
  'waitingAnswer',
  'accepted',
  'uploading',
  'uploadFailed',
  'declined',
  'declinedReason',
  'sent',
  'delivered',
  'damaged',
  'cancelled',
  'gone',
  'offered',
  'arriving',
  'declinedByYou',
  'ready',
  'downloading',
  'saved',
  'downloadDamaged',
  'downloadFailed',
] as const;
export type FileStatusKey = (typeof FILE_STATUS_KEYS)[number];

export interface FileStatus {
  key: FileStatusKey;
  /** `percent` while bytes move; `reason` for a decline with words. */
  params: { percent?: number; reason?: string };
  tone: 'info' | 'ok' | 'error';
  progress: { done: number; total: number } | null;
  /** Which buttons make sense now. */
  actions: { answer: boolean; download: boolean; cancel: boolean };
}

const NONE = { answer: false, download: false, cancel: false };

const percent = (done: number, total: number) => Math.min(100, Math.floor((done * 100) / Math.max(1, total)));

export function fileStatus(
  file: ChatFileView,
  local: LocalTransfer | undefined,
  side: 'customer' | 'agent',
): FileStatus {
  const base = { params: {}, tone: 'info' as const, progress: null, actions: NONE };
  const own = file.from === side;
  switch (file.state) {
    case 'offered':
      return own
        ? { ...base, key: 'waitingAnswer', actions: { ...NONE, cancel: true } }
        : { ...base, key: 'offered', actions: { ...NONE, answer: true } };
    case 'accepted': {
      if (!own) {
        return {
          ...base,
          key: 'arriving',
          params: { percent: percent(file.received, file.size) },
          progress: { done: file.received, total: file.size },
        };
      }
      if (local?.phase === 'uploading') {
        return {
          ...base,
          key: 'uploading',
          params: { percent: percent(local.done, file.size) },
          progress: { done: local.done, total: file.size },
          actions: { ...NONE, cancel: true },
        };
      }
      if (local?.phase === 'failed')
        return { ...base, key: 'uploadFailed', tone: 'error', actions: { ...NONE, cancel: true } };
      return { ...base, key: 'accepted', actions: { ...NONE, cancel: true } };
    }
    case 'declined':
      if (!own) return { ...base, key: 'declinedByYou' };
      return file.reason
        ? { ...base, key: 'declinedReason', params: { reason: file.reason }, tone: 'error' }
        : { ...base, key: 'declined', tone: 'error' };
    case 'ready':
    case 'delivered': {
      if (own) return { ...base, key: file.state === 'ready' ? 'sent' : 'delivered', tone: 'ok' };
      if (local?.phase === 'downloading') {
        return {
          ...base,
          key: 'downloading',
          params: { percent: percent(local.done, file.size) },
          progress: { done: local.done, total: file.size },
        };
      }
      if (local?.phase === 'saved')
        return { ...base, key: 'saved', tone: 'ok', actions: { ...NONE, download: true } };
      if (local?.phase === 'failed') {
        return {
          ...base,
          key: local.error === 'checksum_mismatch' ? 'downloadDamaged' : 'downloadFailed',
          tone: 'error',
          actions: { ...NONE, download: true },
        };
      }
      return { ...base, key: 'ready', actions: { ...NONE, download: true } };
    }
    case 'failed':
      return { ...base, key: 'damaged', tone: 'error' };
    case 'cancelled':
      return { ...base, key: 'cancelled' };
    case 'gone':
      return { ...base, key: 'gone' };
  }
}
