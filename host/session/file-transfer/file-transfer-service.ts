/**
 * The customer's side of file transfer for a whole session: every viewer's `files` channel comes
 * here (ViewerPeer hands over its opened payloads and, once its keys are agreed, its FilesLink).
 * It lives as long as the session, not as long as one socket: when a link goes (the helper's
 * socket dropped, a viewer reconnected), uploads in progress are suspended with their partial
 * file kept, and the same agent's viewer resumes them by offering the same id again, from the
 * offset written. A fetch is simply asked again from the offset the viewer holds.
 *
 * Uploads also outlive the helper process: each is recorded in the upload journal
 * (transfer-journal.ts) with its part file, named after the transfer; the helper started after
 * one that died adopts the session's uploads (`adopt`) and resumes them from the bytes on disk
 * when the viewer offers them again. A fetch needs nothing of the old process.
 *
 * Every request needs the customer's `files` grant at that moment (the gate's FileAccess refuses
 * otherwise) and an agent the customer approved. An upload is refused BEFORE any byte is
 * written when the folder has not the room for it (`no_space`, naming both sizes): the FAQ's
 * "the file may have been corrupted / appears much smaller" on a full disk becomes a clear
 * refusal. Names are sanitised and confined to the chosen folder by FileAccess; locations are
 * confined to the places it offers (file-where.ts).
 */
import {
  FILE_PLACE_MAX_CHARS,
  FILE_PLACES_MAX,
  parseFilesToHelper,
  type FilesToHelper,
  type FilesToViewer,
} from '../../../protocol/data/files';
import type { TransferFigures } from '../../../protocol/data/file-progress';
import { ProtocolError } from '../../../protocol/errors';
import { RECONNECT_GRACE_MS } from '../../../protocol/limits';
import type { HandlerMap } from '../../../protocol/message';
import type { FileAccess } from '../../platform/types';
import { failureOf, formatBytes, type FileFailure } from './file-error';
import { fitListing } from './file-listing';
import { fileIn, resolveWhere } from './file-where';
import { CustomerOffer, type OfferEvent } from './customer-offer';
import { IncomingFile, type IncomingDeps, type UploadRecord } from './incoming-file';
import { OutgoingFile } from './outgoing-file';
import { PeerSender, type FilesLink } from './peer-sender';
import type { JournalEntry, TransferJournal } from './transfer-journal';

/** Transfers (both ways, suspended ones included) one session may hold at once. */
export const FILE_TRANSFERS_MAX = 8;
/** Space left free on the customer's disk after an upload, in bytes (a full disk breaks other programs). */
export const FREE_SPACE_RESERVE_BYTES = 1024 * 1024;
/** Shortest time between two progress events of one transfer, in ms. */
export const PROGRESS_EVENT_MS = 500;
/** How often suspended uploads are checked for expiry, in ms. */
const EXPIRY_CHECK_MS = 30_000;

export type TransferState = 'active' | 'suspended' | 'done' | 'failed' | 'cancelled';

/** What the customer's side shows of one transfer. */
export interface FileTransferEvent {
  id: string;
  direction: 'to_customer' | 'from_customer';
  agentName: string;
  name: string;
  /** "Documents/reports" */
  folder: string;
  state: TransferState;
  figures: TransferFigures;
  /** The name it was saved under (uploads, when done). */
  savedAs?: string;
  failure?: FileFailure;
}

export interface FileTransferServiceOptions {
  /** The gate's FileAccess: throws `consent_required` unless `files` is granted now. */
  files(): FileAccess;
  /** Whether the customer approved this agent (answered its consent request). */
  mayUse(agentName: string): boolean;
  log(event: string, details?: Record<string, unknown>): void;
  onEvent?(event: FileTransferEvent): void;
  now?: () => number;
  /** How long a suspended upload waits for its viewer, in ms (default: the helper's reconnect grace). */
  resumeGraceMs?: number;
  /** Fixed file window, in bytes (tests); default adaptive. */
  windowBytes?: number;
  /** The upload journal (uploads outlive the process); absent: they live as long as it. */
  journal?: TransferJournal;
  /** The session these transfers belong to (recorded in the journal). */
  sessionId?: () => string | null;
  /** The agent answered the customer's offer (accepted: the download starts; declined). */
  onOffer?(event: OfferEvent): void;
}

type Transfer = IncomingFile | OutgoingFile;

