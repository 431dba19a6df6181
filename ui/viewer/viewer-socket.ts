/**
 * The viewer window's own WebSocket to the server's /ws (protocol/viewer-channel.ts): sends
 * `viewer.hello` with the agent's login token and the session id, validates every text message
 * against ServerToViewer (rebuilt from declared fields, never cast), passes binary data-plane
 * frames through after a size check, and reports how it ended.
 *
 * States: connecting -> hello_sent -> welcomed -> closed. An error answering the hello closes the
 * socket at once, and the close carries that error (token, session, feature), so the caller knows
 * whether a retry can help. One socket per instance: reconnecting means a new ViewerSocket.
 */
import { PROTOCOL_VERSION } from '../../protocol/common';
import { isErrorCode, type ErrorCode } from '../../protocol/errors';
import { DATA_FRAME_MAX_BYTES } from '../../protocol/limits';
import { parseMessage } from '../../protocol/parse';
import { ServerToViewer } from '../../protocol/viewer-channel';

/** The parts of a browser WebSocket used here (tests pass a fake). */
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

export type ViewerWelcome = Extract<ServerToViewer, { type: 'viewer.welcome' }>;
export type ViewerPush = Exclude<ServerToViewer, { type: 'viewer.welcome' }>;

export type SocketState = 'connecting' | 'hello_sent' | 'welcomed' | 'closed';

export interface ViewerSocketEvents {
  welcome(msg: ViewerWelcome): void;
  push(msg: ViewerPush): void;
  frame(frame: Uint8Array): void;
  /** `refused`: the server's error code for the hello or a later fatal error, if it gave one. */
  closed(info: { code: number; refused: ErrorCode | null; welcomed: boolean }): void;
}

const OPEN = 1;

export class ViewerSocket {
  private stateValue: SocketState = 'connecting';
  private readonly ws: WebSocketLike;
  private lastError: ErrorCode | null = null;

  constructor(
    url: string,
    private readonly hello: { token: string; sessionId: string },
    private readonly events: ViewerSocketEvents,
    create: CreateSocket = (u) => new WebSocket(u),
  ) {
    this.ws = create(url);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onopen = () => this.onOpen();
    this.ws.onmessage = (ev) => this.onMessage(ev.data);
    this.ws.onclose = (ev) => this.onClose(ev.code);
    this.ws.onerror = () => undefined; // a close event always follows
  }

  get state(): SocketState {
    return this.stateValue;
  }

  /** Bytes queued in the browser, not yet on the wire. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  sendFrame(frame: Uint8Array): boolean {
    if (this.stateValue !== 'welcomed' || this.ws.readyState !== OPEN) return false;
    // WebSocket.send takes views of plain ArrayBuffers only (never shared memory).
    this.ws.send(
      frame.buffer instanceof ArrayBuffer
        ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
        : frame.slice(),
    );
    return true;
  }

  close(): void {
    if (this.stateValue === 'closed') return;
    this.ws.close(1000, 'viewer closed');
    this.finish(1000);
  }

  private onOpen(): void {
    if (this.stateValue !== 'connecting') return;
    this.stateValue = 'hello_sent';
    this.ws.send(
      JSON.stringify({
        type: 'viewer.hello',
        token: this.hello.token,
        sessionId: this.hello.sessionId,
        protocol: PROTOCOL_VERSION,
      }),
    );
  }

  private onMessage(data: unknown): void {
    if (this.stateValue === 'closed') return;
    if (data instanceof ArrayBuffer) {
      // The server never sends more than this; a larger frame is refused before any copy.
      if (this.stateValue !== 'welcomed' || data.byteLength > DATA_FRAME_MAX_BYTES) return;
      this.events.frame(new Uint8Array(data));
      return;
    }
    if (typeof data !== 'string') return;
    const parsed = parseMessage(ServerToViewer, data);
    if (!parsed.ok) return; // the server speaks this union; anything else is dropped
    const msg = parsed.value;
    if (msg.type === 'viewer.welcome') {
      if (this.stateValue !== 'hello_sent') return;
      this.stateValue = 'welcomed';
      this.events.welcome(msg);
      return;
    }
    if (msg.type === 'error' && isErrorCode(msg.code)) this.lastError = msg.code;
    if (msg.type === 'error' && this.stateValue === 'hello_sent') {
      // The hello was refused. The server keeps the socket open for another hello; this one is
      // done: closing now tells the session at once (feature off, bad token, ...) instead of
      // after the server's hello timeout. The session decides whether a new socket may help.
      this.ws.close(1000, 'hello refused');
      this.finish(1000);
      return;
    }
    if (this.stateValue === 'welcomed') this.events.push(msg);
  }

  private onClose(code: number): void {
    this.finish(code);
  }

  private finish(code: number): void {
    if (this.stateValue === 'closed') return;
    const welcomed = this.stateValue === 'welcomed';
    this.stateValue = 'closed';
    this.events.closed({ code, refused: this.lastError, welcomed });
  }
}
