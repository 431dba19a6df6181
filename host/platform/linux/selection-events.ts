/**
 * The core X events of selection transfers, parsed from their 32 wire bytes (layouts from the X11
 * protocol, section "Events"), and a small queue that buffers matching events until a transfer
 * step asks for them, so none is lost between two awaits.
 */
import type { X11Connection } from './x11-connection';

export const PROPERTY_NOTIFY = 28;
export const SELECTION_CLEAR = 29;
export const SELECTION_REQUEST = 30;
export const SELECTION_NOTIFY = 31;

/** PropertyNotify state values. */
export const PROPERTY_NEW_VALUE = 0;
export const PROPERTY_DELETED = 1;

export interface PropertyNotify {
  window: number;
  atom: number;
  time: number;
  state: number;
}

export interface SelectionRequest {
  time: number;
  owner: number;
  requestor: number;
  selection: number;
  target: number;
  property: number;
}

export interface SelectionNotify {
  time: number;
  requestor: number;
  selection: number;
  target: number;
  property: number;
}

export interface SelectionClear {
  time: number;
  owner: number;
  selection: number;
}

export function eventCode(raw: Buffer): number {
  return raw[0]! & 0x7f;
}

export function parsePropertyNotify(raw: Buffer): PropertyNotify {
  return {
    window: raw.readUInt32LE(4),
    atom: raw.readUInt32LE(8),
    time: raw.readUInt32LE(12),
    state: raw[16]!,
  };
}

export function parseSelectionRequest(raw: Buffer): SelectionRequest {
  return {
    time: raw.readUInt32LE(4),
    owner: raw.readUInt32LE(8),
    requestor: raw.readUInt32LE(12),
    selection: raw.readUInt32LE(16),
    target: raw.readUInt32LE(20),
    property: raw.readUInt32LE(24),
  };
}

export function parseSelectionNotify(raw: Buffer): SelectionNotify {
  return {
    time: raw.readUInt32LE(4),
    requestor: raw.readUInt32LE(8),
    selection: raw.readUInt32LE(12),
    target: raw.readUInt32LE(16),
    property: raw.readUInt32LE(20),
  };
}

export function parseSelectionClear(raw: Buffer): SelectionClear {
  return { time: raw.readUInt32LE(4), owner: raw.readUInt32LE(8), selection: raw.readUInt32LE(12) };
}

/** The 32 bytes of a SelectionNotify to send to a requestor with SendEvent. */
export function packSelectionNotify(ev: SelectionNotify): Buffer {
  const b = Buffer.alloc(32);
  b[0] = SELECTION_NOTIFY;
  b.writeUInt32LE(ev.time >>> 0, 4);
  b.writeUInt32LE(ev.requestor >>> 0, 8);
  b.writeUInt32LE(ev.selection >>> 0, 12);
  b.writeUInt32LE(ev.target >>> 0, 16);
  b.writeUInt32LE(ev.property >>> 0, 20);
  return b;
}

export class EventTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not happen within ${ms} ms`);
    this.name = 'EventTimeoutError';
  }
}

/** Buffers the events `pick` accepts (returning a parsed value) from the moment it is created. */
export class EventQueue<T> {
  private readonly items: T[] = [];
  private waiter: ((value: T) => void) | null = null;
  private readonly stop: () => void;

  constructor(conn: X11Connection, pick: (raw: Buffer) => T | null) {
    this.stop = conn.onEvent((raw) => {
      const value = pick(raw);
      if (value === null) return;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(value);
      } else {
        this.items.push(value);
      }
    });
  }

  next(timeoutMs: number, what: string): Promise<T> {
    const ready = this.items.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new EventTimeoutError(what, timeoutMs));
      }, timeoutMs);
      this.waiter = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
    });
  }

  close(): void {
    this.stop();
    this.waiter = null;
  }
}
