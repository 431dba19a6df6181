/**
 * The customer's side of "share my screen", framework-free (the support page's panel mounts it;
 * Node tests drive it with libjpeg-turbo): watch the agent's shared screen, view only.
 *
 *   share socket (share.watch with the request token) -> key agreement as the viewer role
 *   (ui/data-plane/e2e-link.ts: commit first, to the sharer at peer 1) -> the short authentication
 *   string both people compare -> opened screen messages -> order check -> reference decoder
 *   (ui/decoder/screen-decoder.ts, JPEG injected) -> painted on END -> ack per message
 *
 * The sharer's frames are the only input: nothing here sends input, and the socket carries only
 * key agreement, acks and refresh requests. A frame that fails authentication, a gap in the
 * sequence or a message the decoder refuses breaks the stream: nothing more is painted until a
 * fresh RESET, which is asked for at once (and again every REFRESH_RETRY_MS), and the page says
 * so. The picture is either right or visibly being repaired, never silently wrong.
 *
 * Phases: connecting -> securing -> waiting_picture -> showing; stopped (the agent stopped),
 * ended (the session ended), refused (the server said no), reconnecting (socket lost; one timer,
 * backoff). The page stops the watcher when the agent's share ends (share.status inactive).
 */
import { PROTOCOL_VERSION } from '../../protocol/common';
import type { E2eSession } from '../../protocol/crypto/e2e-session';
import type { ErrorCode } from '../../protocol/errors';
import { DataChannel, parseFrame, PEER_HELPER } from '../../protocol/frame';
import type { HandlerMap } from '../../protocol/message';
import { encodeAck } from '../../protocol/screen/ack-message';
import { ServerToWatcher } from '../../protocol/share/share-channel';
import { encodeWatcherControl, SHARE_MAX_PIXELS } from '../../protocol/share/share-data';
import type { JpegDecoder } from '../decoder/jpeg-decoder';
import { ScreenDecoder, type Framebuffer, type PaintedRect } from '../decoder/screen-decoder';
import { DataPlaneSocket, type ClosedInfo, type CreateSocket } from '../data-plane/data-plane-socket';
import { ReconnectTimer } from '../data-plane/reconnect-timer';
import { ScreenOrder } from '../data-plane/screen-order';
import { E2eLink } from '../data-plane/e2e-link';
import { RateMeter } from './rate-meter';

/** A refresh asked for after a broken stream is asked again after this long without a RESET, in ms. */
export const REFRESH_RETRY_MS = 3000;
/** First reconnect delay, in ms; doubles up to RECONNECT_MAX_MS. */
export const WATCH_RECONNECT_FIRST_MS = 500;
export const WATCH_RECONNECT_MAX_MS = 10_000;
/** After a failed key agreement, start a new one after this long, in ms. */
export const HANDSHAKE_RETRY_MS = 1000;

/** Refusals after which watching again cannot help (the share is over or the request unknown). */
const FINAL_CODES: ReadonlySet<ErrorCode> = new Set([
  'illegal_transition',
  'request_not_found',
  'session_ended',
  'protocol_unsupported',
]);

export interface PicturePainter {
  /** A new picture size: make the canvas this size (its old content is gone). */
  resize(width: number, height: number): void;
  /** Copy these areas of the framebuffer to the screen. */
  paint(fb: Framebuffer, rects: readonly PaintedRect[]): void;
}

export interface WatcherOptions {
  url: string;
  requestToken: string;
  createSocket: CreateSocket;
  jpeg: JpegDecoder;
  painter: PicturePainter;
  now?: () => number;
}

export type WatcherPhase =
  | 'connecting'
  | 'securing'
  | 'waiting_picture'
  | 'showing'
  | 'reconnecting'
  | 'stopped'
  | 'ended'
  | 'refused';

export interface WatcherSnapshot {
  phase: WatcherPhase;
  agentName: string | null;
  /** The short authentication string ("123 456") once keys are agreed. */
  sas: string | null;
  width: number;
  height: number;
  /** The picture is being repaired (a frame failed its check, a gap, a decoder error). */
  damaged: boolean;
  refused: ErrorCode | null;
  /** Pictures shown per second and bytes received per second over the last 2 s. */
  picturesPerSecond: number;
  bytesPerSecond: number;
  picturesShown: number;
}

