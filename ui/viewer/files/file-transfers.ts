/**
 * The viewer's side of file transfer, framework-free: browsing the customer's places and folders,
 * sending files to the customer (one at a time, in the order chosen) and fetching files from
 * them (several at once; the helper interleaves them). The session hands it its opened `files`
 * payloads and tells it when the keys are agreed (`linkUp`) or lost (`linkDown`), whether file
 * transfer is allowed now (the customer's grant and the agent's account), and when it can never
 * go on (`endAll`: the customer revoked `files`, the helper stopped for good). Not being allowed
 * for a while (a helper reconnecting, a new helper not yet answered) fails nothing: what moved
 * waits, interrupted. It sends sealed payloads through `transport`.
 *
 * Flow control: the agent's uploads share one FileWindow (protocol/data/file-window.ts), so at
 * most a window of bytes is unacknowledged, whatever the file size; reading the next chunk waits
 * for room. After a link loss, every transfer that was moving is `interrupted`; on the next
 * `linkUp` an upload is offered again with the same id (the helper answers with the offset it has
 * written) and a download is fetched again from the bytes already stored. The Files panel
 * subscribes to snapshots (state changes at once, progress at most every PROGRESS_EMIT_MS).
 */
import {
  encodeFileChunk,
  newFileId,
  parseFilesToViewer,
  type FileEntry,
  type FilesToHelper,
  type FilesToViewer,
  type FileWhere,
} from '../../../protocol/data/files';
import { FileWindow } from '../../../protocol/data/file-window';
import { encodeJsonPayload } from '../../../protocol/data/json-payload';
import type { HandlerMap } from '../../../protocol/message';
import { Download, type CreateSink } from './download';
import {
  folderLabel,
  type CustomerFileOffer,
  type FilesSnapshot,
  type FileTransferError,
  type FileTransferView,
  type TransferPhase,
} from './transfer-types';
import { Upload } from './upload';

/** A places or list request not answered in this time fails, in ms. */
export const FILES_REQUEST_TIMEOUT_MS = 15_000;
/** Shortest time between two progress snapshots, in ms. */
export const PROGRESS_EMIT_MS = 250;
/** Customer offers the panel shows at once; more are declined (the helper keeps one pending). */
export const FILE_OFFERS_SHOWN_MAX = 4;
/** Finished transfers kept in the list, at most (the oldest go first). */
const FINISHED_KEPT = 20;

export interface FilesTransport {
  /** Seals and sends one files payload to the helper; false when there is no agreed link. */
  send(payload: Uint8Array): boolean;
}

export interface Place {
  name: string;
  freeBytes: number | null;
}

export interface FolderListing {
  where: FileWhere;
  entries: FileEntry[];
  total: number;
}

/** A places or list request failed: the helper's code and message, or `unavailable` (no link, timeout). */
export class FilesRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FilesRequestError';
  }
}

export interface FileTransfersOptions {
  transport: FilesTransport;
  createSink: CreateSink;
  now?: () => number;
  /** Fixed upload window in bytes (tests); default adaptive. */
  windowBytes?: number;
  /**
   * A transfer finished and its SHA-256 matched on both sides: the viewer tells the server for the
   * session report (the server never sees files: they travel end-to-end encrypted).
   */
  onVerified?: (file: VerifiedFile) => void;
}

export interface VerifiedFile {
  direction: 'to_customer' | 'from_customer';
  name: string;
  size: number;
  sha256: string;
}

type Pending = {
  resolve(m: FilesToViewer): void;
  reject(e: FilesRequestError): void;
  timer: ReturnType<typeof setTimeout>;
};

type Listener = (s: FilesSnapshot) => void;

export class FileTransfers {
  readonly window: FileWindow;
  private readonly uploads: Upload[] = [];
  private readonly downloads = new Map<string, Download>();
  /** Every transfer in the order it was asked for (the panel's list). */
  private readonly order: (Upload | Download)[] = [];
  private readonly pending = new Map<number, Pending>();
  /** Files the customer offers from the helper, waiting for Accept / Decline (at most FILE_OFFERS_SHOWN_MAX). */
  private readonly offers = new Map<string, CustomerFileOffer>();
  private readonly listeners = new Set<Listener>();
  private readonly handlers: HandlerMap<FilesToViewer, void>;
  private readonly now: () => number;
  private nextReq = 1;
  private connected = false;
  private allowed = false;
  private pumping = false;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;
  private lastEmit = -Infinity;
  private closed = false;
  /** Upload bytes sent, resends included (figures and tests). */
  bytesSent = 0;

