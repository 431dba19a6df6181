/**
 * The support page's one WebSocket to the server (customer channel, protocol/customer-channel.ts).
 *
 * - Knows nothing of the request's meaning: when a socket opens it calls `onOpen`, where the
 *   controller sends the first message (`request.create` or `customer.hello`).
 * - Every incoming text is size-checked and validated (`parseMessage` with ServerToCustomer);
 *   request results are validated with CUSTOMER_RESULTS. Invalid messages are dropped.
 * - Requests carry an id, are matched to their reply, time out after REQUEST_TIMEOUT_MS, and are
 *   all rejected when the socket closes.
 * - Reconnection is owned by ONE timer: after an unexpected close, if `shouldReconnect()` says so,
 *   it waits `reconnectDelayMs(attempt)` (backoff + jitter) and tries again; `reconnectNow()`
 *   skips the wait; `stop()` ends everything.
 */
import type * as z from 'zod';
import { CUSTOMER_RESULTS, ServerToCustomer, type CustomerToServer } from '../../protocol/customer-channel';
import type { ErrorCode } from '../../protocol/errors';
import { isErrorCode } from '../../protocol/errors';
import { parseMessage } from '../../protocol/parse';
import { reconnectDelayMs } from './reconnect-backoff';

/** How long a request may wait for its reply, in ms. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** The part of the browser's WebSocket this module uses (the `ws` package matches it too). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

const OPEN = 1;

export type ConnectionState =
  /** No socket wanted (before the first request, after the end). */
  | { name: 'idle' }
  | { name: 'connecting'; attempt: number }
  | { name: 'open' }
  /** Dropped; the next attempt is due at `retryAt` (ms since the epoch). */
  | { name: 'lost'; attempt: number; retryAt: number };

type RequestMessage = Extract<CustomerToServer, { id: string }>;
export type RequestType = RequestMessage['type'];
type RequestBody<K extends RequestType> = Omit<Extract<RequestMessage, { type: K }>, 'type' | 'id'>;
export type ResultOf<K extends RequestType> = z.output<(typeof CUSTOMER_RESULTS)[K]>;
/** CUSTOMER_RESULTS seen per key, so that a generic request gets its own result type. */
const RESULT_SCHEMAS: { [K in RequestType]: z.ZodType<ResultOf<K>> } = CUSTOMER_RESULTS;
type PlainMessage = Exclude<CustomerToServer, { id: string }>;

/** A request that failed: the server's stable code, or `unavailable` for a lost connection. */
export class CustomerRequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CustomerRequestError';
  }
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface CustomerSocketOptions {
  url: string;
  createSocket: (url: string) => WebSocketLike;
  /** A socket opened: send the first message now (request or hello). */
  onOpen: () => void;
  /** Every validated message that is not the reply to a pending request. */
  onMessage: (msg: ServerToCustomer) => void;
  onState: (state: ConnectionState) => void;
  /** Asked after an unexpected close: should the timer bring the connection back? */
  shouldReconnect: () => boolean;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
}

interface Pending {
  type: RequestType;
  /** Validates the raw result with the request's schema and settles the caller's promise. */
  settle: (result: unknown) => void;
  reject: (err: CustomerRequestError) => void;
  timer: unknown;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class CustomerSocket {
  private ws: WebSocketLike | null = null;
  private state: ConnectionState = { name: 'idle' };
  private attempt = 0;
  private retryTimer: unknown = null;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly opts: CustomerSocketOptions) {
    this.timers = opts.timers ?? realTimers;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  get connection(): ConnectionState {
    return this.state;
  }

  get isOpen(): boolean {
    return this.state.name === 'open';
  }

  /** Opens a socket unless one is open or opening. */
  connect(): void {
    if (this.state.name === 'open' || this.state.name === 'connecting') return;
    this.clearRetry();
    this.setState({ name: 'connecting', attempt: this.attempt });
    let ws: WebSocketLike;
    try {
      ws = this.opts.createSocket(this.opts.url);
    } catch {
      this.dropped();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.setState({ name: 'open' });
      this.opts.onOpen();
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return;
      this.receive(ev.data);
    };
    ws.onerror = () => {
      // A close event always follows an error; the close handler decides what to do.
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.dropped();
    };
  }

  /** Skips the backoff wait (the "reconnect now" button, the browser going online). */
  reconnectNow(): void {
    if (this.state.name !== 'lost') return;
    this.connect();
  }

  /** Closes for good: no reconnect, every pending request rejected. */
  stop(): void {
    this.clearRetry();
    const ws = this.ws;
    this.ws = null;
    this.attempt = 0;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000, 'done');
      } catch {
        // Already closed.
      }
    }
    this.rejectAll('the connection was closed');
    this.setState({ name: 'idle' });
  }

  /** Sends a message that has no reply (typing, delivery). Dropped while not connected. */
  send(msg: PlainMessage): void {
    if (!this.ws || this.ws.readyState !== OPEN) return;
    this.ws.send(JSON.stringify(msg));
  }

  /** Sends a request and resolves with its validated result. */
  request<K extends RequestType>(type: K, body: RequestBody<K>): Promise<ResultOf<K>> {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) {
      return Promise.reject(new CustomerRequestError('unavailable', 'not connected to the server'));
    }
    const id = `c${this.nextId++}`;
    return new Promise<ResultOf<K>>((resolve, reject) => {
      const timer = this.timers.set(() => {
        this.pending.delete(id);
        reject(new CustomerRequestError('unavailable', `no answer to ${type} in time`));
      }, REQUEST_TIMEOUT_MS);
      const schema = RESULT_SCHEMAS[type];
      this.pending.set(id, {
        type,
        settle: (raw) => {
          const result = schema.safeParse(raw);
          if (result.success) resolve(result.data);
          else
            reject(
              new CustomerRequestError(
                'invalid_message',
                `the server's answer to ${type} was not understood`,
              ),
            );
        },
        reject,
        timer,
      });
      ws.send(JSON.stringify({ ...body, type, id }));
    });
  }

  private receive(text: string): void {
    const parsed = parseMessage(ServerToCustomer, text);
    if (!parsed.ok) return;
    const msg = parsed.value;
    if ((msg.type === 'reply' || msg.type === 'error') && msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        this.timers.clear(p.timer);
        if (msg.type === 'error') {
          p.reject(
            new CustomerRequestError(
              isErrorCode(msg.code) ? msg.code : 'internal_error',
              msg.message,
              msg.details,
            ),
          );
          return;
        }
        p.settle(msg.result);
        return;
      }
    }
    this.opts.onMessage(msg);
  }

  private dropped(): void {
    this.rejectAll('the connection was lost');
    if (!this.opts.shouldReconnect()) {
      this.attempt = 0;
      this.setState({ name: 'idle' });
      return;
    }
    const delay = reconnectDelayMs(this.attempt, this.random);
    const attempt = this.attempt;
    this.attempt += 1;
    this.setState({ name: 'lost', attempt, retryAt: this.now() + delay });
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) {
      this.timers.clear(this.retryTimer);
      this.retryTimer = null;
    }
  }

  private rejectAll(reason: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      this.timers.clear(p.timer);
      p.reject(new CustomerRequestError('unavailable', reason));
    }
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.opts.onState(state);
  }
}
