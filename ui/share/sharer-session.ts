/**
 * The agent's side of "share my screen", framework-free (the share page mounts it; Node tests
 * drive it with a synthetic picture and libjpeg-turbo):
 *
 *   share socket (share.hello) -> watchers announced by the server -> per watcher: key agreement
 *   in the helper's role (watcher-link.ts) -> its own screen stream
 *   every 1/maxFps s: grab the picture once -> for each secure watcher whose window has room:
 *     diff against what that watcher was last sent (tile-differ.ts) -> FILL / JPEG operations at a
 *     quality following its measured rate (picture-encoder.ts, jpeg-quality.ts) -> UPDATE messages
 *     -> sealed for that watcher -> sent; its acks open the window again (send-window.ts)
 *
 * Only what changed is sent, never faster than maxFps, and never more than the window ahead of
 * what the watcher has applied: a slow link gets fewer, fresher pictures, not a backlog. A
 * watcher's `screen.refresh` (after a decoder error, a gap, or a frame that failed
 * authentication) starts its stream over with a RESET. Nothing a watcher sends is obeyed beyond
 * that: no input exists on this path.
 *
 * The socket reconnects from one timer with backoff while the share goes on, unless the server
 * refused for good (feature, session, sign-in) or the session ended.
 */
import { PROTOCOL_VERSION } from '../../protocol/common';
import type { ErrorCode } from '../../protocol/errors';
import { DataChannel, parseFrame } from '../../protocol/frame';
import type { HandlerMap } from '../../protocol/message';
import { parseAck } from '../../protocol/screen/ack-message';
import { ServerToSharer } from '../../protocol/share/share-channel';
import { parseWatcherControl } from '../../protocol/share/share-data';
import { jpegQuality } from './jpeg-quality';
import {
  encodeOperations,
  encodeReset,
  packUpdates,
  type JpegEncoder,
  type RgbaPicture,
} from './picture-encoder';
import { AGENT_FINAL_REFUSALS } from '../data-plane/agent-refusals';
import { DataPlaneSocket, type ClosedInfo, type CreateSocket } from '../data-plane/data-plane-socket';
import { ReconnectTimer } from '../data-plane/reconnect-timer';
import { RateMeter } from './rate-meter';
import { changedRects } from './tile-differ';
import { WatcherLink, type WatcherLinkState } from './watcher-link';

/** Most pictures per second sent to a watcher. */
export const SHARE_MAX_FPS = 10;
/** First reconnect delay, in ms; doubles up to RECONNECT_MAX_MS. */
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 10_000;

/** Where the picture comes from: the screen capture on the share page, a synthetic one in tests. */
export interface PictureSource {
  /** The current picture, or null when there is none yet. Valid until the next call. */
  grab(): RgbaPicture | null;
}

export interface SharerOptions {
  url: string;
  token: string;
  sessionId: string;
  createSocket: CreateSocket;
  source: PictureSource;
  jpeg: JpegEncoder;
  maxFps?: number;
  now?: () => number;
}

export type SharerPhase = 'connecting' | 'sharing' | 'reconnecting' | 'stopped' | 'ended' | 'refused';

export interface SharerSnapshot {
  phase: SharerPhase;
  /** The server's reason when `refused` (feature_disabled, not_in_session, ...). */
  refused: ErrorCode | null;
  customerName: string | null;
  watchers: {
    peerId: number;
    state: WatcherLinkState;
    sas: string | null;
    /** Bytes sent to this watcher and not yet acknowledged, and its current window. */
    inFlightBytes: number;
    windowBytes: number;
  }[];
  /** Pictures sent per second (to all watchers), and bytes per second, over the last 2 s. */
  picturesPerSecond: number;
  bytesPerSecond: number;
  picturesSent: number;
  bytesSent: number;
  /** JPEG quality used last (0-1), null before the first picture. */
  quality: number | null;
  /** Frames from watchers that failed authentication (dropped). */
  rejectedFrames: number;
}

type Push = Exclude<ServerToSharer, { type: 'share.welcome' }>;

