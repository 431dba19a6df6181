/**
 * Native mode's view of the session's file transfers: turns the session client's `file` notices
 * (FileTransferEvent, one transfer at a time) into `host.files` messages for the extension's
 * consent window, each carrying the whole current list, so the window never has to merge.
 *
 * Contract:
 *   - The list holds every transfer in progress and the last finished ones, newest first, at most
 *     NATIVE_FILES_MAX; a finished transfer stays listed so the customer sees where a file went.
 *   - A transfer that appears or changes phase is sent at once; progress alone is coalesced to
 *     one message per FILES_PROGRESS_SEND_MS (the service already limits each transfer to two
 *     events a second; eight transfers at once would otherwise send sixteen lists a second).
 *   - Names are cut for display (NATIVE_FILE_NAME_MAX_CHARS); every entry is validated before it
 *     is listed, so one odd transfer can never turn the whole message into an error. A full list
 *     stays far below the browser's 1 MB per message (see the unit test for the worst case).
 */
import {
  NATIVE_FILE_NAME_MAX_CHARS,
  NATIVE_FILES_MAX,
  NativeFileTransfer,
  type HostToExtension,
  type NativeFilePhase,
} from '../../protocol/native-channel';
import type { FileTransferEvent } from '../session/file-transfer/file-transfer-service';

/** Shortest time between two host.files that carry only progress, in ms. */
export const FILES_PROGRESS_SEND_MS = 500;

type FilesMessage = Extract<HostToExtension, { type: 'host.files' }>;

export interface FileTransferFeedOptions {
  send(message: FilesMessage): void;
  log(line: string): void;
  now?: () => number;
}

const FINAL: ReadonlySet<NativeFilePhase> = new Set(['done', 'failed', 'cancelled']);

export class FileTransferFeed {
  /** By id, in the order first seen (Map keeps insertion order). */
  private readonly transfers = new Map<string, NativeFileTransfer>();
  private readonly now: () => number;
  private lastSentAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly options: FileTransferFeedOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** One notice from the session: a transfer started, moved or ended. */
  update(event: FileTransferEvent): void {
    if (this.closed) return;
    const entry = toNative(event);
    if (!entry) {
      this.options.log(`not listing file transfer ${event.id.slice(0, 32)}: invalid for the consent window`);
      return;
    }
    const before = this.transfers.get(entry.id);
    this.transfers.set(entry.id, entry);
    this.prune();
    if (!before || before.phase !== entry.phase) this.flush();
    else this.soon();
  }

  /** What the consent window shows now, newest first. */
  list(): NativeFileTransfer[] {
    return [...this.transfers.values()].reverse();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private soon(): void {
    if (this.timer) return;
    const wait = this.lastSentAt + FILES_PROGRESS_SEND_MS - this.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
    this.timer.unref?.();
  }

  private flush(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastSentAt = this.now();
    this.options.send({ type: 'host.files', transfers: this.list() });
  }

  /** Over the cap: the oldest finished ones go first (in-progress ones are at most 8). */
  private prune(): void {
    let excess = this.transfers.size - NATIVE_FILES_MAX;
    if (excess <= 0) return;
    for (const [id, t] of this.transfers) {
      if (excess <= 0) return;
      if (FINAL.has(t.phase)) {
        this.transfers.delete(id);
        excess--;
      }
    }
    for (const id of this.transfers.keys()) {
      if (excess-- <= 0) return;
      this.transfers.delete(id);
    }
  }
}

function phaseOf(event: FileTransferEvent): NativeFilePhase {
  switch (event.state) {
    case 'active': {
      const { doneBytes, totalBytes } = event.figures;
      // Every byte of an upload is in: the helper checks its SHA-256 and renames it into place.
      return event.direction === 'to_customer' && doneBytes >= totalBytes ? 'checking' : 'sending';
    }
    case 'suspended':
      return 'waiting';
    default:
      return event.state;
  }
}

/** The entry the consent window gets, or null when it cannot be shown (then it is logged). */
export function toNative(event: FileTransferEvent): NativeFileTransfer | null {
  const size = Math.max(0, Math.floor(event.figures.totalBytes));
  const parsed = NativeFileTransfer.safeParse({
    id: event.id,
    agentName: event.agentName,
    direction: event.direction,
    name: displayName(event.name) || '?',
    folder: displayName(event.folder),
    sizeBytes: size,
    doneBytes: Math.min(size, Math.max(0, Math.floor(event.figures.doneBytes))),
    phase: phaseOf(event),
    ...(event.savedAs ? { savedAs: displayName(event.savedAs) } : {}),
    ...(event.failure ? { errorCode: event.failure.code } : {}),
  });
  return parsed.success ? parsed.data : null;
}

/** Cut to NATIVE_FILE_NAME_MAX_CHARS UTF-16 units, never inside a character, with an ellipsis. */
export function displayName(text: string): string {
  if (text.length <= NATIVE_FILE_NAME_MAX_CHARS) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > NATIVE_FILE_NAME_MAX_CHARS - 1) break;
    out += ch;
  }
  return `${out}…`;
}
