/**
 * One file the agent fetches from the customer, on the viewer's side: chunks arrive in order,
 * go to a DownloadSink (in the browser, Blob parts: the browser keeps them, on disk when it must,
 * until the file is saved) and into a SHA-256 as they arrive; each stored chunk is acknowledged.
 * When every byte is in, the digest is compared with the helper's: equal, the sink saves the
 * file; different, the sink is discarded and the agent told the file arrived damaged.
 */
import type { FileWhere } from '../../../protocol/data/files';
import { ProgressMeter } from '../../../protocol/data/file-progress';
import { Sha256 } from './sha256';
import type { FileTransferError, TransferPhase } from './transfer-types';

/** Where a download's bytes go until it is complete and checked. */
export interface DownloadSink {
  /** The next bytes, in order. */
  append(data: Uint8Array): void;
  /** Every byte arrived and the digest matched: save it as `name`. */
  finish(name: string): Promise<void> | void;
  /** Failed or cancelled: drop what was kept. */
  discard(): void;
}

export type CreateSink = (name: string, size: number) => DownloadSink;

export class Download {
  readonly direction = 'from_customer';
  phase: TransferPhase = 'offering';
  meter: ProgressMeter;
  /** Bytes stored, in order. */
  received = 0;
  /** The helper's digest and size from file.end. */
  expected: { sha256: string; size: number } | null = null;
  /** A re-fetch was asked after a chunk came out of step (asked once until one fits). */
  rewindAsked = false;
  error: FileTransferError | null = null;
  readonly savedAs = null;
  private readonly hash = new Sha256();

  constructor(
    readonly id: string,
    readonly name: string,
    readonly where: FileWhere,
    /** The size the listing showed; the helper's file.sending has the last word. */
    public size: number,
    private readonly sink: DownloadSink,
    now: number,
  ) {
    this.meter = new ProgressMeter(size);
    this.meter.update(0, now);
  }

  get settled(): boolean {
    return this.phase === 'done' || this.phase === 'failed' || this.phase === 'cancelled';
  }

  /** The helper starts (or resumes) sending; false when the file is not the one we had begun. */
  sending(size: number, offset: number, now: number): boolean {
    if (offset !== this.received) return false;
    if (this.received > 0 && size !== this.size) return false;
    if (size !== this.size) {
      this.size = size;
      this.meter = new ProgressMeter(size, this.received);
    }
    this.phase = 'sending';
    this.meter.update(this.received, now);
    return true;
  }

  /** Stores one chunk; false when it would pass the announced size. */
  store(data: Uint8Array, now: number): boolean {
    if (this.received + data.byteLength > this.size) return false;
    this.sink.append(data);
    this.hash.update(data);
    this.received += data.byteLength;
    this.meter.update(this.received, now);
    return true;
  }

  /** Every byte is in: true when the digest matches the helper's. */
  matches(): boolean {
    return this.expected !== null && this.hash.hex() === this.expected.sha256;
  }

  finish(): Promise<void> | void {
    return this.sink.finish(this.name);
  }

  discard(): void {
    this.sink.discard();
  }
}