export class FileTransferService {
  private readonly links = new Map<number, FilesLink>();
  private readonly senders = new Map<number, PeerSender>();
  private readonly incoming = new Map<string, IncomingFile>();
  private readonly outgoing = new Map<string, OutgoingFile>();
  /** Ids whose offer or fetch is being opened (a repeat meanwhile is ignored). */
  private readonly opening = new Set<string>();
  /** Answers of finished uploads, so a viewer that lost the answer in a reconnect hears it again. */
  private readonly outcomes = new Map<string, { agentName: string; msg: FilesToViewer; at: number }>();
  private readonly lastEventAt = new Map<string, number>();
  private readonly handlers: HandlerMap<FilesToHelper, FilesLink>;
  private readonly now: () => number;
  private readonly graceMs: number;
  private expiryTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  /** Payloads wait for this (the consent and uploads a restarted helper restores), then flow in order. */
  private held: Promise<void> | null = null;
  private readonly record: UploadRecord | undefined;
  private readonly offers: CustomerOffer;

  constructor(private readonly options: FileTransferServiceOptions) {
    this.now = options.now ?? (() => performance.now());
    this.graceMs = options.resumeGraceMs ?? RECONNECT_GRACE_MS;
    this.handlers = {
      'files.places.get': (m, link) => this.places(m.req, link),
      'files.list': (m, link) => this.list(m, link),
      'file.offer': (m, link) => this.offer(m, link),
      'file.end': (m, link) => this.end(m, link),
      'file.fetch': (m, link) => this.fetch(m, link),
      'file.ack': (m, link) => this.ack(m, link),
      'file.cancel': (m, link) => this.cancelFrom(m.id, link),
      'files.offer.declined': (m) => this.offers.declined(m.offer),
    };
    this.offers = new CustomerOffer({
      files: () => this.options.files(),
      send: (msg) => {
        for (const link of this.links.values()) if (this.options.mayUse(link.agentName)) this.send(link, msg);
      },
      answered: (e) => this.options.onOffer?.(e),
    });
    this.record = options.journal ? journalRecord(options.journal, options.sessionId) : undefined;
  }

  /** Payloads received until `ready` settles wait for it, then are handled in arrival order. */
  hold(ready: Promise<unknown>): void {
    const gate: Promise<void> = ready.then(
      () => undefined,
      () => undefined,
    );
    this.held = gate;
    void gate.then(() => {
      if (this.held === gate) this.held = null;
    });
  }

  /**
   * Uploads a previous helper process of this session left (from the journal): kept suspended,
   * with their part files, until their viewer offers them again or the grace period passes.
   */
  adopt(entries: readonly JournalEntry[]): void {
    for (const e of entries) {
      if (this.closed || this.incoming.has(e.id)) continue;
      const file = IncomingFile.adopt(
        {
          id: e.id,
          agentName: e.agentName,
          name: e.name,
          size: e.size,
          sha256: e.sha256,
          dir: e.dir,
          label: e.label,
        },
        e.partPath,
        this.incomingDeps(() => file),
      );
      this.incoming.set(e.id, file);
      this.options.log('file_adopted', { id: e.id, size: e.size });
      this.emit(file);
    }
    if (this.incoming.size > 0) this.armExpiry();
  }

  // ------------------------------------------------------------------ links

  /** A viewer whose keys are agreed: its files payloads can flow. */
  attach(link: FilesLink): void {
    if (this.closed) return;
    this.detach(link.peerId);
    this.links.set(link.peerId, link);
    this.senders.set(
      link.peerId,
      new PeerSender(link, {
        now: this.now,
        settled: (f) => this.settle(f),
        changed: (f) => this.emit(f),
        ...(this.options.windowBytes !== undefined ? { windowBytes: this.options.windowBytes } : {}),
      }),
    );
    // A viewer that reconnected lost the offer it showed: the customer's offer is still pending.
    const offered = this.offers.pendingMessage();
    if (offered && this.options.mayUse(link.agentName)) this.send(link, offered);
  }

  /** The viewer's link is gone (it left, new keys, the helper's socket dropped). */
  detach(peerId: number): void {
    if (!this.links.delete(peerId)) return;
    this.senders.get(peerId)?.close();
    this.senders.delete(peerId);
    for (const f of this.incoming.values()) if (f.peerId === peerId) void f.suspend();
    for (const f of [...this.outgoing.values()]) {
      // The viewer asks again from what it holds: nothing to keep here.
      if (f.peerId === peerId) {
        f.cancel();
        this.outgoing.delete(f.id);
        this.emit(f, 'suspended');
      }
    }
  }

