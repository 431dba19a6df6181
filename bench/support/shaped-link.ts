/**
 * A shaping TCP proxy for the poor-link benchmark: listens on 127.0.0.1 (port chosen by the OS),
 * forwards every accepted connection to 127.0.0.1:`targetPort`, and makes each direction behave
 * like a slow line: a FIFO bottleneck that sends at most `rateBytesPerSec` (a token bucket one
 * packet deep: each packet of up to PACKET_BYTES leaves when the previous one has finished,
 * taking size / rate), then arrives `oneWayDelayMs` later. Bytes wait in the proxy's queue (a
 * real bottleneck's buffer) and are never dropped; only above QUEUE_HIGH_WATER_BYTES does the
 * proxy stop reading from the sender (ordinary TCP backpressure, still nothing dropped).
 *
 * Each proxy instance is one link: the benchmark gives each server its own instance with the same
 * profile, so both get the same link (not a shared one). It runs in the caller's event loop;
 * deliveries are exact to the timer's resolution (~1 ms) while that loop is not busy.
 */
import net from 'node:net';

export interface LinkProfile {
  name: string;
  /** Bottleneck rate of each direction, bytes per second. */
  rateBytesPerSec: number;
  /** Fixed delay of each direction, in ms (round trip = twice this, plus serialization). */
  oneWayDelayMs: number;
}

/** Largest piece the bottleneck sends at once, in bytes (one Ethernet TCP segment), so the first
 * bytes of a big write arrive before the whole write has crossed the line. */
const PACKET_BYTES = 1448;
/** Queued bytes in one direction above which the proxy pauses its sender (never reached by a
 * sender that waits for the other side, as both servers here do). */
const QUEUE_HIGH_WATER_BYTES = 16 * 1024 * 1024;

export interface DirectionStats {
  /** Bytes delivered to the receiver. */
  bytes: number;
  /** Largest number of bytes waiting in the queue (sent into the link, not yet delivered). */
  maxQueuedBytes: number;
}

interface Packet {
  deliverAt: number;
  data: Buffer;
}

/** One direction of one connection: bottleneck queue + fixed delay, in FIFO order. */
class ShapedDirection {
  readonly stats: DirectionStats = { bytes: 0, maxQueuedBytes: 0 };
  private readonly queue: Packet[] = [];
  private head = 0;
  private queued = 0;
  /** When the bottleneck finishes the last packet given to it (performance.now() ms). */
  private lineFreeAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private paused = false;
  /** The sender has finished: end the receiver once every queued byte is delivered. */
  private ended = false;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly profile: LinkProfile,
  ) {
    from.on('data', (d: Buffer) => this.push(d));
    from.on('end', () => this.markEnded());
  }

  /**
   * The sender is done (or gone): what is in the line still arrives, then the receiver gets the
   * end. Ending at once would cut off a response whose server closes while its last bytes are
   * still queued (an HTTP server's keep-alive timeout, 5 s, is shorter than a big download's queue).
   */
  markEnded(): void {
    this.ended = true;
    this.finishIfDone();
  }

  private finishIfDone(): void {
    if (this.ended && this.head >= this.queue.length && !this.to.destroyed) this.to.end();
  }

  private push(d: Buffer): void {
    const now = performance.now();
    for (let o = 0; o < d.byteLength; o += PACKET_BYTES) {
      const data = d.subarray(o, Math.min(d.byteLength, o + PACKET_BYTES));
      this.lineFreeAt =
        Math.max(now, this.lineFreeAt) + (data.byteLength * 1000) / this.profile.rateBytesPerSec;
      this.queue.push({ deliverAt: this.lineFreeAt + this.profile.oneWayDelayMs, data });
      this.queued += data.byteLength;
    }
    this.stats.maxQueuedBytes = Math.max(this.stats.maxQueuedBytes, this.queued);
    if (this.queued > QUEUE_HIGH_WATER_BYTES && !this.paused) {
      this.paused = true;
      this.from.pause();
    }
    this.arm();
  }

  private arm(): void {
    if (this.timer !== null || this.head >= this.queue.length) return;
    const wait = this.queue[this.head]!.deliverAt - performance.now();
    this.timer = setTimeout(() => this.deliver(), Math.max(0, wait));
  }

  private deliver(): void {
    this.timer = null;
    const now = performance.now();
    const out: Buffer[] = [];
    while (this.head < this.queue.length && this.queue[this.head]!.deliverAt <= now) {
      const p = this.queue[this.head++]!;
      out.push(p.data);
      this.queued -= p.data.byteLength;
      this.stats.bytes += p.data.byteLength;
    }
    if (this.head > 1024) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (out.length > 0 && !this.to.destroyed) this.to.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    if (this.paused && this.queued <= QUEUE_HIGH_WATER_BYTES / 2) {
      this.paused = false;
      this.from.resume();
    }
    this.arm();
    this.finishIfDone();
  }

  resetPeak(): void {
    this.stats.maxQueuedBytes = this.queued;
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

export interface ShapedLink {
  /** The proxy's port on 127.0.0.1: connect here instead of the target. */
  port: number;
  profile: LinkProfile;
  /** Totals over every connection: towards the target, and back from it. */
  stats(): { toTarget: DirectionStats; fromTarget: DirectionStats };
  /** Starts the peak-queue figures over (from what is queued now). */
  resetPeak(): void;
  close(): Promise<void>;
}

function sum(a: DirectionStats, b: DirectionStats): DirectionStats {
  return { bytes: a.bytes + b.bytes, maxQueuedBytes: Math.max(a.maxQueuedBytes, b.maxQueuedBytes) };
}

/** Starts a proxy to 127.0.0.1:`targetPort` shaped by `profile`. */
export async function startShapedLink(targetPort: number, profile: LinkProfile): Promise<ShapedLink> {
  const links: { toTarget: ShapedDirection; fromTarget: ShapedDirection; sockets: net.Socket[] }[] = [];
  // Half-open both ways: each side's end travels through the line after its bytes (markEnded).
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    client.setNoDelay(true);
    const upstream = net.connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true });
    upstream.setNoDelay(true);
    const link = {
      toTarget: new ShapedDirection(client, upstream, profile),
      fromTarget: new ShapedDirection(upstream, client, profile),
      sockets: [client, upstream],
    };
    links.push(link);
    const end = () => {
      link.toTarget.stop();
      link.fromTarget.stop();
      client.destroy();
      upstream.destroy();
    };
    // The customer's side gone: nobody left to deliver to. The target's side gone: its last bytes
    // still cross the line, then the customer's side is ended.
    client.on('close', end);
    client.on('error', end);
    upstream.on('close', () => link.fromTarget.markEnded());
    upstream.on('error', () => link.fromTarget.markEnded());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as net.AddressInfo;
  const empty: DirectionStats = { bytes: 0, maxQueuedBytes: 0 };
  return {
    port: address.port,
    profile,
    stats: () => ({
      toTarget: links.map((l) => l.toTarget.stats).reduce(sum, empty),
      fromTarget: links.map((l) => l.fromTarget.stats).reduce(sum, empty),
    }),
    resetPeak() {
      for (const l of links) {
        l.toTarget.resetPeak();
        l.fromTarget.resetPeak();
      }
    },
    async close() {
      for (const l of links) {
        l.toTarget.stop();
        l.fromTarget.stop();
        for (const s of l.sockets) s.destroy();
      }
      await new Promise((r) => server.close(r));
    },
  };
}
