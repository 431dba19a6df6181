/**
 * Sends the files ONE viewer fetches, over that viewer's link, under one file window shared by
 * all of them (round robin, a chunk each). A chunk goes only while the window has room AND the
 * screen is not waiting for its own window: files take the room the screen leaves, so a transfer
 * never starves the picture (one file chunk is always allowed in flight, so a screen that never
 * rests cannot starve the file either). When the screen holds the link, the sender looks again
 * after SCREEN_YIELD_RETRY_MS.
 */
import { encodeFileChunk, type FilesToViewer } from '../../../protocol/data/files';
import { FileWindow } from '../../../protocol/data/file-window';
import { encodeJsonPayload } from '../../../protocol/data/json-payload';
import { failureOf } from './file-error';
import type { OutgoingFile } from './outgoing-file';

/** Wait before looking again when the screen holds the link, in ms. */
export const SCREEN_YIELD_RETRY_MS = 5;

/** What a viewer's link offers the file transfer (implemented by ViewerPeer). */
export interface FilesLink {
  readonly peerId: number;
  readonly agentName: string;
  /** Seals and sends one files payload to this viewer. */
  send(payload: Uint8Array): void;
  /** True while the screen stream waits for its own window (its frames come first). */
  screenBusy(): boolean;
}

export interface PeerSenderDeps {
  now(): number;
  /** A file was sent to the end and acknowledged, or failed while reading. */
  settled(file: OutgoingFile): void;
  /** Progress moved. */
  changed(file: OutgoingFile): void;
  /** Fixed window in bytes (tests); default adaptive. */
  windowBytes?: number;
}

export class PeerSender {
  readonly window: FileWindow;
  private readonly files: OutgoingFile[] = [];
  private turn = 0;
  private pumping = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Chunks sent, in bytes (figures and tests). */
  bytesSent = 0;
  /** Times a chunk waited for the screen. */
  yields = 0;

  constructor(
    readonly link: FilesLink,
    private readonly deps: PeerSenderDeps,
  ) {
    this.window = new FileWindow(deps.windowBytes);
  }

  add(file: OutgoingFile): void {
    this.files.push(file);
    this.pump();
  }

  /** Stops sending `file` (done, cancelled, rewound); what it had in flight no longer counts. */
  remove(file: OutgoingFile): void {
    const i = this.files.indexOf(file);
    if (i >= 0) this.files.splice(i, 1);
    this.window.forget(file.id);
    this.pump();
  }

  has(file: OutgoingFile): boolean {
    return this.files.includes(file);
  }

  onAck(file: OutgoingFile, offset: number): void {
    const now = this.deps.now();
    this.window.onAck(file.id, offset, now);
    if (file.ack(offset, now)) {
      this.remove(file);
      this.deps.settled(file);
    } else {
      this.deps.changed(file);
    }
    this.pump();
  }

  sendMessage(msg: FilesToViewer): void {
    if (!this.closed) this.link.send(encodeJsonPayload(msg));
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.files.length = 0;
    this.window.clear();
  }

  /** Sends chunks while the window and the screen allow; one pump runs at a time. */
  pump(): void {
    if (this.pumping || this.closed || this.retry !== null) return;
    this.pumping = true;
    void this.run().finally(() => {
      this.pumping = false;
    });
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.closed || !this.window.canSend()) return;
      const file = this.nextFile();
      if (!file) return;
      if (this.window.inFlightBytes > 0 && this.link.screenBusy()) {
        this.yields++;
        this.retry = setTimeout(() => {
          this.retry = null;
          this.pump();
        }, SCREEN_YIELD_RETRY_MS);
        return;
      }
      let chunk: Awaited<ReturnType<OutgoingFile['read']>>;
      try {
        chunk = await file.read();
      } catch (err) {
        file.fail(failureOf(err));
        this.sendMessage({ type: 'file.failed', id: file.id, ...failureOf(err) });
        this.remove(file);
        this.deps.settled(file);
        continue;
      }
      if (this.closed || file.state !== 'sending' || !this.has(file)) continue;
      if (chunk) {
        const n = chunk.data.byteLength;
        this.link.send(encodeFileChunk(file.id, chunk.offset, chunk.data));
        this.window.onSent(file.id, chunk.offset + n, n, this.deps.now());
        this.bytesSent += n;
      }
      if (file.remaining === 0 || chunk === null) {
        const sha256 = file.end();
        this.sendMessage({ type: 'file.end', id: file.id, size: file.next, sha256 });
        // An empty file has nothing to acknowledge: it is complete now.
        if (file.completeIfAcked()) {
          this.remove(file);
          this.deps.settled(file);
        }
      }
    }
  }

  /** Round robin over the files that still have bytes to send. */
  private nextFile(): OutgoingFile | null {
    const n = this.files.length;
    for (let k = 0; k < n; k++) {
      const f = this.files[(this.turn + k) % n]!;
      if (f.state === 'sending') {
        this.turn = (this.turn + k + 1) % n;
        return f;
      }
    }
    return null;
  }
}
