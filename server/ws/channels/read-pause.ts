/**
 * Pausing a socket's reading for several independent reasons (the relay's backpressure, a
 * backlog of control messages) without one reason's resume undoing another's pause: the socket
 * reads again only when no reason holds it. Uses ws's supported `pause()`/`resume()`, which
 * pause the underlying net.Socket (TCP flow control then slows the sender).
 */
import type { Connection } from '../connection';

export type PauseReason = 'relay' | 'backlog' | 'outgoing' | 'rate' | 'link';

const holds = new WeakMap<Connection, Set<PauseReason>>();

export function pauseReading(conn: Connection, reason: PauseReason): void {
  let set = holds.get(conn);
  if (!set) {
    set = new Set();
    holds.set(conn, set);
  }
  const wasPaused = set.size > 0;
  set.add(reason);
  if (!wasPaused && conn.isOpen) conn.ws.pause();
}

export function resumeReading(conn: Connection, reason: PauseReason): void {
  const set = holds.get(conn);
  if (!set || !set.delete(reason)) return;
  if (set.size === 0 && conn.isOpen) conn.ws.resume();
}

export function isReadingPaused(conn: Connection): boolean {
  return (holds.get(conn)?.size ?? 0) > 0;
}
