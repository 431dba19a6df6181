/**
 * One file the agent sends to the customer, on the customer's side. Chunks are written in order
 * to FileAccess's temporary file in the chosen folder (one write at a time; the bytes queued are
 * bounded by the sender's largest window, so a sender that ignores its window is cut off, not
 * buffered), hashed with SHA-256 as they are written, and acknowledged once written. At the end
 * the digest is compared with the sender's: equal, the temporary file is renamed (never over an
 * existing file); different, it is deleted and the viewer told `checksum_mismatch`.
 *
 *   receiving --link lost--> suspended --resume--> receiving
 *   receiving --file.end--> finishing --> done | failed
 *   receiving | suspended --cancel--> cancelled;  any unsettled --error--> failed
 *
 * While suspended the partial file stays (FileAccess.suspend) and `written` is where the sender
 * resumes; the hash state stays in memory, so it still covers exactly the bytes on disk. A write
 * that fails for want of space is reported as `no_space` with the sizes, and the partial file is
 * deleted: a full disk never leaves a truncated file behind under the real name.
 *
 * Across helper processes: the part file is named with the transfer's id, and recorded in the
 * upload journal (transfer-journal.ts, through `UploadRecord`). A helper started after one that
 * died adopts the session's recorded uploads as suspended with nothing in memory (`adopt`); when
 * the viewer offers the same id again, it hashes the part file back (cut to a whole number of
 * chunks, so the viewer continues from a boundary it kept), takes the upload over, and answers
 * the offset. The part file is deleted only by the process that owns the upload.
 */
import { createHash, type Hash } from 'node:crypto';
import path from 'node:path';
import { FILE_CHUNK_BYTES, FILE_CHUNK_MAX_BYTES, type FilesToViewer } from '../../../protocol/data/files';
import { FILE_WINDOW_MAX_BYTES } from '../../../protocol/data/file-window';
import { ProgressMeter } from '../../../protocol/data/file-progress';
import { ProtocolError } from '../../../protocol/errors';
import type { FileAccess } from '../../platform/types';
import { failureOf, formatBytes, type FileFailure } from './file-error';

export type IncomingState = 'receiving' | 'suspended' | 'finishing' | 'done' | 'failed' | 'cancelled';

const TRANSITIONS: Record<IncomingState, readonly IncomingState[]> = {
  receiving: ['suspended', 'finishing', 'failed', 'cancelled'],
  suspended: ['receiving', 'failed', 'cancelled'],
  finishing: ['done', 'failed'],
  done: [],
  failed: [],
  cancelled: [],
};

/** Most bytes queued for writing at once: the largest window the sender may use, plus a chunk. */
export const INCOMING_QUEUE_MAX_BYTES = FILE_WINDOW_MAX_BYTES + FILE_CHUNK_MAX_BYTES;

type Writer = Awaited<ReturnType<FileAccess['openWrite']>>;

/** Bytes read at once when a part file is hashed back after a helper restart. */
const REHASH_READ_BYTES = 4 * 1024 * 1024;

/** Where uploads are recorded so they outlive the process (file-transfer-service.ts implements it). */
export interface UploadRecord {
  /** The upload opened its part file at `partPath`: record it as this process's. */
  opened(file: IncomingFile, partPath: string): Promise<void>;
  /** This process goes on with an upload a previous process left. */
  takenOver(file: IncomingFile): Promise<void>;
  /** Whether this process may delete the part file (it owns the upload, or its owner is gone). */
  mayDelete(file: IncomingFile): Promise<boolean>;
  /** Deletes the part file of an upload that has no open writer (adopted, never resumed). */
  deletePart(file: IncomingFile): Promise<void>;
  /** The upload settled: forget it. */
  settled(file: IncomingFile): Promise<void>;
}

