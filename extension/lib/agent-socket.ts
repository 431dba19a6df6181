/**
 * The agent's one WebSocket to the server (/ws, protocol/agent-channel.ts), as an explicit state
 * machine that refuses illegal transitions:
 *
 *   idle -> connecting -> authenticating -> ready
 *   connecting | authenticating | ready -> retry_wait -> connecting   (one timer, backoff + jitter)
 *   authenticating | ready -> refused   (token no longer valid: only a new sign-in starts again)
 *   any -> idle                         (stop: sign-out, server address changed)
 *
 * Requests carry an id and get their reply (validated against AGENT_RESULTS) or an error with a
 * stable code, each within REQUEST_TIMEOUT_MS; everything pending is rejected when the socket
 * drops. A `ping` every KEEPALIVE_INTERVAL_MS keeps Chrome's service worker alive (it counts
 * WebSocket messages, not protocol pings) and detects a dead connection that never said so.
 */
import type * as z from 'zod';
import { AGENT_RESULTS, ServerToAgent, type AgentToServer } from '../../protocol/agent-channel';
import { PROTOCOL_VERSION } from '../../protocol/common';
import { isErrorCode, type ErrorCode } from '../../protocol/errors';
import { parseMessage, validate } from '../../protocol/parse';
import { reconnectDelayMs } from './backoff';

/** A request without a reply for this long fails with `unavailable`, in ms. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** Interval between keepalive pings, in ms (Chrome stops an idle service worker after 30 s). */
export const KEEPALIVE_INTERVAL_MS = 20_000;
/** No welcome this long after the socket opened: drop it and retry, in ms. */
export const WELCOME_TIMEOUT_MS = 15_000;

/** Close codes after which reconnecting with the same token is pointless (server/ws/connection.ts). */
const CLOSE_SIGNED_OUT = 4003;
const CLOSE_REPLACED = 4005;
/** Hello errors that mean the token is dead: the agent must sign in again. */
const REFUSING_CODES: ReadonlySet<ErrorCode> = new Set(['token_invalid', 'signed_out', 'account_inactive']);

export type SocketState = 'idle' | 'connecting' | 'authenticating' | 'ready' | 'retry_wait' | 'refused';

const TRANSITIONS: Record<SocketState, readonly SocketState[]> = {
  idle: ['connecting'],
  connecting: ['authenticating', 'retry_wait', 'idle'],
  authenticating: ['ready', 'retry_wait', 'refused', 'idle'],
  ready: ['retry_wait', 'refused', 'idle'],
  retry_wait: ['connecting', 'idle'],
  refused: ['idle'],
};

/** The parts of a browser WebSocket this class uses (the `ws` package's client has them too). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Wraps the browser's WebSocket in a SocketLike (its event types are richer than we need). */
export function browserSocket(url: string): SocketLike {
  const ws = new WebSocket(url);
  const socket: SocketLike = {
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
  ws.onopen = (ev) => socket.onopen?.(ev);
  ws.onmessage = (ev) => socket.onmessage?.({ data: ev.data });
  ws.onclose = (ev) => socket.onclose?.({ code: ev.code, reason: ev.reason });
  ws.onerror = (ev) => socket.onerror?.(ev);
  return socket;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

type AgentRequest = Extract<AgentToServer, { id: string }>;
export type AgentRequestType = AgentRequest['type'];
export type AgentResult<K extends AgentRequestType> = z.output<(typeof AGENT_RESULTS)[K]>;
/** Omit over each member of a union (plain Omit would merge the members). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A request as the caller writes it: the id is added here. */
export type AgentRequestBody = OmitEach<AgentRequest, 'id'>;
type AgentNotice = Exclude<AgentToServer, { id: string }>;
type ServerPush = Exclude<ServerToAgent, { type: 'reply' | 'error' }>;

/** A request the server refused (its stable code), or that could not be answered. */
export class AgentRequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AgentRequestError';
  }
}

export interface AgentSocketEvents {
  /** Every message from the server that is not a reply; `agent.welcome` included. */
  onPush(message: ServerPush): void;
  onState(state: SocketState): void;
  /** The server refused the token (signed out elsewhere, deactivated, expired). */
  onRefused(code: ErrorCode, message: string): void;
}

interface Pending {
  type: AgentRequestType;
  resolve: (value: unknown) => void;
  reject: (err: AgentRequestError) => void;
  timer: unknown;
}

export class AgentSocket {
  private current: SocketState = 'idle';
  private socket: SocketLike | null = null;
  private target: { url: string; token: string } | null = null;
  private attempt = 0;
  private retryTimer: unknown = null;
  private keepaliveTimer: unknown = null;
  private welcomeTimer: unknown = null;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private closed: { code: number; reason: string; at: number } | null = null;

  constructor(
    private readonly createSocket: (url: string) => SocketLike,
    private readonly events: AgentSocketEvents,
    private readonly timers: Timers = realTimers,
    private readonly random: () => number = Math.random,
  ) {}

  get state(): SocketState {
    return this.current;
  }

  /** How the last socket closed, as the browser reported it (null: none closed yet). */
  get lastClose(): { code: number; reason: string; at: number } | null {
    return this.closed;
  }

  /** Connects with a token; restarts when already running with another target. */
  start(url: string, token: string): void {
    if (this.current !== 'idle') this.stop();
    this.target = { url, token };
    this.attempt = 0;
    this.connect();
  }

  /** Closes the socket and forgets the target; nothing reconnects until start(). */
  stop(): void {
    this.target = null;
    this.teardown('the connection was closed');
    if (this.current !== 'idle') this.transition('idle');
  }

  /** Retries at once if waiting for the reconnect timer (network came back, alarm fired). */
  wake(): void {
    if (this.current !== 'retry_wait') return;
    this.clearTimer('retryTimer');
    this.connect();
  }

