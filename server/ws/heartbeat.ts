/**
 * The WebSocket heartbeat, spread over time: every socket is pinged once per
 * HEARTBEAT_INTERVAL_MS, but not all at the same instant. Sockets are dealt into
 * HEARTBEAT_SLOTS slots as they connect, and each tick (interval / slots) visits one slot, so a
 * server with thousands of sockets sends a few dozen pings every quarter second instead of
 * thousands in one turn of the event loop (that burst paused relayed frames for 40-165 ms with
 * ~1,000 sockets). A socket that has not answered the previous ping when its slot comes round
 * again is terminated (not closed: a dead TCP peer never answers a close handshake). A socket
 * the relay paused cannot read pongs; the relay's own stall cut bounds such pauses, so it is
 * skipped rather than killed.
 */
import type { WebSocket } from 'ws';
import { HEARTBEAT_INTERVAL_MS } from '../../protocol/limits';

/** Slots one heartbeat interval is divided into (one tick per slot: 250 ms with the default). */
export const HEARTBEAT_SLOTS = 80;

export class Heartbeat {
  private readonly slots: Set<WebSocket>[] = Array.from({ length: HEARTBEAT_SLOTS }, () => new Set());
  private readonly slotOf = new WeakMap<WebSocket, number>();
  private readonly answered = new WeakMap<WebSocket, boolean>();
  private nextSlot = 0;
  private tickSlot = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(intervalMs: number = HEARTBEAT_INTERVAL_MS) {
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.round(intervalMs / HEARTBEAT_SLOTS)));
    this.timer.unref();
  }

  add(ws: WebSocket): void {
    const slot = this.nextSlot;
    this.nextSlot = (slot + 1) % HEARTBEAT_SLOTS;
    this.slots[slot]!.add(ws);
    this.slotOf.set(ws, slot);
    this.answered.set(ws, true);
    ws.on('pong', () => this.answered.set(ws, true));
    ws.once('close', () => this.remove(ws));
  }

  remove(ws: WebSocket): void {
    const slot = this.slotOf.get(ws);
    if (slot !== undefined) this.slots[slot]!.delete(ws);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Visits one slot: pings each socket in it, or terminates it if the last ping went unanswered. */
  private tick(): void {
    const slot = this.slots[this.tickSlot]!;
    this.tickSlot = (this.tickSlot + 1) % HEARTBEAT_SLOTS;
    for (const ws of slot) {
      if (ws.isPaused) {
        this.answered.set(ws, true);
        continue;
      }
      if (this.answered.get(ws) === false) {
        slot.delete(ws);
        ws.terminate();
        continue;
      }
      this.answered.set(ws, false);
      ws.ping();
    }
  }
}
