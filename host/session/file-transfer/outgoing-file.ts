/**
 * One file the agent fetches from the customer, on the customer's side: read in chunks through
 * FileAccess, hashed with SHA-256 as it is read, sent by the peer's sender (peer-sender.ts) under
 * the file window, and ended with `file.end` carrying the digest, which the viewer checks.
 *
 * A fetch from an offset (the viewer resuming after a reconnect) reads the file from the start
 * and hashes the bytes before the offset without sending them: the digest is of the whole file,
 * and nothing needs to survive the link that was lost. If the file changed meanwhile, the digest
 * will not match what the viewer holds, and the viewer says so.
 *
 *   sending --last chunk sent--> ended --acked to the end--> done;  any --cancel/error--> closed
 */
import { createHash, type Hash } from 'node:crypto';
import { FILE_CHUNK_BYTES } from '../../../protocol/data/files';
import { ProgressMeter } from '../../../protocol/data/file-progress';
import { ProtocolError } from '../../../protocol/errors';
import type { FileAccess } from '../../platform/types';
import type { FileFailure } from './file-error';

export type OutgoingState = 'sending' | 'ended' | 'done' | 'failed' | 'cancelled';

type Reader = Awaited<ReturnType<FileAccess['openRead']>>;

export interface OutgoingInit {
  id: string;
  agentName: string;
  peerId: number;
  path: string;
  name: string;
  label: string;
}

export class OutgoingFile {
  readonly direction = 'from_customer';
  readonly meter: ProgressMeter;
  state: OutgoingState = 'sending';
  /** Offset of the next byte to read and send. */
  next: number;
  /** Every byte before this one is stored by the viewer. */
  acked: number;
  failure: FileFailure | null = null;
  private closed = false;

  private constructor(
    readonly init: OutgoingInit,
    readonly size: number,
    readonly offset: number,
    private readonly reader: Reader,
    private readonly hash: Hash,
    now: number,
  ) {
    this.next = offset;
    this.acked = offset;
    this.meter = new ProgressMeter(size, offset);
    this.meter.update(offset, now);
  }

  /** Opens the file and hashes the bytes before `offset` (a resume). */
  static async open(
    files: FileAccess,
    init: OutgoingInit,
    offset: number,
    now: () => number,
  ): Promise<OutgoingFile> {
    const reader = await files.openRead(init.path, 0);
    const hash = createHash('sha256');
    try {
      if (offset > reader.size)
        throw new ProtocolError(
          'bad_request',
          `offset ${offset} is past the end of the file (${reader.size} bytes)`,
        );
      let at = 0;
      while (at < offset) {
        const part = await reader.read(Math.min(FILE_CHUNK_BYTES * 4, offset - at));
        if (part === null) throw new ProtocolError('not_found', 'the file became shorter while it was read');
        hash.update(part);
        at += part.byteLength;
      }
    } catch (err) {
      await reader.close().catch(() => undefined);
      throw err;
    }
    return new OutgoingFile(init, reader.size, offset, reader, hash, now());
  }

  get id(): string {
    return this.init.id;
  }

  get peerId(): number {
    return this.init.peerId;
  }

  get settled(): boolean {
    return this.state === 'done' || this.state === 'failed' || this.state === 'cancelled';
  }

  /** Bytes still to read. */
  get remaining(): number {
    return this.size - this.next;
  }

  /** The next chunk, or null at the end of the file (a file that shrank ends early). */
  async read(): Promise<{ offset: number; data: Uint8Array } | null> {
    if (this.state !== 'sending' || this.remaining === 0) return null;
    const offset = this.next;
    const data = await this.reader.read(Math.min(FILE_CHUNK_BYTES, this.remaining));
    if (data === null) return null;
    this.hash.update(data);
    this.next += data.byteLength;
    return { offset, data };
  }

  /** Every chunk was read and sent: the digest for file.end. */
  end(): string {
    this.state = 'ended';
    void this.close();
    return this.hash.digest('hex');
  }

  /** The viewer stored every byte before `offset`; true when that completes the transfer. */
  ack(offset: number, now: number): boolean {
    if (offset <= this.acked || offset > this.next) return false;
    this.acked = offset;
    this.meter.update(offset, now);
    return this.completeIfAcked();
  }

  /** Ended and every byte acknowledged: done (true once). */
  completeIfAcked(): boolean {
    if (this.state !== 'ended' || this.acked !== this.next) return false;
    this.state = 'done';
    return true;
  }

  fail(failure: FileFailure): void {
    if (this.settled) return;
    this.failure = failure;
    this.state = 'failed';
    void this.close();
  }

  cancel(): void {
    if (this.settled) return;
    this.state = 'cancelled';
    void this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reader.close().catch(() => undefined);
  }
}
