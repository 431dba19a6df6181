/**
 * Backpressure for the relay: never an unbounded queue. After each frame handed to a
 * destination socket, if that socket's `bufferedAmount` has passed RELAY_HIGH_WATER_BYTES, the
 * SOURCE socket stops being read (`ws.pause()`, which pauses the underlying net.Socket, so TCP
 * flow control pushes back to the sender's machine). Each completed write to the destination
 * (the `send` callback) checks again; once its buffer is under RELAY_LOW_WATER_BYTES every source
 * waiting on it resumes. A source waits for all its destinations (fan-out to several viewers
 * waits for the slowest). A destination that makes no progress at all for RELAY_STALL_MS is cut
 * (terminated: it is not reading, so a close handshake would never finish), which frees its
 * sources: one dead viewer must not freeze the helper for the others, nor make the hub's
 * heartbeat kill a healthy helper whose pongs sit unread behind the pause.
 *
 * Memory per destination stays under the high-water mark plus what was already in flight when
 * the source paused (at most one socket read and one frame, DATA_FRAME_MAX_BYTES).
 */
import type { Log } from '../log';
import { pauseReading, resumeReading } from '../ws/channels/read-pause';
import type { RelayPeer } from './relay-peer';

/** Pause sources when a destination has this much waiting to be written, in bytes. */
export const RELAY_HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** Resume them when it is back under this, in bytes. */
export const RELAY_LOW_WATER_BYTES = 1024 * 1024;
/** A destination that writes nothing for this long while others wait on it is cut, in ms. */
export const RELAY_STALL_MS = 15_000;

export interface FlowLimits {
  highWaterBytes: number;
  lowWaterBytes: number;
  stallMs: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = {
  highWaterBytes: RELAY_HIGH_WATER_BYTES,
  lowWaterBytes: RELAY_LOW_WATER_BYTES,
  stallMs: RELAY_STALL_MS,
};

export class FlowControl {
  private pausedCount = 0;

  constructor(
    private readonly limits: FlowLimits,
    private readonly log: Log,
  ) {}

  /** Sends one frame (binary) or notice (text) to `dst` on behalf of `src`, pausing `src` if `dst` is full. */
  send(src: RelayPeer, dst: RelayPeer, data: Uint8Array | string): void {
    if (!dst.conn.isOpen) return;
    dst.conn.ws.send(data, { binary: typeof data !== 'string' }, () => this.progress(dst));
    if (dst.conn.bufferedAmount >= this.limits.highWaterBytes) this.block(src, dst);
  }

  /** Peers whose reading is paused now. */
  get paused(): number {
    return this.pausedCount;
  }

  /** Forgets a peer that left: its waiters resume, it stops waiting. */
  detach(peer: RelayPeer): void {
    this.release(peer);
    for (const dst of peer.blockedOn) dst.waiters.delete(peer);
    if (peer.blockedOn.size > 0) {
      this.pausedCount--;
      resumeReading(peer.conn, 'relay');
    }
    peer.blockedOn.clear();
  }

  private block(src: RelayPeer, dst: RelayPeer): void {
    if (src.blockedOn.has(dst)) return;
    src.blockedOn.add(dst);
    dst.waiters.add(src);
    if (src.blockedOn.size === 1) {
      this.pausedCount++;
      pauseReading(src.conn, 'relay');
    }
    if (dst.stallTimer === null) this.armStall(dst, this.limits.stallMs);
  }

  private progress(dst: RelayPeer): void {
    dst.lastProgressAt = performance.now();
    if (dst.waiters.size === 0) return;
    if (dst.conn.isOpen && dst.conn.bufferedAmount > this.limits.lowWaterBytes) return;
    this.release(dst);
  }

  private release(dst: RelayPeer): void {
    if (dst.stallTimer !== null) {
      clearTimeout(dst.stallTimer);
      dst.stallTimer = null;
    }
    for (const src of dst.waiters) {
      src.blockedOn.delete(dst);
      if (src.blockedOn.size === 0) {
        this.pausedCount--;
        resumeReading(src.conn, 'relay');
      }
    }
    dst.waiters.clear();
  }

  private armStall(dst: RelayPeer, delayMs: number): void {
    dst.stallTimer = setTimeout(() => {
      dst.stallTimer = null;
      if (dst.waiters.size === 0) return;
      const idle = performance.now() - dst.lastProgressAt;
      if (idle < this.limits.stallMs) {
        this.armStall(dst, this.limits.stallMs - idle);
        return;
      }
      this.log.warn('relay_peer_stalled', {
        session: dst.sessionId,
        peer: dst.peerId,
        idleMs: Math.round(idle),
      });
      dst.conn.ws.terminate();
      this.release(dst);
    }, delayMs);
    dst.stallTimer.unref();
  }
}