type Push = Exclude<ServerToWatcher, { type: 'share.watching' }>;

export class WatcherSession {
  private socket: DataPlaneSocket<ServerToWatcher, 'share.watching'> | null = null;
  private readonly link: E2eLink;
  private session: E2eSession | null = null;
  private readonly decoder: ScreenDecoder;
  private phaseValue: WatcherPhase = 'connecting';
  private agentName: string | null = null;
  private refusedCode: ErrorCode | null = null;
  private damaged = false;
  /** Screen messages are applied only from a RESET on, in sequence. */
  private readonly order = new ScreenOrder();
  /** Counts RESETs and breaks: a decode that finishes for an older stream is not shown. */
  private streamGen = 0;
  private width = 0;
  private height = 0;
  private dirty: PaintedRect[] = [];
  private readonly shown: RateMeter;
  private readonly listeners = new Set<(s: WatcherSnapshot) => void>();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private handshakeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly reconnect = new ReconnectTimer({
    firstMs: WATCH_RECONNECT_FIRST_MS,
    maxMs: WATCH_RECONNECT_MAX_MS,
  });
  private receivedBytes = 0;

  constructor(private readonly options: WatcherOptions) {
    this.shown = new RateMeter(options.now ?? (() => performance.now()));
    this.decoder = new ScreenDecoder({ jpeg: options.jpeg, maxPixels: SHARE_MAX_PIXELS });
    this.link = new E2eLink({
      send: (frame) => this.socket?.sendFrame(frame),
      secured: (session) => {
        this.session = session;
        this.order.drop();
        this.update('waiting_picture');
      },
      failed: (code) => {
        this.session = null;
        // The link restarts itself after a timeout; after an error it waits for us.
        if (code === 'timeout' || this.isOver()) return;
        this.clearTimer('handshake');
        this.handshakeTimer = setTimeout(() => {
          this.handshakeTimer = null;
          if (this.socket?.state === 'welcomed') void this.link.start();
        }, HANDSHAKE_RETRY_MS);
      },
    });
  }

  get phase(): WatcherPhase {
    return this.phaseValue;
  }

  start(): void {
    if (this.socket || this.isOver()) return;
    this.connect();
  }

  /** The page no longer shows the agent's screen (share over, page closing). */
  stop(): void {
    this.finish('stopped');
  }

