/**
 * What the background last did, kept in storage.session so it can be read while the service
 * worker is stopped (from any extension page, which needs no worker): when this worker started
 * and finished loading its state, when the watchdog alarm last woke it, and where its connection
 * stands (state, since when, the last close code and reason). Chrome stops the worker whenever it
 * wants; when an agent does not come back by itself, this says which step it stopped at (the
 * worker-restart e2e test prints it when it times out). Written on each change, small, never read
 * by the background itself.
 */
import browser from 'webextension-polyfill';
import type { SocketState } from '../lib/agent-socket';

/** The storage.session key of the trace. */
export const TRACE_KEY = 'backgroundTrace';

export interface SocketClose {
  code: number;
  reason: string;
  /** ms since the epoch. */
  at: number;
}

export interface BackgroundTrace {
  /** When this worker (event page) started, ms since the epoch. */
  startedAt: number;
  /** When its state was loaded from storage and the listeners could act (null: not yet). */
  bootedAt: number | null;
  /** When the watchdog alarm last reached it (null: not since it started). */
  alarmAt: number | null;
  socket: SocketState;
  /** When the socket entered `socket`. */
  socketSince: number;
  /** The last close of the socket, as the browser reported it (null: none since the start). */
  lastClose: SocketClose | null;
}

export class BackgroundTracer {
  private readonly trace: BackgroundTrace;
  private queued = false;

  constructor(private readonly now: () => number = Date.now) {
    const at = now();
    this.trace = {
      startedAt: at,
      bootedAt: null,
      alarmAt: null,
      socket: 'idle',
      socketSince: at,
      lastClose: null,
    };
    this.save();
  }

  booted(): void {
    this.trace.bootedAt = this.now();
    this.save();
  }

  alarm(): void {
    this.trace.alarmAt = this.now();
    this.save();
  }

  socket(state: SocketState, lastClose: SocketClose | null): void {
    if (state !== this.trace.socket) this.trace.socketSince = this.now();
    this.trace.socket = state;
    this.trace.lastClose = lastClose;
    this.save();
  }

  /** One write per turn of the event loop, however many changes it had. */
  private save(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      void browser.storage.session.set({ [TRACE_KEY]: { ...this.trace } }).catch(() => undefined);
    });
  }
}