  /** One opened payload of a viewer's files channel. */
  onPayload(peerId: number, payload: Uint8Array): void {
    const held = this.held;
    if (held) {
      void held.then(() => this.onPayload(peerId, payload));
      return;
    }
    const link = this.links.get(peerId);
    if (!link || this.closed) return;
    const parsed = parseFilesToHelper(payload);
    if (!parsed.ok) {
      this.options.log('files_invalid', { peer: peerId, reason: parsed.message });
      return;
    }
    const value = parsed.value;
    if (value.kind === 'chunk') {
      const f = this.incoming.get(value.id);
      if (f && f.peerId === peerId) f.onChunk(value.offset, value.data);
      return;
    }
    const msg = value.message;
    const handler = this.handlers[msg.type] as (m: FilesToHelper, l: FilesLink) => Promise<void> | void;
    void Promise.resolve(handler(msg, link)).catch((err: unknown) =>
      this.options.log('files_error', { peer: peerId, type: msg.type, error: String(err) }),
    );
  }

  // ------------------------------------------------------------------ the customer's side

  /** Every transfer in progress or waiting for its viewer. */
  transfers(): FileTransferEvent[] {
    return [...this.incoming.values(), ...this.outgoing.values()].map((f) => this.eventOf(f));
  }

  /**
   * The customer offers the file at `localPath` (inside their places) to the agents: its name and
   * size go to the viewers, nothing is read until one accepts. Resolves with the offer's id, or
   * throws a ProtocolError saying why not (outside the places, hidden, not a file, one pending).
   */
  async offerFile(localPath: string): Promise<string> {
    // Checked by callers first (agentLinked), to say it in words; kept here as the rule.
    if (this.links.size === 0)
      throw new ProtocolError('unavailable', 'no agent is connected to receive the file');
    return this.offers.offer(localPath);
  }

  /** Whether the customer's offer waits for the agent's answer. */
  get offerPending(): boolean {
    return this.offers.current !== null;
  }

  /** The customer withdraws their pending offer; the file's name, or null when none was pending. */
  withdrawOffer(): string | null {
    return this.offers.withdraw();
  }

  /** Whether an agent's viewer is linked now (an offer has someone to go to). */
  get agentLinked(): boolean {
    return this.links.size > 0;
  }

  /** The customer cancels one transfer. */
  async cancel(id: string): Promise<boolean> {
    const up = this.incoming.get(id);
    if (up) {
      await up.cancel(true);
      this.settle(up);
      return true;
    }
    const down = this.outgoing.get(id);
    if (down) {
      this.senderOf(down)?.sendMessage({ type: 'file.cancel', id });
      this.stopOutgoing(down);
      return true;
    }
    return false;
  }

  /** `files` was revoked: every transfer ends now, partial files are deleted. */
  async revoke(): Promise<void> {
    const err = new ProtocolError('consent_required', 'the customer stopped file sharing');
    for (const f of [...this.incoming.values()]) {
      await f.fail(err);
      this.settle(f);
    }
    for (const f of [...this.outgoing.values()]) {
      this.senderOf(f)?.sendMessage({ type: 'file.failed', id: f.id, ...failureOf(err) });
      f.fail(failureOf(err));
      this.stopOutgoing(f);
    }
  }

