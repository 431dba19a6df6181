/**
 * What both ways of sending a picture from a browser have in common (the agent's "share my
 * screen", sharer-session.ts, and the customer's share from the support page,
 * browser-share-session.ts): one data-plane socket at a time, the picture streamer behind it, the
 * phase (connecting -> sharing, reconnecting while the socket is lost, then stopped, ended or
 * refused for good), one reconnect timer with backoff, and the listeners of the snapshot.
 *
 * The caller says what differs: the hello for each new socket, what a welcome sets up, how the
 * channel's pushes are handled, and which closes are final.
 */
import type { z } from 'zod';
import type { ErrorCode } from '../../protocol/errors';
import { DataPlaneSocket, type CreateSocket } from '../data-plane/data-plane-socket';
import { ReconnectTimer } from '../data-plane/reconnect-timer';
import type { JpegEncoder } from './picture-encoder';
import { PictureStreamer, type PictureSource } from './picture-streamer';

/** First reconnect delay, in ms; doubles up to RECONNECT_MAX_MS. */
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 10_000;

export type OutgoingSharePhase = 'connecting' | 'sharing' | 'reconnecting' | 'stopped' | 'ended' | 'refused';

export interface OutgoingShareOptions<U extends { type: string }, K extends U['type'], Snap> {
  url: string;
  createSocket: CreateSocket;
  source: PictureSource;
  jpeg: JpegEncoder;
  maxFps?: number;
  now?: () => number;
  /** The server's messages on this socket, and which of them is the welcome. */
  schema: z.ZodType<U>;
  welcomeType: K;
  /** The hello of each new socket (a resume once there is something to resume). */
  hello(): { type: string; [field: string]: unknown };
  /** The server accepted this socket: set up what the welcome carries before the picture flows. */
  welcomed(msg: Extract<U, { type: K }>, socket: DataPlaneSocket<U, K>): void;
  push(msg: Exclude<U, { type: K }>): void;
  /** Whether a closed socket ends the share (the server's last refusal, or null). */
  isFinal(refused: ErrorCode | null): boolean;
  snapshot(): Snap;
}

export class OutgoingShare<U extends { type: string }, K extends U['type'], Snap> {
  private socket: DataPlaneSocket<U, K> | null = null;
  private phaseValue: OutgoingSharePhase = 'connecting';
  private refusedCode: ErrorCode | null = null;
  private readonly listeners = new Set<(s: Snap) => void>();
  private readonly reconnect = new ReconnectTimer({ firstMs: RECONNECT_FIRST_MS, maxMs: RECONNECT_MAX_MS });
  readonly streamer: PictureStreamer;

  constructor(private readonly options: OutgoingShareOptions<U, K, Snap>) {
    this.streamer = new PictureStreamer({
      source: options.source,
      jpeg: options.jpeg,
      sendFrame: (frame) => this.socket?.sendFrame(frame),
      changed: () => this.emit(),
      ...(options.maxFps !== undefined ? { maxFps: options.maxFps } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  get phase(): OutgoingSharePhase {
    return this.phaseValue;
  }

  /** The server's reason when `refused`. */
  get refused(): ErrorCode | null {
    return this.refusedCode;
  }

  start(): void {
    if (this.socket || this.isOver()) return;
    this.connect();
  }

  /** Stops for good, telling the server first with `message` (its channel's stop). */
  stop(message: { type: string }): void {
    if (this.isOver()) return;
    this.socket?.sendText(message);
    this.finish('stopped');
  }

  /** The session ended (the server's push). */
  ended(): void {
    this.finish('ended');
  }

  subscribe(listener: (s: Snap) => void): () => void {
    this.listeners.add(listener);
    listener(this.options.snapshot());
    return () => this.listeners.delete(listener);
  }

  emit(): void {
    const snap = this.options.snapshot();
    for (const l of [...this.listeners]) l(snap);
  }

  private connect(): void {
    const socket: DataPlaneSocket<U, K> = new DataPlaneSocket(
      this.options.url,
      this.options.hello(),
      this.options.schema,
      this.options.welcomeType,
      {
        welcome: (msg) => {
          if (this.socket !== socket) return;
          this.reconnect.reset();
          this.options.welcomed(msg, socket);
          this.setPhase('sharing');
          this.streamer.start();
        },
        push: (msg) => {
          if (this.socket === socket) this.options.push(msg);
        },
        frame: (frame) => {
          if (this.socket === socket) this.streamer.onFrame(frame);
        },
        closed: (info) => {
          if (this.socket === socket) this.onClosed(info.refused);
        },
      },
      this.options.createSocket,
    );
    this.socket = socket;
  }

  private onClosed(refused: ErrorCode | null): void {
    this.socket = null;
    this.streamer.stop();
    if (this.isOver()) return;
    if (this.options.isFinal(refused)) {
      this.refusedCode = refused;
      this.finish('refused');
      return;
    }
    this.setPhase('reconnecting');
    this.reconnect.schedule(() => {
      if (!this.isOver()) this.connect();
    });
  }

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

  private setPhase(phase: OutgoingSharePhase): void {
    this.phaseValue = phase;
    this.emit();
  }
}
