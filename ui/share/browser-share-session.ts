/**
 * The customer's screen shared from the support page itself, for systems without a helper
 * (macOS, ChromeOS) or a computer where nothing may be installed: "share my screen" reversed.
 * The page joins the session's screen data plane as the helper would (helper.hello with its
 * request token, credential `page`), states its consent as view only (the browser asked what to
 * share; nothing else can be granted from a page, and the server holds it to that), and streams
 * the captured picture to each of the agent's viewers end to end (picture-streamer.ts: the same
 * key agreement in the helper's role, the same screen format, so the agent's viewer shows it as
 * it shows the helper's). Nothing a viewer sends is obeyed beyond `screen.refresh`.
 *
 * A lost connection comes back with the resume token of the last welcome (one timer, backoff),
 * while the capture goes on; a refusal or the end of the session ends it. Framework-free: the
 * support controller drives it, Node tests run it with a synthetic picture.
 */
import { PROTOCOL_VERSION } from '../../protocol/common';
import type { ErrorCode } from '../../protocol/errors';
import { ServerToHelper, type HelperToServer, type OsInfo } from '../../protocol/helper-channel';
import type { HandlerMap } from '../../protocol/message';
import { DataPlaneSocket, type ClosedInfo, type CreateSocket } from '../data-plane/data-plane-socket';
import { ReconnectTimer } from '../data-plane/reconnect-timer';
import type { JpegEncoder } from './picture-encoder';
import { PictureStreamer, type PictureSource } from './picture-streamer';

/** First reconnect delay, in ms; doubles up to RECONNECT_MAX_MS. */
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 10_000;
/** Version string of the page's "helper" in its hello. */
const PAGE_HELPER_VERSION = 'page-1';
/** Codes after which a new socket cannot help. */
const FINAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'request_not_found',
  'session_ended',
  'session_not_found',
  'illegal_transition',
  'resume_expired',
  'forbidden',
  'protocol_unsupported',
]);

export interface BrowserShareOptions {
  url: string;
  requestToken: string;
  createSocket: CreateSocket;
  source: PictureSource;
  jpeg: JpegEncoder;
  /** What the page knows of the customer's system and browser (the agent's viewer names it). */
  os: OsInfo;
  maxFps?: number;
  now?: () => number;
}

export type BrowserSharePhase = 'connecting' | 'sharing' | 'reconnecting' | 'stopped' | 'ended' | 'refused';

export interface BrowserShareSnapshot {
  phase: BrowserSharePhase;
  refused: ErrorCode | null;
  /** The security code of each of the agent's viewers whose key agreement is done. */
  codes: string[];
  /** Viewers watching now (secured or not). */
  viewers: number;
  picturesSent: number;
  bytesSent: number;
}

type Push = Exclude<ServerToHelper, { type: 'helper.welcome' }>;

export class BrowserShareSession {
  private socket: DataPlaneSocket<ServerToHelper, 'helper.welcome'> | null = null;
  private phaseValue: BrowserSharePhase = 'connecting';
  private refusedCode: ErrorCode | null = null;
  private resumeToken: string | null = null;
  private readonly listeners = new Set<(s: BrowserShareSnapshot) => void>();
  private readonly reconnect = new ReconnectTimer({ firstMs: RECONNECT_FIRST_MS, maxMs: RECONNECT_MAX_MS });
  private readonly streamer: PictureStreamer;