  constructor(private readonly options: FileTransfersOptions) {
    this.now = options.now ?? (() => performance.now());
    this.window = new FileWindow(options.windowBytes);
    this.handlers = {
      'files.places': (m) => this.answer(m.req, m),
      'files.listing': (m) => this.answer(m.req, m),
      'files.error': (m) => this.answer(m.req, m),
      'file.accepted': (m) => void this.onAccepted(m.id, m.offset),
      'file.ack': (m) => this.onUploadAck(m.id, m.offset),
      'file.done': (m) => this.onDone(m.id, m.name, m.size),
      'file.sending': (m) => this.onSending(m),
      'file.end': (m) => void this.onEnd(m),
      'file.failed': (m) => this.onFailed(m),
      'file.cancel': (m) => this.onCancelled(m.id),
      'files.offered': (m) => this.onOffered(m),
      'files.offer.withdrawn': (m) => {
        // The customer changed their mind: the bar goes. An Accept already sent fails on the
        // helper's side (offer_withdrawn), which the transfer list then says.
        if (this.offers.delete(m.offer)) this.emit(true);
      },
    };
  }

  // ------------------------------------------------------------------ session events

  /** Keys agreed with the helper: requests can go; interrupted transfers go on. */
  linkUp(): void {
    this.connected = true;
    if (this.allowed) this.restart();
    this.emit(true);
  }

  /** The link is gone (helper reconnecting, our socket down): what moved is interrupted. */
  linkDown(): void {
    if (!this.connected) return;
    this.connected = false;
    this.window.clear();
    for (const t of this.order) {
      if (t.phase === 'offering' || t.phase === 'sending' || t.phase === 'verifying') this.interrupt(t);
    }
    this.rejectPending('the connection to the customer was lost');
    this.emit(true);
  }

  /**
   * Whether file transfer is allowed now (customer's `files` grant and the agent's account). Not
   * allowed stops new requests; transfers under way wait (`endAll` is what fails them).
   */
  setAllowed(allowed: boolean): void {
    if (allowed === this.allowed) return;
    this.allowed = allowed;
    if (!allowed) {
      for (const t of this.order) {
        if (t.phase === 'offering' || t.phase === 'sending' || t.phase === 'verifying') this.interrupt(t);
      }
      this.window.clear();
      this.rejectPending('file transfer is not allowed now', 'consent_required');
    } else if (this.connected) {
      this.restart();
    }
    this.emit(true);
  }

  /** Every transfer not finished fails with `error`: they can never go on (revoke, helper gone). */
  endAll(error: FileTransferError): void {
    for (const t of [...this.order]) if (!t.settled) this.fail(t, { ...error }, false);
    this.rejectPending(error.message, error.code);
    this.emit(true);
  }

  /** One opened payload of the files channel. */
  onPayload(payload: Uint8Array): void {
    if (this.closed) return;
    const parsed = parseFilesToViewer(payload);
    if (!parsed.ok) return;
    const v = parsed.value;
    if (v.kind === 'chunk') {
      this.onChunk(v.id, v.offset, v.data);
      return;
    }
    const handler = this.handlers[v.message.type] as (m: FilesToViewer) => void;
    handler(v.message);
  }

  close(): void {
    this.closed = true;
    for (const t of this.order) {
      if (t instanceof Download && !t.settled) t.discard();
      if (t instanceof Upload) t.generation++;
    }
    this.rejectPending('the viewer closed');
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.listeners.clear();
  }

  // ------------------------------------------------------------------ agent actions

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  snapshot(): FilesSnapshot {
    const now = this.now();
    return {
      connected: this.connected,
      allowed: this.allowed,
      transfers: this.order.map((t) => this.viewOf(t, now)),
      offers: [...this.offers.values()],
    };
  }

  /** The customer's places (Home, Desktop, Downloads, Documents where they exist). */
  async places(): Promise<Place[]> {
    const m = await this.request({ type: 'files.places.get', req: 0 });
    if (m.type !== 'files.places') throw new FilesRequestError('bad_request', 'unexpected answer');
    return m.places;
  }

  /** The entries of one folder on the customer's computer. */
  async list(where: FileWhere): Promise<FolderListing> {
    const m = await this.request({ type: 'files.list', req: 0, where });
    if (m.type !== 'files.listing') throw new FilesRequestError('bad_request', 'unexpected answer');
    return { where: m.where, entries: m.entries, total: m.total };
  }

