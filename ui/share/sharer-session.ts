/**
 * The agent's side of "share my screen", framework-free (the share page mounts it; Node tests
 * drive it with a synthetic picture and libjpeg-turbo): the share socket (share.hello), the
 * watchers the server announces, and the picture streamed to each of them end to end
 * (picture-streamer.ts: key agreement in the helper's role, only what changed, within each
 * watcher's window). Nothing a watcher sends is obeyed beyond `screen.refresh`: no input exists
 * on this path.
 *
 * The socket reconnects from one timer with backoff while the share goes on, unless the server
 * refused for good (feature, session, sign-in) or the session ended.
 */
import { PROTOCOL_VERSION } from '../../protocol/common';
import type { ErrorCode } from '../../protocol/errors';
import type { HandlerMap } from '../../protocol/message';
import { ServerToSharer } from '../../protocol/share/share-channel';
import type { JpegEncoder } from './picture-encoder';
import { AGENT_FINAL_REFUSALS } from '../data-plane/agent-refusals';
import { DataPlaneSocket, type ClosedInfo, type CreateSocket } from '../data-plane/data-plane-socket';
import { ReconnectTimer } from '../data-plane/reconnect-timer';
import { PictureStreamer, type PictureSource, type StreamFigures } from './picture-streamer';
import type { WatcherLinkState } from './watcher-link';

export { SHARE_MAX_FPS, type PictureSource } from './picture-streamer';

/** First reconnect delay, in ms; doubles up to RECONNECT_MAX_MS. */
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 10_000;

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

export interface SharerSnapshot extends Omit<StreamFigures, 'peers'> {
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
}

type Push = Exclude<ServerToSharer, { type: 'share.welcome' }>;

export class SharerSession {
  private socket: DataPlaneSocket<ServerToSharer, 'share.welcome'> | null = null;
  private phaseValue: SharerPhase = 'connecting';
  private refusedCode: ErrorCode | null = null;
  private customerName: string | null = null;
  private readonly listeners = new Set<(s: SharerSnapshot) => void>();
  private readonly reconnect = new ReconnectTimer({ firstMs: RECONNECT_FIRST_MS, maxMs: RECONNECT_MAX_MS });
  private readonly streamer: PictureStreamer;

  constructor(private readonly options: SharerOptions) {
    this.streamer = new PictureStreamer({
      source: options.source,
      jpeg: options.jpeg,
      sendFrame: (frame) => this.socket?.sendFrame(frame),
      changed: () => this.emit(),
      ...(options.maxFps !== undefined ? { maxFps: options.maxFps } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
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
    const { peers, ...figures } = this.streamer.figures();
    return {
      phase: this.phaseValue,
      refused: this.refusedCode,
      customerName: this.customerName,
      watchers: peers,
      ...figures,
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
      createSocket,
    );
    this.socket = socket;
  }

  private onPush(msg: Push): void {
    const handler = this.pushHandlers[msg.type] as (m: Push, ctx: void) => void;
    handler(msg, undefined);
  }

  private readonly pushHandlers: HandlerMap<Push, void> = {
    'watcher.joined': ({ peer }) => this.streamer.addPeer(peer.peerId),
    'watcher.left': ({ peerId }) => this.streamer.removePeer(peerId),
    'session.ended': () => this.finish('ended'),
    // Frame refusals and the like: nothing to repair here; a fatal one closes the socket.
    error: () => undefined,
  };

  private onClosed(info: ClosedInfo): void {
    this.socket = null;
    this.streamer.stop();
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

  private setPhase(phase: SharerPhase): void {
    this.phaseValue = phase;
    this.emit();
  }

  private emit(): void {
    const snap = this.snapshot();
    for (const l of [...this.listeners]) l(snap);
  }
}