export interface IncomingDeps {
  /** Sends to the viewer this transfer belongs to now (dropped while suspended). */
  send(msg: FilesToViewer): void;
  /** Progress or state changed (for the customer's side). */
  changed(file: IncomingFile): void;
  /** The gate-checked file access, asked at each use (throws when `files` is no longer granted). */
  files(): FileAccess;
  now(): number;
  /** The upload journal; absent: uploads live as long as this process. */
  record?: UploadRecord;
}

export interface IncomingInit {
  id: string;
  agentName: string;
  peerId: number;
  name: string;
  size: number;
  sha256: string | null;
  dir: string;
  label: string;
}

export class IncomingFile {
  readonly direction = 'to_customer';
  readonly meter: ProgressMeter;
  stateValue: IncomingState = 'receiving';
  peerId: number | null;
  /** Bytes on disk, hashed and acknowledged. */
  written = 0;
  /** Final name, once saved. */
  savedAs: string | null = null;
  failure: FileFailure | null = null;
  suspendedAt: number | null = null;
  private received = 0;
  private queued = 0;
  private chain: Promise<void> = Promise.resolve();
  private hash: Hash = createHash('sha256');
  private rewindSent = false;
  /** The writer is closed (suspended) or was never opened in this process (adopted). */
  private writerSuspended = false;
  /** Adopted from a previous process: the part file's bytes are not hashed yet. */
  private adopted: { partPath: string } | null = null;
  private readonly settleWaiters: (() => void)[] = [];

  private constructor(
    readonly init: IncomingInit,
    private writer: Writer | null,
    private readonly deps: IncomingDeps,
  ) {
    this.peerId = init.peerId;
    this.meter = new ProgressMeter(init.size);
    this.meter.update(0, deps.now());
  }

  /** Opens the temporary file (after the caller checked the folder and the free space). */
  static async open(init: IncomingInit, deps: IncomingDeps): Promise<IncomingFile> {
    const writer = await deps.files().openWrite(init.dir, init.name, 0, init.id);
    const file = new IncomingFile(init, writer, deps);
    try {
      await deps.record?.opened(file, writer.tempPath);
    } catch (err) {
      await writer.abort().catch(() => undefined);
      throw err;
    }
    return file;
  }

  /**
   * An upload a previous helper process left (from the journal): suspended, waiting for its
   * viewer's offer, with nothing open and nothing read yet (reading waits for that offer, which
   * comes with the customer's consent).
   */
  static adopt(init: Omit<IncomingInit, 'peerId'>, partPath: string, deps: IncomingDeps): IncomingFile {
    const file = new IncomingFile({ ...init, peerId: 0 }, null, deps);
    file.stateValue = 'suspended';
    file.peerId = null;
    file.suspendedAt = deps.now();
    file.writerSuspended = true;
    file.adopted = { partPath };
    return file;
  }

  get id(): string {
    return this.init.id;
  }

  get state(): IncomingState {
    return this.stateValue;
  }

