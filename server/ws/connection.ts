/**
 * One client's WebSocket, as the channel handlers see it: typed JSON out (`send`), replies and
 * errors in the protocol's shapes, binary frames out with backpressure visible
 * (`bufferedAmount`), and a close that says why in words.
 */
import type { WebSocket } from 'ws';
import type { ErrorCode } from '../../protocol/errors';

/** WebSocket close codes we use (4000-4999 is the application range). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  tooBig: 1009,
  helloTimeout: 4001,
  badHello: 4002,
  signedOut: 4003,
  sessionEnded: 4004,
  replaced: 4005,
  serverShutdown: 4006,
} as const;

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  private closed = false;

  constructor(
    readonly ws: WebSocket,
    readonly address: string,
    readonly origin: string | undefined,
    /** The client's User-Agent header at the upgrade (the session reports name the customer's system). */
    readonly userAgent?: string,
  ) {
    ws.once('close', () => {
      this.closed = true;
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  /** Sends one protocol message (the caller passes a value typed by its channel's union). */
  send(message: { type: string }): void {
    if (!this.isOpen) return;
    this.ws.send(JSON.stringify(message));
  }

  reply(id: string, result: unknown): void {
    const message = { type: 'reply', id, result };
    this.send(message);
  }

  error(code: ErrorCode, message: string, id?: string, details?: Record<string, unknown>): void {
    const reply = {
      type: 'error',
      code,
      message,
      ...(id !== undefined ? { id } : {}),
      ...(details ? { details } : {}),
    };
    this.send(reply);
  }

  sendBinary(data: Uint8Array, cb?: (err?: Error) => void): void {
    if (!this.isOpen) {
      cb?.(new Error('closed'));
      return;
    }
    this.ws.send(data, { binary: true }, cb);
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // Reason is limited to 123 bytes by the WebSocket spec.
    this.ws.close(code, Buffer.from(reason).subarray(0, 120).toString());
  }
}
