/**
 * The heartbeat pings every socket once per interval, a slot at a time (never all sockets in one
 * turn of the event loop), terminates a socket that did not answer its previous ping, and skips
 * sockets the relay paused. Driven with fake timers and stand-in sockets: what is under test is
 * the schedule, not ws.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { Heartbeat, HEARTBEAT_SLOTS } from '../../../server/ws/heartbeat';

const INTERVAL_MS = 8_000;
const TICK_MS = INTERVAL_MS / HEARTBEAT_SLOTS;

class StandInSocket extends EventEmitter {
  pings: number[] = [];
  terminated = false;
  isPaused = false;
  answers = true;
  ping() {
    this.pings.push(Date.now());
    if (this.answers) queueMicrotask(() => this.emit('pong'));
  }
  terminate() {
    this.terminated = true;
    this.emit('close');
  }
}

describe('heartbeat', () => {
  let heartbeat: Heartbeat;
  beforeEach(() => {
    vi.useFakeTimers();
    heartbeat = new Heartbeat(INTERVAL_MS);
  });
  afterEach(() => {
    heartbeat.stop();
    vi.useRealTimers();
  });

  const connect = (n: number) =>
    Array.from({ length: n }, () => {
      const s = new StandInSocket();
      heartbeat.add(s as unknown as WebSocket);
      return s;
    });

  it('pings each socket once per interval, spread over the interval', async () => {
    const sockets = connect(HEARTBEAT_SLOTS * 3);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 2);
    for (const s of sockets) expect(s.pings).toHaveLength(2);
    // Pings per tick: never more than the sockets of one slot.
    const perInstant = new Map<number, number>();
    for (const s of sockets) for (const t of s.pings) perInstant.set(t, (perInstant.get(t) ?? 0) + 1);
    expect(Math.max(...perInstant.values())).toBe(3);
    expect(perInstant.size).toBe(HEARTBEAT_SLOTS * 2);
    expect(sockets.some((s) => s.terminated)).toBe(false);
  });

  it('terminates a socket that missed a ping, and only that one', async () => {
    const [silent, fine] = connect(2);
    silent!.answers = false;
    // Its slot comes round at TICK_MS (ping) and again at TICK_MS + INTERVAL_MS (no answer: cut).
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(silent!.pings).toHaveLength(1);
    expect(silent!.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(TICK_MS);
    expect(silent!.terminated).toBe(true);
    expect(fine!.terminated).toBe(false);
    const pingsBefore = silent!.pings.length;
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 2);
    expect(silent!.pings).toHaveLength(pingsBefore);
  });

  it('skips a paused socket instead of killing it, and forgets closed sockets', async () => {
    const [paused, closed] = connect(2);
    paused!.isPaused = true;
    paused!.answers = false;
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 3);
    expect(paused!.terminated).toBe(false);
    expect(paused!.pings).toHaveLength(0);
    closed!.emit('close');
    const before = closed!.pings.length;
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 2);
    expect(closed!.pings).toHaveLength(before);
  });
});