  /** Resolves once the transfer is done, failed or cancelled. */
  whenSettled(): Promise<void> {
    if (this.settled) return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  /** A method, not a field read: the state changes across the awaits below. */
  private is(state: IncomingState): boolean {
    return this.stateValue === state;
  }

  get settled(): boolean {
    return this.stateValue === 'done' || this.stateValue === 'failed' || this.stateValue === 'cancelled';
  }

  /** One chunk from the viewer (its offset must be the next byte expected). */
  onChunk(offset: number, data: Uint8Array): void {
    if (this.stateValue !== 'receiving') return; // late chunk after a cancel, end or loss
    if (offset !== this.received) {
      // Out of step (a chunk lost on the way): once, tell the sender where to go on from.
      if (offset > this.received && !this.rewindSent) {
        this.rewindSent = true;
        this.deps.send({ type: 'file.accepted', id: this.id, offset: this.received });
      }
      return;
    }
    this.rewindSent = false;
    const n = data.byteLength;
    if (this.received + n > this.init.size) {
      void this.fail(
        new ProtocolError('bad_request', `more bytes arrived than the ${this.init.size} announced`),
      );
      return;
    }
    if (this.queued + n > INCOMING_QUEUE_MAX_BYTES) {
      void this.fail(new ProtocolError('bad_request', 'the sender did not respect its window'));
      return;
    }
    this.received += n;
    this.queued += n;
    const writer = this.writer;
    if (!writer) return; // cannot happen: receiving always has a writer
    this.chain = this.chain.then(async () => {
      if (this.settled) return;
      try {
        await writer.write(data);
      } catch (err) {
        await this.fail(await this.writeFailure(err));
        return;
      }
      this.hash.update(data);
      this.written += n;
      this.queued -= n;
      this.meter.update(this.written, this.deps.now());
      if (this.stateValue === 'receiving' || this.stateValue === 'finishing')
        this.deps.send({ type: 'file.ack', id: this.id, offset: this.written });
      this.deps.changed(this);
    });
  }

  /** The sender has sent everything; `sha256` unless the offer carried it. */
  async end(sha256: string | undefined): Promise<void> {
    if (this.stateValue !== 'receiving') return;
    const announced = this.init.sha256;
    const expected = announced ?? sha256;
    if (!expected) {
      await this.fail(new ProtocolError('bad_request', 'no SHA-256 came with the file'));
      return;
    }
    this.move('finishing');
    await this.chain;
    if (!this.is('finishing')) return;
    if (this.written !== this.init.size) {
      await this.fail(
        new ProtocolError('bad_request', `${this.written} of ${this.init.size} bytes arrived before the end`),
      );
      return;
    }
    const digest = this.hash.digest('hex');
    if (digest !== expected || (announced !== null && sha256 !== undefined && sha256 !== announced)) {
      await this.fail(
        new ProtocolError('checksum_mismatch', 'the file arrived damaged (SHA-256 differs) and was deleted'),
      );
      return;
    }
    let saved: string;
    try {
      if (!this.writer) throw new ProtocolError('internal_error', 'the upload has no open file');
      saved = await this.writer.commit();
    } catch (err) {
      await this.fail(err);
      return;
    }
    if (!this.is('finishing')) return;
    this.savedAs = path.basename(saved);
    await this.deps.record?.settled(this).catch(() => undefined);
    this.move('done');
    this.deps.send({ type: 'file.done', id: this.id, name: this.savedAs, size: this.written });
    this.deps.changed(this);
  }

  /** The viewer's link went away: finish the writes in hand, close the file, keep it for a resume. */
  async suspend(): Promise<void> {
    if (this.stateValue !== 'receiving') return;
    this.move('suspended');
    this.peerId = null;
    this.suspendedAt = this.deps.now();
    this.meter.reset();
    this.deps.changed(this);
    await this.chain;
    if (!this.is('suspended') || this.writerSuspended) return;
    if (this.writer?.suspend) {
      this.writerSuspended = true;
      await this.writer.suspend().catch(() => undefined);
    }
  }

  /**
   * The session goes on in another helper process (a reboot): finish the writes in hand and close
   * the file, keeping it and its journal entry for the helper started afterwards.
   */
  async keepForNextProcess(): Promise<void> {
    if (this.stateValue === 'receiving') await this.suspend();
    await this.chain;
    if (!this.writerSuspended && this.writer?.suspend) {
      this.writerSuspended = true;
      await this.writer.suspend().catch(() => undefined);
    }
  }

  /**
   * The same agent's viewer asks to go on (a repeated offer): answers `file.accepted` with the
   * offset written so far. False when the transfer cannot resume (finished, failed, ...).
   */
  async resume(peerId: number): Promise<boolean> {
    if (this.stateValue === 'receiving') await this.suspend(); // the old link has not been noticed gone yet
    if (!this.is('suspended')) return false;
    await this.chain;
    if (!this.is('suspended')) return false;
    if (this.adopted) {
      try {
        await this.hashBack(this.adopted.partPath);
        await this.deps.record?.takenOver(this);
      } catch (err) {
        await this.fail(err);
        return false;
      }
      this.adopted = null;
    }
    if (!this.is('suspended')) return false;
    if (this.writerSuspended) {
      try {
        this.writer = await this.deps.files().openWrite(this.init.dir, this.init.name, this.written, this.id);
      } catch (err) {
        await this.fail(err);
        return false;
      }
      this.writerSuspended = false;
    }
    if (!this.is('suspended')) return false;
    this.move('receiving');
    this.peerId = peerId;
    this.suspendedAt = null;
    this.received = this.written;
    this.queued = 0;
    this.rewindSent = false;
    this.meter.update(this.written, this.deps.now());
    this.deps.send({ type: 'file.accepted', id: this.id, offset: this.written });
    this.deps.changed(this);
    return true;
  }

  /** Cancelled by either side (or the grant revoked): the partial file is deleted. */
  async cancel(tellViewer: boolean): Promise<void> {
    // While finishing, the file is being checked and saved: its outcome is reported instead.
    if (this.settled || this.stateValue === 'finishing') return;
    this.move('cancelled');
    if (tellViewer) this.deps.send({ type: 'file.cancel', id: this.id });
    this.deps.changed(this);
    await this.chain;
    await this.discardPart();
  }

  /** Fails the transfer with `err`'s code, deletes the partial file and tells the viewer. */
  async fail(err: unknown): Promise<void> {
    if (this.settled) return;
    const failure = failureOf(err);
    this.failure = failure;
    this.move('failed');
    this.deps.send({ type: 'file.failed', id: this.id, ...failure });
    this.deps.changed(this);
    await this.discardPart();
  }

  /**
   * The upload will not go on: its part file goes, unless another helper process has taken the
   * upload over since (then only this process's handle is closed).
   */
  private async discardPart(): Promise<void> {
    const record = this.deps.record;
    try {
      if (record && !(await record.mayDelete(this))) {
        await this.writer?.suspend?.();
        return;
      }
      if (this.writer) await this.writer.abort();
      else await record?.deletePart(this);
      await record?.settled(this);
    } catch {
      // Best effort: a part file left behind is removed by the next start's sweep.
    }
  }

  /**
   * Rebuilds the hash of the bytes a previous process wrote, cut down to whole chunks (the viewer
   * keeps its hash state at chunk boundaries). A part file that is gone means starting over.
   */
  private async hashBack(partPath: string): Promise<void> {
    const hash = createHash('sha256');
    let reader;
    try {
      reader = await this.deps.files().openRead(partPath, 0, true);
    } catch (err) {
      if (err instanceof ProtocolError && err.code === 'not_found') {
        this.hash = hash;
        this.written = 0;
        return;
      }
      throw err;
    }
    try {
      const keep = Math.min(this.init.size, Math.floor(reader.size / FILE_CHUNK_BYTES) * FILE_CHUNK_BYTES);
      let at = 0;
      while (at < keep) {
        const part = await reader.read(Math.min(REHASH_READ_BYTES, keep - at));
        if (part === null) break;
        hash.update(part);
        at += part.byteLength;
      }
      this.hash = hash;
      this.written = at;
    } finally {
      await reader.close();
    }
  }

  private move(to: IncomingState): void {
    if (!TRANSITIONS[this.stateValue].includes(to))
      throw new ProtocolError('illegal_transition', `upload ${this.stateValue} -> ${to}`);
    this.stateValue = to;
    if (this.settled) for (const w of this.settleWaiters.splice(0)) w();
  }

  /** A failed write: `no_space` (with the sizes) when the disk is the reason, else what it was. */
  private async writeFailure(err: unknown): Promise<unknown> {
    const left = this.init.size - this.written;
    const free = await this.deps
      .files()
      .freeBytes(this.init.dir)
      .catch(() => null);
    if (free !== null && free < left) {
      return new ProtocolError(
        'no_space',
        `the disk filled up: ${formatBytes(left)} more were needed, ${formatBytes(free)} are free`,
        { neededBytes: left, freeBytes: free },
      );
    }
    return err;
  }
}
