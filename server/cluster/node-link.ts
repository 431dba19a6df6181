/**
 * The node-to-node link of the data plane: when a helper or viewer reaches a node that does not
 * own its session (session-leases.ts), that node opens a WebSocket of its own to the owner node
 * and pipes the client's messages both ways, as they are (text and binary kept apart, in order).
 * Screen and file frames so go node to node, never through Redis, with the relay's own
 * backpressure rules (flow-control.ts): when either side's outgoing buffer passes the high-water
 * mark, the other side stops being read (TCP pushes back to its sender) until the buffer is
 * under the low-water mark; a side that writes nothing for the stall time while the other waits
 * is cut. Either side closing closes the other with the same code, so the client sees the owner
 * node's close (and reconnects the way it would to a single node).
 */
import type { RawData, WebSocket } from 'ws';
import { DEFAULT_FLOW_LIMITS, type FlowLimits } from '../relay/flow-control';

/** Close codes a WebSocket may send on (1005, 1006 and 1015 are reserved for reporting). */
export function sendableCode(code: number): number {
  return code === 1000 ||
    (code >= 1001 && code <= 1014 && ![1004, 1005, 1006].includes(code)) ||
    (code >= 3000 && code <= 4999)
    ? code
    : 1011;
}

/** What a flow pauses and resumes: the socket (or the hub connection) its messages come from. */
export interface FlowSource {
  pause(): void;
  resume(): void;
}

/**
 * One direction of a link: sends to `dst`, pauses the source once `dst` has the high-water mark
 * waiting, resumes it under the low-water mark, and terminates `dst` when it writes nothing for
 * the stall time while the source waits (a close handshake with it would never finish).
 */
export class OneWayFlow {
  private waiting = false;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  private lastProgress = performance.now();

  constructor(
    private readonly src: FlowSource,
    private readonly dst: WebSocket,
    private readonly limits: FlowLimits,
    private readonly onPause: () => void = () => {},
  ) {}

  send(data: RawData | string, isBinary: boolean): void {
    this.dst.send(data, { binary: isBinary }, () => {
      this.lastProgress = performance.now();
      if (this.waiting && this.dst.bufferedAmount <= this.limits.lowWaterBytes) this.resume();
    });
    if (!this.waiting && this.dst.bufferedAmount >= this.limits.highWaterBytes) {
      this.waiting = true;
      this.onPause();
      this.src.pause();
      this.armStall(this.limits.stallMs);
    }
  }

  stop(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  private resume(): void {
    if (!this.waiting) return;
    this.waiting = false;
    this.stop();
    this.src.resume();
  }

  private armStall(delay: number): void {
    this.stallTimer = setTimeout(() => {
      const idle = performance.now() - this.lastProgress;
      if (idle < this.limits.stallMs) return this.armStall(this.limits.stallMs - idle);
      this.dst.terminate();
    }, delay);
    this.stallTimer.unref();
  }
}

export interface LinkStats {
  /** Times either side was paused because the other's buffer was full. */
  pauses: number;
  /** Messages forwarded client -> owner, owner -> client. */
  up: number;
  down: number;
}

/**
 * Pipes `client` <-> `owner` until either closes. Both sockets must be open. Returns live counters.
 */
export function pipeSockets(
  client: WebSocket,
  owner: WebSocket,
  limits: FlowLimits = DEFAULT_FLOW_LIMITS,
): LinkStats {
  const stats: LinkStats = { pauses: 0, up: 0, down: 0 };
  let closed = false;

  const direction = (src: WebSocket, dst: WebSocket, count: 'up' | 'down') => {
    const flow = new OneWayFlow(
      { pause: () => src.pause(), resume: () => src.readyState === src.OPEN && src.resume() },
      dst,
      limits,
      () => stats.pauses++,
    );
    src.on('message', (data: RawData, isBinary: boolean) => {
      if (dst.readyState !== dst.OPEN) return;
      stats[count]++;
      flow.send(data, isBinary);
    });
    return flow;
  };

  const up = direction(client, owner, 'up');
  const down = direction(owner, client, 'down');
  const closeOther = (other: WebSocket) => (code: number, reason: Buffer) => {
    if (closed) return;
    closed = true;
    up.stop();
    down.stop();
    if (other.readyState === other.OPEN || other.readyState === other.CONNECTING)
      other.close(sendableCode(code), reason);
  };
  client.once('close', closeOther(owner));
  owner.once('close', closeOther(client));
  client.on('error', () => {});
  owner.on('error', () => {});
  return stats;
}