  /**
   * The session is over: everything stops, partial files are deleted. With `keepUploads` (the
   * helper is going away for a reboot, the session is not over) uploads keep their part files and
   * journal entries for the helper started afterwards.
   */
  async close(options: { keepUploads?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.expiryTimer = null;
    for (const f of [...this.incoming.values()]) {
      if (options.keepUploads) {
        await f.keepForNextProcess();
        continue;
      }
      await f.cancel(false);
      if (!f.settled) await f.fail(new ProtocolError('unavailable', 'the session ended'));
      this.settle(f);
    }
    for (const f of [...this.outgoing.values()]) this.stopOutgoing(f);
    for (const s of this.senders.values()) s.close();
    this.senders.clear();
    this.links.clear();
  }

  /** Per viewer: bytes sent and screen yields (figures and tests). */
  senderStats(): { peerId: number; bytesSent: number; yields: number; windowBytes: number }[] {
    return [...this.senders.entries()].map(([peerId, s]) => ({
      peerId,
      bytesSent: s.bytesSent,
      yields: s.yields,
      windowBytes: s.window.windowBytes,
    }));
  }

  // ------------------------------------------------------------------ handlers

  /** The gate's FileAccess for this viewer's agent, or throws the reason it may not. */
  private access(link: FilesLink): FileAccess {
    if (!this.options.mayUse(link.agentName))
      throw new ProtocolError('consent_required', 'the customer has not answered this agent yet');
    return this.options.files();
  }

  private send(link: FilesLink | undefined, msg: FilesToViewer): void {
    if (!link) return;
    const sender = this.senders.get(link.peerId);
    if (sender) sender.sendMessage(msg);
  }

  private async places(req: number, link: FilesLink): Promise<void> {
    try {
      const files = this.access(link);
      const places = await files.places();
      const out: { name: string; freeBytes: number | null }[] = [];
      for (const p of places.slice(0, FILE_PLACES_MAX)) {
        const free = await files.freeBytes(p.path).catch(() => null);
        out.push({
          name: p.name.slice(0, FILE_PLACE_MAX_CHARS),
          freeBytes: free === null ? null : Math.max(0, Math.floor(free)),
        });
      }
      this.send(link, { type: 'files.places', req, places: out });
    } catch (err) {
      this.send(link, { type: 'files.error', req, ...pick(failureOf(err)) });
    }
  }

  private async list(m: Extract<FilesToHelper, { type: 'files.list' }>, link: FilesLink): Promise<void> {
    try {
      const files = this.access(link);
      const folder = await resolveWhere(files, m.where);
      const entries = await files.list(folder.dir);
      this.send(link, fitListing(m.req, m.where, entries));
    } catch (err) {
      this.send(link, { type: 'files.error', req: m.req, ...pick(failureOf(err)) });
    }
  }

  private async offer(m: Extract<FilesToHelper, { type: 'file.offer' }>, link: FilesLink): Promise<void> {
    if (this.opening.has(m.id)) return;
    const known = this.incoming.get(m.id);
    if (known) {
      if (known.init.agentName !== link.agentName) {
        this.send(link, refusal(m.id, 'forbidden', 'this transfer belongs to another agent'));
      } else if (known.init.size !== m.size || known.init.name !== m.name) {
        this.send(link, refusal(m.id, 'bad_request', 'this transfer id belongs to another file'));
      } else if (known.state === 'finishing') {
        // Being checked and saved (the answer was lost with the old link): answer when it is.
        await known.whenSettled();
        this.settle(known);
        this.send(
          link,
          this.outcomeFor(m.id, link) ?? refusal(m.id, 'not_found', 'the transfer cannot resume'),
        );
      } else if (!(await known.resume(link.peerId))) {
        this.send(
          link,
          this.outcomeFor(m.id, link) ?? refusal(m.id, 'not_found', 'the transfer cannot resume'),
        );
      }
      return;
    }
    const outcome = this.outcomeFor(m.id, link);
    if (outcome) {
      this.send(link, outcome);
      return;
    }
    this.opening.add(m.id);
    try {
      const files = this.access(link);
      this.checkRoomForAnother();
      const folder = await resolveWhere(files, m.where);
      const free = await files.freeBytes(folder.dir);
      if (m.size + FREE_SPACE_RESERVE_BYTES > free) {
        throw new ProtocolError(
          'no_space',
          `not enough space in ${folder.label}: the file needs ${formatBytes(m.size)}, ${formatBytes(Math.max(0, free))} are free`,
          { neededBytes: m.size, freeBytes: Math.max(0, Math.floor(free)) },
        );
      }
      const file = await IncomingFile.open(
        {
          id: m.id,
          agentName: link.agentName,
          peerId: link.peerId,
          name: m.name,
          size: m.size,
          sha256: m.sha256 ?? null,
          dir: folder.dir,
          label: folder.label,
        },
        this.incomingDeps(() => file),
      );
      if (this.closed) {
        await file.cancel(false);
        return;
      }
      this.incoming.set(m.id, file);
      this.armExpiry();
      this.send(link, { type: 'file.accepted', id: m.id, offset: 0 });
      this.emit(file);
    } catch (err) {
      this.send(link, { type: 'file.failed', id: m.id, ...failureOf(err) });
    } finally {
      this.opening.delete(m.id);
    }
  }

  private async end(m: Extract<FilesToHelper, { type: 'file.end' }>, link: FilesLink): Promise<void> {
    const f = this.incoming.get(m.id);
    if (!f || f.peerId !== link.peerId) return;
    await f.end(m.sha256);
    if (f.settled) this.settle(f);
  }

  private async fetch(m: Extract<FilesToHelper, { type: 'file.fetch' }>, link: FilesLink): Promise<void> {
    if (this.opening.has(m.id)) return;
    const known = this.outgoing.get(m.id);
    if (known) {
      if (known.init.agentName !== link.agentName) {
        this.send(link, refusal(m.id, 'forbidden', 'this transfer belongs to another agent'));
        return;
      }
      // Asked again (a resume, or a chunk went missing): start over from the viewer's offset.
      known.cancel();
      this.senderOf(known)?.remove(known);
      this.outgoing.delete(m.id);
    }
    this.opening.add(m.id);
    try {
      if (m.offer !== undefined) this.offers.checkNotWithdrawn(m.offer);
      const files = this.access(link);
      this.checkRoomForAnother();
      const folder = await resolveWhere(files, m.where);
      const file = await OutgoingFile.open(
        files,
        {
          id: m.id,
          agentName: link.agentName,
          peerId: link.peerId,
          path: fileIn(folder.dir, m.name),
          name: m.name,
          label: folder.label,
        },
        m.offset,
        this.now,
      );
      const sender = this.senders.get(link.peerId);
      if (!sender || this.closed) {
        await file.close();
        return;
      }
      this.outgoing.set(m.id, file);
      if (m.offer !== undefined) this.offers.accepted(m.offer, m.where, m.name, link.agentName);
      sender.sendMessage({ type: 'file.sending', id: m.id, name: m.name, size: file.size, offset: m.offset });
      sender.add(file);
      this.emit(file);
    } catch (err) {
      this.send(link, { type: 'file.failed', id: m.id, ...failureOf(err) });
    } finally {
      this.opening.delete(m.id);
    }
  }

  private ack(m: Extract<FilesToHelper, { type: 'file.ack' }>, link: FilesLink): void {
    const f = this.outgoing.get(m.id);
    if (!f || f.peerId !== link.peerId) return;
    this.senders.get(link.peerId)?.onAck(f, m.offset);
  }

  private async cancelFrom(id: string, link: FilesLink): Promise<void> {
    const up = this.incoming.get(id);
    if (up && up.init.agentName === link.agentName) {
      await up.cancel(false);
      this.settle(up);
      return;
    }
    const down = this.outgoing.get(id);
    if (down && down.init.agentName === link.agentName) this.stopOutgoing(down);
  }

  // ------------------------------------------------------------------ bookkeeping

  private incomingDeps(file: () => IncomingFile): IncomingDeps {
    return {
      send: (msg) => {
        const f = file();
        this.send(f.peerId === null ? undefined : this.links.get(f.peerId), msg);
      },
      changed: (f) => this.emit(f),
      files: () => this.options.files(),
      now: this.now,
      ...(this.record ? { record: this.record } : {}),
    };
  }

  private checkRoomForAnother(): void {
    if (this.incoming.size + this.outgoing.size + this.opening.size > FILE_TRANSFERS_MAX) {
      throw new ProtocolError(
        'unavailable',
        `${FILE_TRANSFERS_MAX} transfers are already under way; try again when one is done`,
      );
    }
  }

  private senderOf(f: OutgoingFile): PeerSender | undefined {
    return this.senders.get(f.peerId);
  }

  private stopOutgoing(f: OutgoingFile): void {
    f.cancel();
    this.senderOf(f)?.remove(f);
    this.settle(f);
  }

  /** A transfer ended (done, failed, cancelled): forget it, keep an upload's answer for a while. */
  private settle(f: Transfer): void {
    if (f instanceof IncomingFile) {
      if (this.incoming.get(f.id) !== f) return;
      this.incoming.delete(f.id);
      if (f.state === 'done' && f.savedAs !== null) {
        this.outcomes.set(f.id, {
          agentName: f.init.agentName,
          msg: { type: 'file.done', id: f.id, name: f.savedAs, size: f.written },
          at: this.now(),
        });
      } else if (f.state === 'failed' && f.failure) {
        this.outcomes.set(f.id, {
          agentName: f.init.agentName,
          msg: { type: 'file.failed', id: f.id, ...f.failure },
          at: this.now(),
        });
      }
    } else {
      if (this.outgoing.get(f.id) !== f) return;
      this.outgoing.delete(f.id);
    }
    this.lastEventAt.delete(f.id);
    this.emit(f);
  }

  private outcomeFor(id: string, link: FilesLink): FilesToViewer | null {
    const o = this.outcomes.get(id);
    return o && o.agentName === link.agentName ? o.msg : null;
  }

  /** Suspended uploads whose viewer did not come back in time are dropped (partial file deleted). */
  private armExpiry(): void {
    if (this.expiryTimer) return;
    this.expiryTimer = setInterval(() => void this.expire(), Math.min(EXPIRY_CHECK_MS, this.graceMs));
    this.expiryTimer.unref?.();
  }

  private async expire(): Promise<void> {
    const now = this.now();
    for (const f of [...this.incoming.values()]) {
      if (f.state === 'suspended' && f.suspendedAt !== null && now - f.suspendedAt >= this.graceMs) {
        this.options.log('file_resume_expired', { id: f.id });
        await f.cancel(false);
        this.settle(f);
      }
    }
    for (const [id, o] of this.outcomes) if (now - o.at >= this.graceMs) this.outcomes.delete(id);
    if (this.incoming.size === 0 && this.outcomes.size === 0 && this.expiryTimer) {
      clearInterval(this.expiryTimer);
      this.expiryTimer = null;
    }
  }

  private eventOf(f: Transfer, state?: TransferState): FileTransferEvent {
    const now = this.now();
    const s: TransferState =
      state ??
      (f.state === 'done' || f.state === 'failed' || f.state === 'cancelled'
        ? f.state
        : f.state === 'suspended'
          ? 'suspended'
          : 'active');
    return {
      id: f.id,
      direction: f.direction,
      agentName: f.init.agentName,
      name: f.init.name,
      folder: f.init.label,
      state: s,
      figures: f.meter.figures(now),
      ...(f instanceof IncomingFile && f.savedAs !== null ? { savedAs: f.savedAs } : {}),
      ...(f.failure ? { failure: f.failure } : {}),
    };
  }

  /** Transfers whose end the customer's side was told (one line each, whatever reports it). */
  private readonly endTold = new Set<string>();

  /** Tells the customer's side; progress at most every PROGRESS_EVENT_MS, state changes at once. */
  private emit(f: Transfer, state?: TransferState): void {
    const onEvent = this.options.onEvent;
    if (!onEvent) return;
    const event = this.eventOf(f, state);
    const now = this.now();
    if (event.state === 'done' || event.state === 'failed' || event.state === 'cancelled') {
      // The file's own change and settle() both report the end: the customer is told it once
      // (the terminal printed "Saved" twice).
      if (this.endTold.has(f.id)) return;
      this.endTold.add(f.id);
    } else if (event.state === 'active') {
      const last = this.lastEventAt.get(f.id);
      const first = last === undefined;
      if (!first && now - last < PROGRESS_EVENT_MS) return;
      this.lastEventAt.set(f.id, now);
    }
    onEvent(event);
  }
}

function refusal(id: string, code: FileFailure['code'], message: string): FilesToViewer {
  return { type: 'file.failed', id, code, message };
}

function pick(f: FileFailure): { code: FileFailure['code']; message: string } {
  return { code: f.code, message: f.message };
}

/** The upload journal as IncomingFile sees it. */
function journalRecord(journal: TransferJournal, sessionId: (() => string | null) | undefined): UploadRecord {
  return {
    async opened(file, partPath) {
      const session = sessionId?.() ?? null;
      if (session === null) return;
      const { id, agentName, name, size, sha256, dir, label } = file.init;
      await journal.record({ id, sessionId: session, agentName, name, size, sha256, dir, label, partPath });
    },
    async takenOver(file) {
      const entry = await journal.get(file.id);
      if (entry) await journal.takeOver(entry);
    },
    mayDelete: (file) => journal.mayDelete(file.id),
    async deletePart(file) {
      const entry = await journal.get(file.id);
      if (entry) await journal.discard(entry);
    },
    settled: (file) => journal.remove(file.id),
  };
}