  subscribe(listener: (s: WatcherSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  snapshot(): WatcherSnapshot {
    const rates = this.shown.rates();
    return {
      phase: this.phaseValue,
      agentName: this.agentName,
      sas: this.session?.sas ?? null,
      width: this.width,
      height: this.height,
      damaged: this.damaged,
      refused: this.refusedCode,
      picturesPerSecond: rates.perSecond,
      bytesPerSecond: rates.bytesPerSecond,
      picturesShown: this.shown.totalEvents,
    };
  }

  // ------------------------------------------------------------------ socket

  private connect(): void {
    const socket: DataPlaneSocket<ServerToWatcher, 'share.watching'> = new DataPlaneSocket(
      this.options.url,
      { type: 'share.watch', requestToken: this.options.requestToken, protocol: PROTOCOL_VERSION },
      ServerToWatcher,
      'share.watching',
      {
        welcome: (msg) => {
          if (this.socket !== socket) return;
          this.reconnect.reset();
          this.agentName = msg.agentName;
          this.update('securing');
          void this.link.start();
        },
        push: (msg) => {
          if (this.socket !== socket) return;
          const handler = this.pushHandlers[msg.type] as (m: Push, ctx: void) => void;
          handler(msg, undefined);
        },
        frame: (frame) => {
          if (this.socket === socket) this.onFrame(frame);
        },
        closed: (info) => {
          if (this.socket === socket) this.onClosed(info);
        },
      },
      this.options.createSocket,
    );
    this.socket = socket;
  }

  private readonly pushHandlers: HandlerMap<Push, void> = {
    'share.stopped': () => this.finish('stopped'),
    'session.ended': () => this.finish('ended'),
    // A refused frame or the like: nothing to repair; a fatal one closes the socket.
    error: () => undefined,
  };

  private onClosed(info: ClosedInfo): void {
    this.socket = null;
    this.link.drop();
    this.session = null;
    if (this.isOver()) return;
    if (info.refused !== null && FINAL_CODES.has(info.refused)) {
      this.refusedCode = info.refused;
      this.finish('refused');
      return;
    }
    this.update('reconnecting');
    this.reconnect.schedule(() => {
      if (!this.isOver()) this.connect();
    });
  }

  // ------------------------------------------------------------------ frames

  private onFrame(frame: Uint8Array): void {
    const parsed = parseFrame(frame);
    if (!parsed.ok || parsed.header.from !== PEER_HELPER) return;
    if (parsed.header.channel === DataChannel.handshake) {
      void this.link.receive(parsed.payload);
      return;
    }
    const session = this.session;
    if (!session) return;
    this.receivedBytes += frame.byteLength;
    session
      .open(frame)
      .then((opened) => {
        if (this.session !== session) return;
        if (opened.channel === DataChannel.screen) this.onScreen(opened.plaintext);
      })
      .catch(() => {
        if (this.session === session) this.breakStream();
      });
  }

  private onScreen(payload: Uint8Array): void {
    const verdict = this.order.check(payload);
    if (verdict.kind === 'malformed' || verdict.kind === 'gap') {
      this.breakStream();
      return;
    }
    if (verdict.kind === 'waiting') {
      this.ack(verdict.seq); // consumed (not shown): keeps the sharer's window honest until the RESET
      return;
    }
    if (verdict.kind === 'reset') {
      this.streamGen++;
      this.dirty = [];
      this.clearTimer('refresh');
    }
    const bytes = this.receivedBytes;
    this.receivedBytes = 0;
    const gen = this.streamGen;
    this.decoder
      .apply(payload)
      .then((result) => {
        if (gen !== this.streamGen) return;
        const fb = this.decoder.framebuffer;
        if (!fb) return;
        if (result.reset) {
          this.width = fb.width;
          this.height = fb.height;
          this.options.painter.resize(fb.width, fb.height);
        }
        this.dirty.push(...result.rects);
        this.ack(result.seq);
        if (result.end) {
          this.options.painter.paint(fb, this.dirty);
          this.dirty = [];
          this.shown.add(bytes);
          if (this.damaged || this.phaseValue !== 'showing') {
            this.damaged = false;
            this.update('showing');
          }
        }
      })
      .catch(() => {
        if (gen === this.streamGen) this.breakStream();
      });
  }

  private ack(seq: number): void {
    const session = this.session;
    if (!session) return;
    session
      .seal(DataChannel.ack, PEER_HELPER, encodeAck(seq))
      .then((frame) => this.socket?.sendFrame(frame))
      .catch(() => undefined);
  }

  /** Stops painting until a fresh RESET, and asks the sharer for one. */
  private breakStream(): void {
    this.order.drop();
    this.streamGen++;
    this.dirty = [];
    if (!this.damaged) {
      this.damaged = true;
      this.emit();
    }
    if (this.refreshTimer === null) this.askRefresh();
  }

  private askRefresh(): void {
    const session = this.session;
    if (!session) return;
    session
      .seal(DataChannel.control, PEER_HELPER, encodeWatcherControl({ type: 'screen.refresh' }))
      .then((frame) => this.socket?.sendFrame(frame))
      .catch(() => undefined);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      if (!this.order.inStream && !this.isOver()) this.askRefresh();
    }, REFRESH_RETRY_MS);
  }

  // ------------------------------------------------------------------ state

  private isOver(): boolean {
    return this.phaseValue === 'stopped' || this.phaseValue === 'ended' || this.phaseValue === 'refused';
  }

  private finish(phase: 'stopped' | 'ended' | 'refused'): void {
    if (this.isOver()) return;
    this.clearTimer('refresh');
    this.reconnect.cancel();
    this.clearTimer('handshake');
    this.link.drop();
    this.session = null;
    const socket = this.socket;
    this.socket = null;
    this.update(phase);
    socket?.close();
  }

  private clearTimer(which: 'refresh' | 'handshake'): void {
    const key = `${which}Timer` as const;
    const timer = this[key];
    if (timer !== null) clearTimeout(timer);
    this[key] = null;
  }

  private update(phase: WatcherPhase): void {
    this.phaseValue = phase;
    this.emit();
  }

  private emit(): void {
    const snap = this.snapshot();
    for (const l of [...this.listeners]) l(snap);
  }
}