  /** Sends a request and resolves with its validated result. */
  request<B extends AgentRequestBody>(body: B): Promise<AgentResult<B['type']>> {
    const socket = this.socket;
    if (this.current !== 'ready' || !socket) {
      return Promise.reject(new AgentRequestError('unavailable', 'not connected to the server'));
    }
    const id = `x${this.nextId++}`;
    return new Promise<AgentResult<B['type']>>((resolve, reject) => {
      const timer = this.timers.set(() => {
        this.pending.delete(id);
        reject(
          new AgentRequestError('unavailable', `no answer to ${body.type} within ${REQUEST_TIMEOUT_MS} ms`),
        );
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, {
        type: body.type,
        resolve: (v) => resolve(v as AgentResult<B['type']>),
        reject,
        timer,
      });
      socket.send(JSON.stringify({ ...body, id }));
    });
  }

  /** Sends a message that has no reply (typing, delivery marks); dropped when offline. */
  send(message: AgentNotice): boolean {
    if (this.current !== 'ready' || !this.socket) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private transition(to: SocketState): void {
    if (!TRANSITIONS[this.current].includes(to)) {
      throw new Error(`agent socket: illegal transition ${this.current} -> ${to}`);
    }
    this.current = to;
    this.events.onState(to);
  }

  private connect(): void {
    const target = this.target;
    if (!target) return;
    this.transition('connecting');
    let socket: SocketLike;
    try {
      socket = this.createSocket(target.url);
    } catch {
      this.lost();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.transition('authenticating');
      socket.send(JSON.stringify({ type: 'agent.hello', token: target.token, protocol: PROTOCOL_VERSION }));
      this.welcomeTimer = this.timers.set(() => this.drop(), WELCOME_TIMEOUT_MS);
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      if (typeof ev.data === 'string') this.onText(ev.data);
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.closed = { code: ev.code, reason: ev.reason, at: Date.now() };
      const signedIn = this.current === 'authenticating' || this.current === 'ready';
      if (signedIn && (ev.code === CLOSE_SIGNED_OUT || ev.code === CLOSE_REPLACED)) {
        this.refuse('signed_out', ev.reason || 'signed out');
        return;
      }
      this.lost();
    };
    socket.onerror = () => {
      // A close event always follows; reconnection is decided there.
    };
  }

  private onText(text: string): void {
    const parsed = parseMessage(ServerToAgent, text);
    if (!parsed.ok) return; // a server newer than this extension; nothing to act on
    const message = parsed.value;
    if (message.type === 'reply') {
      this.settle(message.id, (p) => {
        const result = validate(AGENT_RESULTS[p.type], message.result);
        if (result.ok) p.resolve(result.value);
        else p.reject(new AgentRequestError('invalid_message', `unexpected answer to ${p.type}`));
      });
      return;
    }
    if (message.type === 'error') {
      const code: ErrorCode = isErrorCode(message.code) ? message.code : 'internal_error';
      if (message.id !== undefined) {
        this.settle(message.id, (p) =>
          p.reject(new AgentRequestError(code, message.message, message.details)),
        );
        return;
      }
      if (this.current === 'authenticating') {
        if (REFUSING_CODES.has(code)) this.refuse(code, message.message);
        else this.drop();
      }
      return;
    }
    if (message.type === 'agent.welcome') {
      if (this.current !== 'authenticating') return;
      this.clearTimer('welcomeTimer');
      this.attempt = 0;
      this.transition('ready');
      this.keepaliveTimer = this.timers.set(() => this.keepalive(), KEEPALIVE_INTERVAL_MS);
    }
    this.events.onPush(message);
    if (message.type === 'signed_out') this.refuse('signed_out', message.message);
  }

  private keepalive(): void {
    this.keepaliveTimer = null;
    if (this.current !== 'ready') return;
    this.request({ type: 'ping' }).then(
      () => {
        if (this.current === 'ready' && this.keepaliveTimer === null) {
          this.keepaliveTimer = this.timers.set(() => this.keepalive(), KEEPALIVE_INTERVAL_MS);
        }
      },
      (err: unknown) => {
        // No pong: the connection is dead even if the socket has not noticed yet.
        if (err instanceof AgentRequestError && err.code === 'unavailable' && this.current === 'ready')
          this.drop();
        else if (this.current === 'ready')
          this.keepaliveTimer = this.timers.set(() => this.keepalive(), KEEPALIVE_INTERVAL_MS);
      },
    );
  }

  private settle(id: string, fn: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.timers.clear(p.timer);
    fn(p);
  }

  /** Closes our end of a connection we no longer trust, then retries. */
  private drop(): void {
    this.socket?.close(1000, 'reconnecting');
    this.lost();
  }

  /** The connection is gone: reject what is pending and schedule one retry. */
  private lost(): void {
    this.teardown('the connection to the server was lost');
    if (!this.target) return;
    this.transition('retry_wait');
    const delay = reconnectDelayMs(this.attempt++, this.random);
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private refuse(code: ErrorCode, message: string): void {
    this.teardown(message);
    this.target = null;
    if (this.current === 'refused') return;
    this.transition('refused');
    this.events.onRefused(code, message);
  }

  private teardown(reason: string): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close(1000, 'bye');
      } catch {
        // already closed
      }
    }
    this.clearTimer('retryTimer');
    this.clearTimer('keepaliveTimer');
    this.clearTimer('welcomeTimer');
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      this.timers.clear(p.timer);
      p.reject(new AgentRequestError('unavailable', reason));
    }
  }

  private clearTimer(name: 'retryTimer' | 'keepaliveTimer' | 'welcomeTimer'): void {
    if (this[name] !== null) this.timers.clear(this[name]);
    this[name] = null;
  }
}
