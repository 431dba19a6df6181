/**
 * The viewer's FileTransfers (ui/viewer/files) and the helper's FileTransferService
 * (host/session/file-transfer) joined by an in-memory link that delivers payloads in order and
 * asynchronously, as the sealed data plane does, without the crypto and the server (those run in
 * test/e2e/file-transfer/). Files go through the real NodeFileAccess in a temporary home, or
 * through one the test wraps (a fake free space, a failing write). The link can be cut and
 * restored (a reconnect: the viewer gets a new peer id, as after a real one), and a hook can
 * change payloads on the way. With a journal folder, uploads are recorded there, and the helper's
 * service can be replaced by a new one (`restartHelper`), as when the helper process is killed and
 * started again: the new one adopts the session's uploads from the journal.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProtocolError } from '../../../../protocol/errors';
import { NodeFileAccess } from '../../../../host/platform/files/node-file-access';
import type { FileAccess } from '../../../../host/platform/types';
import {
  FileTransferService,
  type FileTransferEvent,
} from '../../../../host/session/file-transfer/file-transfer-service';
import type { OfferEvent } from '../../../../host/session/file-transfer/customer-offer';
import { TransferJournal } from '../../../../host/session/file-transfer/transfer-journal';
import type { DownloadSink } from '../../../../ui/viewer/files/download';
import { FileTransfers } from '../../../../ui/viewer/files/file-transfers';

export interface MemorySink extends DownloadSink {
  name: string;
  chunks: Uint8Array[];
  saved: string | null;
  discarded: boolean;
  bytes(): Uint8Array;
}

export function memorySink(name: string): MemorySink {
  const sink: MemorySink = {
    name,
    chunks: [],
    saved: null,
    discarded: false,
    append: (d) => void sink.chunks.push(d.slice()),
    finish: (n) => {
      sink.saved = n;
    },
    discard: () => {
      sink.discarded = true;
      sink.chunks = [];
    },
    bytes: () => Buffer.concat(sink.chunks),
  };
  return sink;
}

export interface LoopbackOptions {
  /** Wraps the real FileAccess (fake free space, failing writes). */
  wrap?: (files: FileAccess) => FileAccess;
  viewerWindowBytes?: number;
  helperWindowBytes?: number;
  granted?: boolean;
  /** Records uploads in a journal in this folder (uploads outlive the service). */
  journalDir?: string;
  /** How long an adopted or suspended upload waits for its viewer, in ms. */
  resumeGraceMs?: number;
}

export const LOOPBACK_SESSION = 'session-1';
/** Pids the journals of this harness record: above Linux's pid_max, so never running. */
const DEAD_PID = 1 << 23;

export class Loopback {
  readonly home: string;
  readonly real: NodeFileAccess;
  service: FileTransferService;
  journal: TransferJournal | null = null;
  private readonly files: FileAccess;
  private readonly options: LoopbackOptions;
  readonly viewer: FileTransfers;
  readonly events: FileTransferEvent[] = [];
  /** The agent's answers to the customer's offers, as the customer's side hears them. */
  readonly offerAnswers: OfferEvent[] = [];
  readonly sinks: MemorySink[] = [];
  granted: boolean;
  /** Changes (or drops, returning null) a payload viewer -> helper. */
  toHelper: ((p: Uint8Array) => Uint8Array | null) | null = null;
  /** Changes (or drops) a payload helper -> viewer. */
  toViewer: ((p: Uint8Array) => Uint8Array | null) | null = null;
  /** Payload bytes delivered each way. */
  readonly bytes = { toHelper: 0, toViewer: 0 };
  private peerId = 2;
  private restarts = 0;
  private up = false;
  private epoch = 0;
  private queue: (() => void)[] = [];
  private flushing = false;

  constructor(options: LoopbackOptions = {}) {
    this.home = mkdtempSync(path.join(os.tmpdir(), 'lifeline-files-'));
    for (const d of ['Desktop', 'Downloads', 'Documents']) mkdirSync(path.join(this.home, d));
    this.real = new NodeFileAccess({ home: this.home, env: {} });
    this.files = options.wrap ? options.wrap(this.real) : this.real;
    this.options = options;
    this.granted = options.granted ?? true;
    this.service = this.newService();
    this.viewer = new FileTransfers({
      transport: { send: (p) => this.sendToHelper(p) },
      createSink: (name) => {
        const s = memorySink(name);
        this.sinks.push(s);
        return s;
      },
      ...(options.viewerWindowBytes !== undefined ? { windowBytes: options.viewerWindowBytes } : {}),
    });
    this.viewer.setAllowed(this.granted);
    this.connect();
  }