  constructor(private readonly options: BrowserShareOptions) {
    this.streamer = new PictureStreamer({
      source: options.source,
      jpeg: options.jpeg,
      sendFrame: (frame) => this.socket?.sendFrame(frame),
      changed: () => this.emit(),
      ...(options.maxFps !== undefined ? { maxFps: options.maxFps } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  get phase(): BrowserSharePhase {
    return this.phaseValue;
  }

  start(): void {
    if (this.socket || this.isOver()) return;
    this.connect();
  }

  /** The customer stops sharing (the page's button, or the browser's own "stop sharing"). */
  stop(): void {
    if (this.isOver()) return;
    const stop: HelperToServer = { type: 'helper.stop' };
    this.socket?.sendText(stop);
    this.finish('stopped');
  }

  subscribe(listener: (s: BrowserShareSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  snapshot(): BrowserShareSnapshot {
    const f = this.streamer.figures();
    return {
      phase: this.phaseValue,
      refused: this.refusedCode,
      codes: f.peers.flatMap((p) => (p.sas ? [p.sas] : [])),
      viewers: f.peers.length,
      picturesSent: f.picturesSent,
      bytesSent: f.bytesSent,
    };
  }

  // ------------------------------------------------------------------ socket

  private connect(): void {
    const credential = this.resumeToken
      ? { kind: 'resume', resumeToken: this.resumeToken }
      : { kind: 'page', requestToken: this.options.requestToken };
    const socket: DataPlaneSocket<ServerToHelper, 'helper.welcome'> = new DataPlaneSocket(
      this.options.url,
      {
        type: 'helper.hello',
        credential,
        protocol: PROTOCOL_VERSION,
        version: PAGE_HELPER_VERSION,
        os: this.options.os,
        supported: true,
      },
      ServerToHelper,
      'helper.welcome',
      {
        welcome: (msg) => {
          if (this.socket !== socket) return;
          this.reconnect.reset();
          this.resumeToken = msg.resumeToken;
          // The browser asked what to share; that choice is the consent, and it is view only.
          const consent: HelperToServer = {
            type: 'helper.consent',
            grants: { view: true, control: false, clipboard: false, files: false, reboot: false },
          };
          socket.sendText(consent);
          for (const v of msg.viewers) this.streamer.addPeer(v.peerId);
          this.setPhase('sharing');
          this.streamer.start();
        },
        push: (msg) => {
          if (this.socket === socket) this.onPush(msg);
        },
        frame: (frame) => {
          if (this.socket === socket) this.streamer.onFrame(frame);
        },
        closed: (info) => {
          if (this.socket === socket) this.onClosed(info);
        },
      },
      this.options.createSocket,
    );
    this.socket = socket;
  }

  private onPush(msg: Push): void {
    const handler = this.pushHandlers[msg.type] as (m: Push, ctx: void) => void;
    handler(msg, undefined);
  }

  private readonly pushHandlers: HandlerMap<Push, void> = {
    'peer.joined': ({ peer }) => this.streamer.addPeer(peer.peerId),
    'peer.left': ({ peerId }) => this.streamer.removePeer(peerId),
    'session.ended': () => this.finish('ended'),
    reply: () => undefined,
    // Relay notices (a frame for a viewer that just left): nothing to repair.
    error: () => undefined,
  };

  private onClosed(info: ClosedInfo): void {
    this.socket = null;
    this.streamer.stop();
    if (this.isOver()) return;
    if (info.refused !== null && FINAL.has(info.refused)) {
      this.refusedCode = info.refused;
      this.finish('refused');
      return;
    }
    if (this.resumeToken === null) {
      // Never welcomed: nothing to come back to.
      this.refusedCode = info.refused;
      this.finish('refused');
      return;
    }
    this.setPhase('reconnecting');
    this.reconnect.schedule(() => {
      if (!this.isOver()) this.connect();
    });
  }

  // ------------------------------------------------------------------ state

  private isOver(): boolean {
    return this.phaseValue === 'stopped' || this.phaseValue === 'ended' || this.phaseValue === 'refused';
  }

  private finish(phase: 'stopped' | 'ended' | 'refused'): void {
    this.streamer.stop();
    this.reconnect.cancel();
    const socket = this.socket;
    this.socket = null;
    this.setPhase(phase);
    socket?.close();
  }

  private setPhase(phase: BrowserSharePhase): void {
    this.phaseValue = phase;
    this.emit();
  }

  private emit(): void {
    const snap = this.snapshot();
    for (const l of [...this.listeners]) l(snap);
  }
}