  /** Sends `blob` to the customer's folder `where` as `name`; returns the transfer id. */
  send(blob: Blob, name: string, where: FileWhere): string {
    const up = new Upload(newFileId(), blob, name.slice(0, 1024) || 'file', where, this.now());
    this.uploads.push(up);
    this.add(up);
    this.startNextUpload();
    return up.id;
  }

  /** Accepts the customer's offer: downloads exactly that file (the usual checks); returns the transfer id. */
  acceptOffer(offer: string): string | null {
    const o = this.offers.get(offer);
    if (!o) return null;
    this.offers.delete(offer);
    return this.fetch(o.where, o.name, o.size, offer);
  }

  /** Declines the customer's offer: nothing is read, the customer is told. */
  declineOffer(offer: string): void {
    if (!this.offers.delete(offer)) return;
    this.sendMessage({ type: 'files.offer.declined', offer });
    this.emit(true);
  }

  /** Fetches the customer's file `name` in `where` (`size` as listed); returns the transfer id. */
  fetch(where: FileWhere, name: string, size: number, offer?: string): string {
    const id = newFileId();
    const down = new Download(id, name, where, size, this.options.createSink(name, size), this.now());
    this.downloads.set(id, down);
    this.add(down);
    if (!this.allowed) {
      this.fail(down, { code: 'consent_required', message: 'file transfer is not allowed now' }, false);
    } else if (!this.connected) {
      down.phase = 'interrupted'; // asked for as soon as the link is back
    } else {
      this.sendMessage({ type: 'file.fetch', id, where, name, offset: 0, ...(offer ? { offer } : {}) });
    }
    this.emit(true);
    return id;
  }

  /** Cancels a transfer (the customer's side deletes what it had). */
  cancel(id: string): void {
    const t = this.find(id);
    if (!t || t.settled) return;
    if (t.phase !== 'queued') this.sendMessage({ type: 'file.cancel', id });
    this.settle(t, 'cancelled');
  }

  /** Removes a finished transfer from the list. */
  dismiss(id: string): void {
    const t = this.find(id);
    if (!t || !t.settled) return;
    this.order.splice(this.order.indexOf(t), 1);
    this.emit(true);
  }

  private onOffered(m: Extract<FilesToViewer, { type: 'files.offered' }>): void {
    if (this.offers.has(m.offer)) return;
    if (this.offers.size >= FILE_OFFERS_SHOWN_MAX) {
      // A helper that floods offers is told no for the extra ones, never shown an unbounded list.
      this.sendMessage({ type: 'files.offer.declined', offer: m.offer });
      return;
    }
    this.offers.set(m.offer, {
      offer: m.offer,
      where: m.where,
      name: m.name,
      size: m.size,
      folder: folderLabel(m.where),
    });
    this.emit(true);
  }

  // ------------------------------------------------------------------ uploads

  private activeUpload(): Upload | null {
    return this.uploads.find((u) => !u.settled && u.phase !== 'queued') ?? null;
  }

  private startNextUpload(): void {
    if (!this.connected || !this.allowed || this.activeUpload()) return;
    const next = this.uploads.find((u) => u.phase === 'queued');
    if (!next) return;
    this.offer(next);
  }

  private offer(up: Upload): void {
    up.phase = 'offering';
    this.sendMessage({ type: 'file.offer', id: up.id, name: up.name, size: up.size, where: up.where });
    this.emit(true);
  }

  private async onAccepted(id: string, offset: number): Promise<void> {
    const up = this.uploads.find((u) => u.id === id);
    if (!up || up.settled || up.phase === 'queued' || up.phase === 'interrupted') return;
    if (offset > up.readAt || offset > up.size) {
      this.fail(up, { code: 'bad_request', message: `the customer's side asked for offset ${offset}` }, true);
      return;
    }
    this.window.forget(id);
    const generation = up.generation + 1;
    await up.rewind(offset, this.now());
    if (up.generation !== generation || up.settled) return;
    up.phase = 'sending';
    this.emit(true);
    this.pump();
  }

  private onUploadAck(id: string, offset: number): void {
    const up = this.uploads.find((u) => u.id === id);
    if (!up || (up.phase !== 'sending' && up.phase !== 'verifying')) return;
    if (!up.ack(offset, this.now())) return;
    this.window.onAck(id, offset, this.now());
    this.emit(false);
    this.pump();
  }

  private onDone(id: string, name: string, size: number): void {
    const up = this.uploads.find((u) => u.id === id);
    if (!up || up.settled) return;
    if (size !== up.size) {
      this.fail(up, { code: 'bad_request', message: `the customer's side saved ${size} bytes` }, false);
      return;
    }
    up.acked = size;
    up.meter.update(size, this.now());
    up.savedAs = name;
    this.settle(up, 'done');
  }

