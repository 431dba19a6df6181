/**
 * One client's WebSocket, as the channel handlers see it: typed JSON out (`send`), replies and
 * errors in the protocol's shapes, binary frames out with backpressure visible
 * (`bufferedAmount`), and a close that says why in words.
 *
 * Every JSON message goes through the socket's outgoing budget (outgoing-budget.ts): a client
 * that does not read its answers stops being read, then is closed (CLOSE.notReading). Every
 * error reply is counted (protocol-violations.ts): a client that keeps sending malformed
 * messages is closed (CLOSE.protocolErrors). A close to a peer that does not read can never
 * finish its handshake, so the socket is terminated CLOSE_GRACE_MS after it.
 */
import type { WebSocket } from 'ws';
import { CLOSE } from '../../protocol/close-codes';
import type { ErrorCode } from '../../protocol/errors';
import { OutgoingBudget, type OutgoingLimits } from './outgoing-budget';
import { ProtocolViolations } from './protocol-violations';
import { pauseReading, resumeReading } from './channels/read-pause';

export { CLOSE } from '../../protocol/close-codes';

/** How long a closing socket may take to finish the close handshake before it is terminated, in ms. */
export const CLOSE_GRACE_MS = 2_000;

let nextConnectionId = 1;

export interface ConnectionOptions {
  /** Test servers shrink the outgoing budget. */
  outgoing?: OutgoingLimits;
  /** Called once when the socket is closed for not reading or for protocol errors (for logs). */
  onAbuse?(conn: Connection, why: 'not_reading' | 'stalled' | 'protocol_errors'): void;
}

export class Connection {
  readonly id = nextConnectionId++;
  private closed = false;
  private readonly outgoing: OutgoingBudget;
  private readonly violations = new ProtocolViolations();

  constructor(
    readonly ws: WebSocket,
    readonly address: string,
    readonly origin: string | undefined,
    /** The client's User-Agent header at the upgrade (the session reports name the customer's system). */
    readonly userAgent: string | undefined,
    private readonly options: ConnectionOptions = {},
  ) {
    this.outgoing = new OutgoingBudget(
      {
        pause: () => pauseReading(this, 'outgoing'),
        resume: () => resumeReading(this, 'outgoing'),
        overflow: (reason) => {
          this.options.onAbuse?.(this, reason === 'stalled' ? 'stalled' : 'not_reading');
          this.closeForAbuse(CLOSE.notReading, 'messages were not read');
        },
      },
      options.outgoing,
    );
    ws.once('close', () => {
      this.closed = true;
      this.outgoing.dispose();
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  /** Sends one protocol message (the caller passes a value typed by its channel's union). */
  send(message: { type: string }): void {
    if (!this.isOpen) return;
    this.sendText(JSON.stringify(message));
  }

  /** Sends a message already serialised (one text fanned out to many sockets). */
  sendText(text: string): void {
    if (!this.isOpen || !this.outgoing.canSend()) return;
    const bytes = Buffer.byteLength(text);
    this.ws.send(text, () => this.outgoing.written(bytes));
    this.outgoing.queued(bytes);
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
    if (this.violations.record(code) && this.isOpen) {
      this.options.onAbuse?.(this, 'protocol_errors');
      this.closeForAbuse(CLOSE.protocolErrors, 'too many malformed messages');
    }
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

  /** JSON bytes handed to the socket and not yet written (the outgoing budget's count). */
  get jsonBytesWaiting(): number {
    return this.outgoing.bytesWaiting;
  }

  /**
   * Closes a client that broke the rules: nothing more it sends is read (reading it would let
   * it keep the server busy until the close completes), so its close handshake cannot finish
   * either, and the grace timer terminates it.
   */
  private closeForAbuse(code: number, reason: string): void {
    this.close(code, reason);
    this.ws.pause();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // Reason is limited to 123 bytes by the WebSocket spec.
    this.ws.close(code, Buffer.from(reason).subarray(0, 120).toString());
    // A peer that is not reading never answers the close: free the socket anyway.
    const timer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    this.ws.once('close', () => clearTimeout(timer));
  }
}
