/**
 * One WebSocket of a data plane to the server's /ws: the agent's viewer (protocol/viewer-channel.ts),
 * the agent's share page and the customer watching it (protocol/share/share-channel.ts). It sends
 * the channel's hello when the socket opens, validates every text message against the channel's
 * server->client union (rebuilt from declared fields, never cast), passes binary data-plane frames
 * through after a size check (only once welcomed), and reports how it ended: the server's error
 * code for the hello (token, session, feature, ...) lets the caller tell a refusal from a dropped
 * connection, and so whether a new socket can help.
 *
 * States: connecting -> hello_sent -> welcomed -> closed. An error answering the hello closes the
 * socket at once (the server would keep it open for another hello, which this socket never
 * sends). One socket per instance: reconnecting means a new socket (reconnect-timer.ts).
 */
import type * as z from 'zod';
import { isErrorCode, type ErrorCode } from '../../protocol/errors';
import { DATA_FRAME_MAX_BYTES } from '../../protocol/limits';
import { parseMessage } from '../../protocol/parse';

/** The parts of a WebSocket used here: the browser's, or the `ws` package's in Node tests. */
export interface WebSocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  readonly bufferedAmount: number;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  send(data: string | ArrayBufferLike | ArrayBufferView<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
}

export type CreateSocket = (url: string) => WebSocketLike;

export type SocketState = 'connecting' | 'hello_sent' | 'welcomed' | 'closed';

export interface ClosedInfo {
  /** The WebSocket close code. */
  code: number;
  /**
   * The error the server sent just before the socket closed (the hello's refusal, or a fatal
   * error such as feature_disabled or signed_out), if any. An error followed by anything else (a
   * relay notice about one dropped frame, then more frames) is not a reason to stop.
   */
  refused: ErrorCode | null;
  welcomed: boolean;
}

export interface DataPlaneSocketEvents<W, P> {
  welcome(msg: W): void;
  push(msg: P): void;
  frame(frame: Uint8Array): void;
  closed(info: ClosedInfo): void;
}

/** WebSocket.readyState of an open socket. */
const OPEN = 1;
/** Normal closure (RFC 6455). */
const CLOSE_NORMAL = 1000;

export class DataPlaneSocket<U extends { type: string }, K extends U['type']> {
  private stateValue: SocketState = 'connecting';
  private readonly ws: WebSocketLike;
  private lastError: ErrorCode | null = null;

  constructor(
    url: string,
    private readonly hello: { type: string; [field: string]: unknown },
    private readonly schema: z.ZodType<U>,
    private readonly welcomeType: K,
    private readonly events: DataPlaneSocketEvents<Extract<U, { type: K }>, Exclude<U, { type: K }>>,
    create: CreateSocket,
  ) {
    this.ws = create(url);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onopen = () => this.onOpen();
    this.ws.onmessage = (ev) => this.onMessage(ev.data);
    this.ws.onclose = (ev) => this.finish(ev.code);
    this.ws.onerror = () => undefined; // a close event always follows
  }

  get state(): SocketState {
    return this.stateValue;
  }

  /** Bytes queued in the browser, not yet on the wire. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Sends a JSON message of the channel (after the welcome). */
  sendText(msg: { type: string }): boolean {
    if (this.stateValue !== 'welcomed' || this.ws.readyState !== OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  sendFrame(frame: Uint8Array): boolean {
    if (this.stateValue !== 'welcomed' || this.ws.readyState !== OPEN) return false;
    // WebSocket.send takes views of plain ArrayBuffers only (never shared memory).
    this.ws.send(
      frame.buffer instanceof ArrayBuffer
        ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
        : new Uint8Array(frame),
    );
    return true;
  }

  close(reason = 'done'): void {
    if (this.stateValue === 'closed') return;
    try {
      this.ws.close(CLOSE_NORMAL, reason);
    } catch {
      // already closing
    }
    this.finish(CLOSE_NORMAL);
  }

  private onOpen(): void {
    if (this.stateValue !== 'connecting') return;
    this.stateValue = 'hello_sent';
    this.ws.send(JSON.stringify(this.hello));
  }

  private onMessage(data: unknown): void {
    if (this.stateValue === 'closed') return;
    if (data instanceof ArrayBuffer) {
      // The server never sends more than this; a larger frame is dropped before any copy.
      if (this.stateValue !== 'welcomed' || data.byteLength > DATA_FRAME_MAX_BYTES) return;
      this.lastError = null;
      this.events.frame(new Uint8Array(data));
      return;
    }
    if (typeof data !== 'string') return;
    const parsed = parseMessage(this.schema, data);
    if (!parsed.ok) return; // the server speaks this union; anything else is dropped
    const msg = parsed.value;
    if (isWelcome(msg, this.welcomeType)) {
      if (this.stateValue !== 'hello_sent') return;
      this.stateValue = 'welcomed';
      this.events.welcome(msg);
      return;
    }
    const error = errorCodeOf(msg);
    this.lastError = error;
    if (this.stateValue === 'welcomed') {
      this.events.push(msg as Exclude<U, { type: K }>);
      return;
    }
    // The hello was refused: closing now tells the caller at once (feature off, bad token, ...)
    // instead of after the server's hello timeout. The caller decides whether a new socket helps.
    if (error !== null) this.close('hello refused');
  }

  private finish(code: number): void {
    if (this.stateValue === 'closed') return;
    const welcomed = this.stateValue === 'welcomed';
    this.stateValue = 'closed';
    this.ws.onopen = this.ws.onmessage = this.ws.onclose = null;
    this.events.closed({ code, refused: this.lastError, welcomed });
  }
}

function isWelcome<U extends { type: string }, K extends U['type']>(
  msg: U,
  type: K,
): msg is Extract<U, { type: K }> {
  return msg.type === type;
}

function errorCodeOf(msg: { type: string }): ErrorCode | null {
  if (msg.type !== 'error' || !('code' in msg)) return null;
  return isErrorCode(msg.code) ? msg.code : null;
}
