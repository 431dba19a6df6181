/**
 * One side's chat files (protocol/chat-file.ts), without any DOM, for the support page and the
 * extension's chat window alike: the server's view of each file (chat.file), what this browser
 * is doing with it (hashing, uploading, downloading, saved, failed) and the last refusal of an
 * offer. The host gives the transport: how to offer, and the HTTP token; the book starts an
 * upload by itself when one of its own files becomes `accepted`, and tells the host on change.
 */
import type { ChatFileOffer, ChatFileView } from '../../protocol/chat-file';
import { isErrorCode, type ErrorCode } from '../../protocol/errors';
import {
  ChatFileError,
  describeFile,
  downloadChatFile,
  type TransferTarget,
  uploadChatFile,
} from './chat-file-transfer';

/** What this browser is doing with a file, beside the server's state. */
export interface LocalTransfer {
  phase: 'uploading' | 'downloading' | 'saved' | 'failed';
  done: number;
  error?: ErrorCode;
}

/** An offer the server (or this page) refused, said with the file's name. */
export interface FileRefusal {
  name: string;
  code: ErrorCode;
  /** The limit, when the code is file_too_large. */
  max?: number;
}

export interface ChatFilesState {
  files: Readonly<Record<string, ChatFileView>>;
  local: Readonly<Record<string, LocalTransfer>>;
  refusal: FileRefusal | null;
}

export const NO_CHAT_FILES: ChatFilesState = { files: {}, local: {}, refusal: null };

export interface ChatFileBookDeps {
  /** Sends the offer (chat.file_offer) and resolves with the server's view of the file. */
  offer: (offer: ChatFileOffer) => Promise<ChatFileView>;
  /** Where the bytes go and the token that may move them; null while there is none. */
  target: () => TransferTarget | null;
  /** This side: its own files are uploaded, the other side's downloaded. */
  side: 'customer' | 'agent';
  /** Hands a downloaded, checked file to the browser's downloads. */
  save: (blob: Blob, name: string) => void;
  onChange: (state: ChatFilesState) => void;
}

export class ChatFileBook {
  private state: ChatFilesState = NO_CHAT_FILES;
  /** Bytes of this side's offered files, until they are uploaded. */
  private readonly outgoing = new Map<string, Blob>();

  constructor(private readonly deps: ChatFileBookDeps) {}

  get current(): ChatFilesState {
    return this.state;
  }

  /** Hashes and offers each file; a refusal is kept for the host to say. */
  async send(files: readonly File[]): Promise<void> {
    for (const file of files) {
      try {
        const offer = await describeFile(file);
        const view = await this.deps.offer(offer);
        this.outgoing.set(view.id, file);
        this.update(view);
        this.set({ refusal: null });
      } catch (err) {
        const code = codeOf(err);
        const max = maxOf(err);
        this.set({ refusal: { name: file.name, code, ...(max !== undefined ? { max } : {}) } });
      }
    }
  }

  /** The server's news about a file (chat.file, or a reply). */
  update(file: ChatFileView): void {
    this.set({ files: { ...this.state.files, [file.id]: file } });
    if (file.state !== 'accepted' && file.state !== 'offered') this.outgoing.delete(file.id);
    if (file.state === 'accepted' && file.from === this.deps.side) this.upload(file);
  }

  /** Downloads a file of the other side, checks its SHA-256 and saves it. */
  async download(fileId: string): Promise<void> {
    const file = this.state.files[fileId];
    const target = this.deps.target();
    if (!file || !target || this.state.local[fileId]?.phase === 'downloading') return;
    this.setLocal(fileId, { phase: 'downloading', done: 0 });
    try {
      const blob = await downloadChatFile(target, file, (done) =>
        this.setLocal(fileId, { phase: 'downloading', done }),
      );
      this.deps.save(blob, file.name);
      this.setLocal(fileId, { phase: 'saved', done: file.size });
    } catch (err) {
      this.setLocal(fileId, { phase: 'failed', done: 0, error: codeOf(err) });
    }
  }

  dismissRefusal(): void {
    this.set({ refusal: null });
  }

  private upload(file: ChatFileView): void {
    const blob = this.outgoing.get(file.id);
    const target = this.deps.target();
    if (!blob || !target || this.state.local[file.id]?.phase === 'uploading') return;
    this.setLocal(file.id, { phase: 'uploading', done: 0 });
    uploadChatFile(target, file.id, blob, (done) => this.setLocal(file.id, { phase: 'uploading', done }))
      .then(() => {
        this.outgoing.delete(file.id);
        this.setLocal(file.id, { phase: 'saved', done: file.size });
      })
      .catch((err: unknown) => this.setLocal(file.id, { phase: 'failed', done: 0, error: codeOf(err) }));
  }

  private setLocal(fileId: string, local: LocalTransfer): void {
    this.set({ local: { ...this.state.local, [fileId]: local } });
  }

  private set(patch: Partial<ChatFilesState>): void {
    this.state = { ...this.state, ...patch };
    this.deps.onChange(this.state);
  }
}

function codeOf(err: unknown): ErrorCode {
  if (err instanceof ChatFileError) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  return isErrorCode(code) ? code : 'internal_error';
}

function maxOf(err: unknown): number | undefined {
  const max = (err as { details?: { max?: unknown } } | null)?.details?.max;
  return typeof max === 'number' ? max : undefined;
}