  /** A helper's file service, with a journal (its own owner id: a process of its own) if asked. */
  private newService(): FileTransferService {
    const options = this.options;
    // Each "process" has its own owner id and a pid that does not run (this test process is
    // every helper here): only ownership decides, as between real processes.
    this.journal = options.journalDir
      ? new TransferJournal(options.journalDir, () => undefined, undefined, DEAD_PID + ++this.restarts)
      : null;
    return new FileTransferService({
      files: () => {
        if (!this.granted) throw new ProtocolError('consent_required', 'the customer has not allowed files');
        return this.files;
      },
      mayUse: () => true,
      log: () => undefined,
      onEvent: (e) => this.events.push(e),
      onOffer: (e) => this.offerAnswers.push(e),
      ...(options.helperWindowBytes !== undefined ? { windowBytes: options.helperWindowBytes } : {}),
      ...(options.resumeGraceMs !== undefined ? { resumeGraceMs: options.resumeGraceMs } : {}),
      ...(this.journal ? { journal: this.journal, sessionId: () => LOOPBACK_SESSION } : {}),
    });
  }

  /**
   * The helper process is killed (nothing of the old service runs any more, unless the caller
   * keeps using it) and a new one starts: it sweeps the journal and adopts the session's uploads.
   * The link is down until `connect()`. Returns the old service.
   */
  async restartHelper(options: { oldKeepsRunning?: boolean } = {}): Promise<FileTransferService> {
    if (this.up) this.cut();
    const old = this.service;
    // Killed: its file handles close and nothing of it runs any more (no timer, no cleanup).
    if (!options.oldKeepsRunning) await old.close({ keepUploads: true });
    this.service = this.newService();
    const entries = await this.journal!.sweep({
      sessionId: LOOPBACK_SESSION,
      idleMs: 60_000,
      now: Date.now(),
    });
    this.service.adopt(entries);
    return old;
  }

  /** The link is up: the helper knows the viewer (a new peer id each time), the viewer is told. */
  connect(): void {
    this.up = true;
    const peerId = this.peerId;
    const epoch = this.epoch;
    this.service.attach({
      peerId,
      agentName: 'Alex Agent',
      send: (p) => {
        if (!this.up || this.epoch !== epoch) return;
        const copy = p.slice();
        this.enqueue(epoch, () => {
          const out = this.toViewer ? this.toViewer(copy) : copy;
          if (!out) return;
          this.bytes.toViewer += out.byteLength;
          this.viewer.onPayload(out);
        });
      },
      screenBusy: () => false,
    });
    this.viewer.linkUp();
  }

  /** The link drops (both sides notice); what was on the way is lost. */
  cut(): void {
    this.up = false;
    this.epoch++;
    this.queue = [];
    this.service.detach(this.peerId);
    this.viewer.linkDown();
    this.peerId++;
  }

  /** Resolves when `pred()` holds (checked every few ms). */
  async until(pred: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  transfer(id: string) {
    return this.viewer.snapshot().transfers.find((t) => t.id === id);
  }

  path(...parts: string[]): string {
    return path.join(this.home, ...parts);
  }

  async close(): Promise<void> {
    this.viewer.close();
    await this.service.close();
    rmSync(this.home, { recursive: true, force: true });
  }

  private sendToHelper(p: Uint8Array): boolean {
    if (!this.up) return false;
    const epoch = this.epoch;
    const peerId = this.peerId;
    const copy = p.slice();
    this.enqueue(epoch, () => {
      const out = this.toHelper ? this.toHelper(copy) : copy;
      if (!out) return;
      this.bytes.toHelper += out.byteLength;
      this.service.onPayload(peerId, out);
    });
    return true;
  }

  /** Delivers in order, one payload per macrotask (as socket messages arrive). */
  private enqueue(epoch: number, job: () => void): void {
    this.queue.push(() => {
      if (this.epoch === epoch) job();
    });
    if (this.flushing) return;
    this.flushing = true;
    const step = () => {
      const next = this.queue.shift();
      if (!next) {
        this.flushing = false;
        return;
      }
      next();
      setImmediate(step);
    };
    setImmediate(step);
  }
}