  /** Sends chunks of the active upload while the window has room; one pump at a time. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.runPump().finally(() => {
      this.pumping = false;
    });
  }

  private async runPump(): Promise<void> {
    for (;;) {
      const up = this.activeUpload();
      if (!up || up.phase !== 'sending' || !this.connected || this.closed) return;
      if (up.readAt >= up.size) {
        if (!up.ended) {
          up.ended = true;
          up.phase = 'verifying';
          this.sendMessage({ type: 'file.end', id: up.id, sha256: up.digest() });
          this.emit(true);
        }
        return;
      }
      if (!this.window.canSend()) return;
      let chunk: Awaited<ReturnType<Upload['read']>>;
      try {
        chunk = await up.read();
      } catch (err) {
        this.fail(
          up,
          { code: 'read_failed', message: err instanceof Error ? err.message : String(err) },
          true,
        );
        continue;
      }
      if (!chunk || chunk.generation !== up.generation || up.phase !== 'sending') continue;
      if (chunk.offset !== up.readAt) continue;
      up.consume(chunk.offset, chunk.data);
      const n = chunk.data.byteLength;
      if (!this.options.transport.send(encodeFileChunk(up.id, chunk.offset, chunk.data))) return;
      this.window.onSent(up.id, chunk.offset + n, n, this.now());
      this.bytesSent += n;
    }
  }

  // ------------------------------------------------------------------ downloads

  private onSending(m: Extract<FilesToViewer, { type: 'file.sending' }>): void {
    const down = this.downloads.get(m.id);
    if (!down || down.settled || down.phase === 'interrupted') return;
    if (!down.sending(m.size, m.offset, this.now())) {
      this.fail(
        down,
        { code: 'file_changed', message: `the file now has ${m.size} bytes; ${down.received} were copied` },
        true,
      );
      return;
    }
    down.rewindAsked = false;
    this.emit(true);
  }

  private onChunk(id: string, offset: number, data: Uint8Array): void {
    const down = this.downloads.get(id);
    if (!down || down.phase !== 'sending') return;
    if (offset !== down.received) {
      // Out of step (a chunk lost on the way): ask once to go on from what is stored.
      if (offset > down.received && !down.rewindAsked) this.refetch(down);
      return;
    }
    if (!down.store(data, this.now())) {
      this.fail(down, { code: 'bad_request', message: 'more bytes arrived than the file has' }, true);
      return;
    }
    this.sendMessage({ type: 'file.ack', id, offset: down.received });
    this.emit(false);
  }

  private async onEnd(m: Extract<FilesToViewer, { type: 'file.end' }>): Promise<void> {
    const down = this.downloads.get(m.id);
    if (!down || down.phase !== 'sending') return;
    if (m.size !== down.size) {
      this.fail(down, { code: 'file_changed', message: `the file changed size while it was copied` }, false);
      return;
    }
    down.expected = { sha256: m.sha256, size: m.size };
    if (down.received < m.size) {
      if (!down.rewindAsked) this.refetch(down);
      return;
    }
    down.phase = 'verifying';
    this.emit(true);
    if (!down.matches()) {
      this.fail(
        down,
        { code: 'checksum_mismatch', message: 'the file arrived damaged (SHA-256 differs) and was deleted' },
        false,
      );
      return;
    }
    try {
      await down.finish();
    } catch (err) {
      this.fail(
        down,
        { code: 'save_failed', message: err instanceof Error ? err.message : String(err) },
        false,
      );
      return;
    }
    if (down.phase === 'verifying') this.settle(down, 'done');
  }

  private refetch(down: Download): void {
    down.rewindAsked = true;
    this.sendMessage({
      type: 'file.fetch',
      id: down.id,
      where: down.where,
      name: down.name,
      offset: down.received,
    });
  }

  // ------------------------------------------------------------------ both

  private onFailed(m: Extract<FilesToViewer, { type: 'file.failed' }>): void {
    const t = this.find(m.id);
    if (!t || t.settled) return;
    const error: FileTransferError = { code: m.code, message: m.message };
    if (m.neededBytes !== undefined) error.neededBytes = m.neededBytes;
    if (m.freeBytes !== undefined) error.freeBytes = m.freeBytes;
    this.fail(t, error, false);
  }

  private onCancelled(id: string): void {
    const t = this.find(id);
    if (t && !t.settled) this.settle(t, 'cancelled');
  }

  private interrupt(t: Upload | Download): void {
    t.phase = 'interrupted';
    if (t instanceof Upload) t.generation++;
    t.meter.reset();
  }

  /** After a link came back (or transfer was allowed again): everything interrupted goes on. */
  private restart(): void {
    for (const t of this.order) {
      if (t.phase !== 'interrupted') continue;
      if (t instanceof Upload) {
        this.offer(t);
      } else {
        t.phase = 'offering';
        t.rewindAsked = false;
        this.sendMessage({ type: 'file.fetch', id: t.id, where: t.where, name: t.name, offset: t.received });
      }
    }
    this.startNextUpload();
  }

