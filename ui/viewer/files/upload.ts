/**
 * One file the agent sends to the customer, on the viewer's side: read from the Blob (a File
 * from the picker or a drop) one chunk at a time, so memory stays bounded whatever its size, and
 * hashed with SHA-256 as it is read. The hash state is kept at every chunk boundary still in
 * flight, so when the helper says "go on from offset N" (a resume after a reconnect, or a chunk
 * lost on the way) the digest continues from exactly the bytes the helper holds.
 */
import { FILE_CHUNK_BYTES, type FileWhere } from '../../../protocol/data/files';
import { ProgressMeter } from '../../../protocol/data/file-progress';
import { Sha256 } from './sha256';
import type { FileTransferError, TransferPhase } from './transfer-types';

/** Bytes read at once when the hash must be rebuilt from the start of the file. */
const REHASH_READ_BYTES = 4 * 1024 * 1024;

export class Upload {
  readonly direction = 'to_customer';
  phase: TransferPhase = 'queued';
  readonly meter: ProgressMeter;
  /** Offset of the next byte to read and send. */
  readAt = 0;
  /** Every byte before this one is written on the customer's side. */
  acked = 0;
  /** file.end has been sent for the current pass. */
  ended = false;
  /** Bumped on every rewind and cancel: reads started before it are thrown away. */
  generation = 0;
  savedAs: string | null = null;
  error: FileTransferError | null = null;
  private hash = new Sha256();
  /** Hash state at each chunk boundary not yet acknowledged (and at the last acknowledged one). */
  private readonly marks = new Map<number, Sha256>([[0, new Sha256()]]);

  constructor(
    readonly id: string,
    readonly blob: Blob,
    readonly name: string,
    readonly where: FileWhere,
    now: number,
  ) {
    this.meter = new ProgressMeter(blob.size);
    this.meter.update(0, now);
  }

  get size(): number {
    return this.blob.size;
  }

  get settled(): boolean {
    return this.phase === 'done' || this.phase === 'failed' || this.phase === 'cancelled';
  }

  /** Reads the next chunk (null at the end); `generation` tells the caller whether it still counts. */
  async read(): Promise<{ offset: number; data: Uint8Array; generation: number } | null> {
    const offset = this.readAt;
    if (offset >= this.size) return null;
    const generation = this.generation;
    const end = Math.min(this.size, offset + FILE_CHUNK_BYTES);
    const data = new Uint8Array(await this.blob.slice(offset, end).arrayBuffer());
    return { offset, data, generation };
  }

  /** A chunk read by `read()` is being sent: it moves the hash and the read offset. */
  consume(offset: number, data: Uint8Array): void {
    this.hash.update(data);
    this.readAt = offset + data.byteLength;
    this.marks.set(this.readAt, this.hash.clone());
  }

  /** The digest of the whole file, computed once after the last chunk (what file.end carries). */
  digest(): string {
    this.sha256 ??= this.hash.hex();
    return this.sha256;
  }
  private sha256: string | null = null;

  /** The customer's side wrote every byte before `offset`; false when the ack makes no sense. */
  ack(offset: number, now: number): boolean {
    if (offset <= this.acked || offset > this.readAt) return false;
    this.acked = offset;
    for (const k of this.marks.keys()) if (k < offset) this.marks.delete(k);
    this.meter.update(offset, now);
    return true;
  }

  /** Go on from `offset` (what the customer's side holds): rewinds reading and the hash. */
  async rewind(offset: number, now: number): Promise<void> {
    this.generation++;
    this.ended = false;
    const mark = this.marks.get(offset);
    if (mark) {
      this.hash = mark.clone();
    } else {
      // Not a boundary we kept (should not happen): hash the file again up to `offset`.
      const generation = this.generation;
      const h = new Sha256();
      for (let at = 0; at < offset;) {
        const end = Math.min(offset, at + REHASH_READ_BYTES);
        h.update(new Uint8Array(await this.blob.slice(at, end).arrayBuffer()));
        at = end;
      }
      if (generation !== this.generation) return;
      this.hash = h;
      this.marks.set(offset, h.clone());
    }
    for (const k of this.marks.keys()) if (k > offset) this.marks.delete(k);
    this.readAt = offset;
    this.acked = offset;
    this.meter.update(offset, now);
  }
}