export class SharerSession {
  private socket: DataPlaneSocket<ServerToSharer, 'share.welcome'> | null = null;
  private readonly watchers = new Map<number, WatcherLink>();
  private phaseValue: SharerPhase = 'connecting';
  private refusedCode: ErrorCode | null = null;
  private customerName: string | null = null;
  private readonly listeners = new Set<(s: SharerSnapshot) => void>();
  private readonly sent: RateMeter;
  private quality: number | null = null;
  private rejectedFrames = 0;
  private tickTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly reconnect = new ReconnectTimer({ firstMs: RECONNECT_FIRST_MS, maxMs: RECONNECT_MAX_MS });
  private busy = false;
  private lastTickAt = 0;
  private readonly frameMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SharerOptions) {
    this.now = options.now ?? (() => performance.now());
    this.sent = new RateMeter(this.now);
    this.frameMs = 1000 / Math.max(1, Math.min(60, options.maxFps ?? SHARE_MAX_FPS));
  }

  get phase(): SharerPhase {
    return this.phaseValue;
  }

  start(): void {
    if (this.socket) return;
    this.connect();
  }

  /** The agent stops sharing: watchers are told, nothing more is sent. */
  stop(): void {
    if (this.isOver()) return;
    this.socket?.sendText({ type: 'share.stop' });
    this.finish('stopped');
  }

  subscribe(listener: (s: SharerSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  snapshot(): SharerSnapshot {
    const rates = this.sent.rates();
    return {
      phase: this.phaseValue,
      refused: this.refusedCode,
      customerName: this.customerName,
      watchers: [...this.watchers.values()].map((w) => {
        const win = w.window.snapshot();
        return {
          peerId: w.peerId,
          state: w.state,
          sas: w.sas,
          inFlightBytes: win.inFlightBytes,
          windowBytes: win.windowBytes,
        };
      }),
      picturesPerSecond: rates.perSecond,
      bytesPerSecond: rates.bytesPerSecond,
      picturesSent: this.sent.totalEvents,
      bytesSent: this.sent.totalBytes,
      quality: this.quality,
      rejectedFrames: this.rejectedFrames,
    };
  }

  // ------------------------------------------------------------------ socket

  private connect(): void {
    const { url, token, sessionId, createSocket } = this.options;
    const socket: DataPlaneSocket<ServerToSharer, 'share.welcome'> = new DataPlaneSocket(
      url,
      { type: 'share.hello', token, sessionId, protocol: PROTOCOL_VERSION },
      ServerToSharer,
      'share.welcome',
      {
        welcome: (msg) => {
          if (this.socket !== socket) return;
          this.reconnect.reset();
          this.customerName = msg.customerName;
          this.setPhase('sharing');
          this.schedule(0);
        },
        push: (msg) => {
          if (this.socket === socket) this.onPush(msg);
        },
        frame: (frame) => {
          if (this.socket === socket) this.onFrame(frame);
        },
        closed: (info) => {
          if (this.socket === socket) this.onClosed(info);
        },
      },
      createSocket,
    );
    this.socket = socket;
  }

  private onPush(msg: Push): void {
    const handler = this.pushHandlers[msg.type] as (m: Push, ctx: void) => void;
    handler(msg, undefined);
  }

  private readonly pushHandlers: HandlerMap<Push, void> = {
    'watcher.joined': ({ peer }) => {
      const link = new WatcherLink(
        peer.peerId,
        (frame) => this.socket?.sendFrame(frame),
        () => {
          this.emit();
          this.schedule(0);
        },
      );
      this.watchers.set(peer.peerId, link);
      this.emit();
    },
    'watcher.left': ({ peerId }) => {
      this.watchers.delete(peerId);
      this.emit();
    },
    'session.ended': () => this.finish('ended'),
    // Frame refusals and the like: nothing to repair here; a fatal one closes the socket.
    error: () => undefined,
  };

  private onClosed(info: ClosedInfo): void {
    this.socket = null;
    this.watchers.clear();
    if (this.isOver()) return;
    if (info.refused !== null && AGENT_FINAL_REFUSALS.has(info.refused)) {
      this.refusedCode = info.refused;
      this.finish('refused');
      return;
    }
    this.setPhase('reconnecting');
    this.reconnect.schedule(() => {
      if (!this.isOver()) this.connect();
    });
  }

  // ------------------------------------------------------------------ frames from watchers

  private onFrame(frame: Uint8Array): void {
    const parsed = parseFrame(frame);
    if (!parsed.ok) return;
    const link = this.watchers.get(parsed.header.from);
    if (!link) return;
    if (parsed.header.channel === DataChannel.handshake) {
      void link.receiveHandshake(parsed.payload).then(() => this.emit());
      return;
    }
    const session = link.session;
    if (!session) return;
    session
      .open(frame)
      .then((opened) => {
        if (link.session !== session) return;
        if (opened.channel === DataChannel.ack) {
          if (link.window.onAck(parseAck(opened.plaintext).seq, this.now())) this.schedule(0);
        } else if (opened.channel === DataChannel.control) {
          const control = parseWatcherControl(opened.plaintext);
          if (control.ok && control.value.type === 'screen.refresh') {
            link.restartStream();
            this.schedule(0);
          }
        }
        // Any other channel has no meaning here (view only) and is ignored.
      })
      .catch(() => {
        // Failed authentication, a replay, or a malformed ack: dropped; the link stays up.
        this.rejectedFrames++;
      });
  }

  // ------------------------------------------------------------------ pictures

  /** Runs the picture loop no sooner than one frame interval after the last run. */
  private schedule(delayMs: number): void {
    if (this.tickTimer !== null || this.phaseValue !== 'sharing') return;
    const due = Math.max(delayMs, this.lastTickAt + this.frameMs - this.now());
    this.tickTimer = setTimeout(
      () => {
        this.tickTimer = null;
        void this.tick();
      },
      Math.max(0, due),
    );
  }

  private async tick(): Promise<void> {
    if (this.busy || this.phaseValue !== 'sharing') return;
    this.busy = true;
    this.lastTickAt = this.now();
    let more = false;
    try {
      more = await this.sendPictures();
    } catch {
      // An encoder or capture hiccup: try again next interval.
      more = true;
    } finally {
      this.busy = false;
    }
    this.emit();
    // Keep polling while someone watches (the capture does not say when it changed).
    if (more) this.schedule(this.frameMs);
  }

  /** Sends the current picture to every watcher that can take it; true while anyone watches. */
  private async sendPictures(): Promise<boolean> {
    const secure = [...this.watchers.values()].filter((w) => w.state === 'secure');
    const ready = secure.filter((w) => w.window.canSend());
    if (ready.length === 0) return secure.length > 0;
    const picture = this.options.source.grab();
    if (!picture) return true;
    const pixels = new Uint32Array(
      picture.data.buffer,
      picture.data.byteOffset,
      picture.width * picture.height,
    );
    for (const link of ready) await this.sendTo(link, picture, pixels);
    return true;
  }

  private async sendTo(link: WatcherLink, picture: RgbaPicture, pixels: Uint32Array): Promise<void> {
    const session = link.session;
    if (!session) return;
    const { width, height } = picture;
    const payloads: { seq: number; bytes: Uint8Array }[] = [];
    if (link.needsReset || link.width !== width || link.height !== height) {
      link.needsReset = false;
      link.sent = null;
      link.width = width;
      link.height = height;
      link.window.clear();
      payloads.push({ seq: link.nextSeq, bytes: encodeReset(link.nextSeq, width, height) });
      link.nextSeq = (link.nextSeq + 1) >>> 0;
    }
    const rects = changedRects(link.sent, pixels, width, height);
    if (rects.length > 0) {
      const quality = jpegQuality(link.window.snapshot().rateBps);
      this.quality = quality;
      const ops = await encodeOperations(picture, rects, this.options.jpeg, quality);
      const updates = packUpdates(ops, link.nextSeq);
      updates.forEach((bytes, i) => payloads.push({ seq: (link.nextSeq + i) >>> 0, bytes }));
      link.nextSeq = (link.nextSeq + updates.length) >>> 0;
    }
    if (payloads.length === 0) return;
    let bytes = 0;
    for (const p of payloads) {
      const sealed = await session.seal(DataChannel.screen, link.peerId, p.bytes);
      // New keys or a refresh while this picture was being made: it is not this stream's any more.
      if (link.session !== session || !this.socket) return;
      this.socket.sendFrame(sealed);
      link.window.onSent(p.seq, sealed.byteLength, this.now());
      bytes += sealed.byteLength;
    }
    if (link.sent === null || link.sent.length !== pixels.length) link.sent = new Uint32Array(pixels.length);
    link.sent.set(pixels);
    if (rects.length > 0) this.sent.add(bytes);
  }

  // ------------------------------------------------------------------ state

  private isOver(): boolean {
    return this.phaseValue === 'stopped' || this.phaseValue === 'ended' || this.phaseValue === 'refused';
  }

  private finish(phase: 'stopped' | 'ended' | 'refused'): void {
    if (this.tickTimer !== null) clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.reconnect.cancel();
    const socket = this.socket;
    this.socket = null;
    this.watchers.clear();
    this.setPhase(phase);
    socket?.close();
  }

  private setPhase(phase: SharerPhase): void {
    this.phaseValue = phase;
    this.emit();
  }

  private emit(): void {
    const snap = this.snapshot();
    for (const l of [...this.listeners]) l(snap);
  }
}