  private fail(t: Upload | Download, error: FileTransferError, tellHelper: boolean): void {
    if (t.settled) return;
    if (tellHelper && t.phase !== 'queued') this.sendMessage({ type: 'file.cancel', id: t.id });
    t.error = error;
    this.settle(t, 'failed');
  }

  private settle(t: Upload | Download, phase: Extract<TransferPhase, 'done' | 'failed' | 'cancelled'>): void {
    t.phase = phase;
    if (phase === 'done') {
      const sha256 = t instanceof Upload ? t.digest() : t.expected?.sha256;
      if (sha256)
        this.options.onVerified?.({
          direction: t instanceof Upload ? 'to_customer' : 'from_customer',
          name: t.name,
          size: t.size,
          sha256,
        });
    }
    if (t instanceof Upload) {
      t.generation++;
      this.window.forget(t.id);
      this.uploads.splice(this.uploads.indexOf(t), 1);
    } else {
      if (phase !== 'done') t.discard();
      this.downloads.delete(t.id);
    }
    this.trimFinished();
    this.emit(true);
    this.startNextUpload();
    this.pump();
  }

  private trimFinished(): void {
    let finished = this.order.filter((t) => t.settled).length;
    for (let i = 0; i < this.order.length && finished > FINISHED_KEPT;) {
      if (this.order[i]!.settled) {
        this.order.splice(i, 1);
        finished--;
      } else i++;
    }
  }

  private add(t: Upload | Download): void {
    this.order.push(t);
  }

  private find(id: string): Upload | Download | undefined {
    return this.order.find((t) => t.id === id);
  }

  private sendMessage(msg: FilesToHelper): boolean {
    return this.options.transport.send(encodeJsonPayload(msg));
  }

  private request(
    msg: Extract<FilesToHelper, { type: 'files.places.get' | 'files.list' }>,
  ): Promise<FilesToViewer> {
    if (!this.connected)
      return Promise.reject(new FilesRequestError('unavailable', 'not connected to the helper'));
    const req = this.nextReq;
    this.nextReq = (this.nextReq + 1) >>> 0;
    return new Promise<FilesToViewer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(req);
        reject(new FilesRequestError('unavailable', "the customer's helper did not answer in time"));
      }, FILES_REQUEST_TIMEOUT_MS);
      this.pending.set(req, { resolve, reject, timer });
      if (!this.sendMessage({ ...msg, req })) {
        clearTimeout(timer);
        this.pending.delete(req);
        reject(new FilesRequestError('unavailable', 'not connected to the helper'));
      }
    }).then((m) => {
      if (m.type === 'files.error') throw new FilesRequestError(m.code, m.message);
      return m;
    });
  }

  private answer(req: number, m: FilesToViewer): void {
    const p = this.pending.get(req);
    if (!p) return;
    this.pending.delete(req);
    clearTimeout(p.timer);
    p.resolve(m);
  }

  private rejectPending(message: string, code = 'unavailable'): void {
    for (const [req, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(req);
      p.reject(new FilesRequestError(code, message));
    }
  }

  private viewOf(t: Upload | Download, now: number): FileTransferView {
    return {
      id: t.id,
      direction: t.direction,
      name: t.name,
      folder: folderLabel(t.where),
      size: t.size,
      phase: t.phase,
      figures: t.meter.figures(now),
      savedAs: t.savedAs,
      error: t.error,
    };
  }

  /** State changes go out at once; progress at most every PROGRESS_EMIT_MS. */
  private emit(now: boolean): void {
    if (this.closed) return;
    const t = this.now();
    if (!now && t - this.lastEmit < PROGRESS_EMIT_MS) {
      this.emitTimer ??= setTimeout(() => {
        this.emitTimer = null;
        this.emit(true);
      }, PROGRESS_EMIT_MS);
      return;
    }
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.emitTimer = null;
    this.lastEmit = t;
    const snap = this.snapshot();
    for (const l of this.listeners) l(snap);
  }
}
