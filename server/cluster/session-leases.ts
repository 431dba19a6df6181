/**
 * Session ownership: which node carries a session's data plane (its relay room: helper and
 * viewers meet there; other nodes forward to it). One lease per session in Redis, `SET NX PX`:
 * the first node to claim it owns it, renews it while it holds the session, and gives it back
 * when the session ends; a node that dies stops renewing, so its leases lapse within
 * LEASE_TTL_MS and the next claim (the helper reconnecting to any node) takes the session over.
 * Renew and release are compare-and-set scripts: a node never extends or drops a lease that
 * has passed to another node. With one node (no Redis) every session is the node's own.
 */
import type { Redis } from 'ioredis';

/** How long a lease lasts without renewal, in ms: the longest a dead owner holds its sessions. */
export const LEASE_TTL_MS = 6_000;
/** Renewal period, in ms (a third of the TTL: two renewals may fail before the lease lapses). */
export const LEASE_RENEW_MS = 2_000;

export interface SessionLeases {
  readonly nodeId: string;
  /** Claims the session if free (or already ours); returns the owner's node id either way. */
  claim(sessionId: string): Promise<string>;
  /** The owner's node id, or null when nobody holds it. */
  owner(sessionId: string): Promise<string | null>;
  /** Gives a session back (only if still ours). */
  release(sessionId: string): Promise<void>;
  /** Sessions this node believes it holds (renewed in the background). */
  held(): readonly string[];
  /** Called with the sessions whose renewal found them owned by another node (or lapsed). */
  onLost(listener: (sessionId: string) => void): void;
  close(): Promise<void>;
}

/**
 * What a set of leases is for: `lease` the helper's screen room (screen-routing.ts), `share-lease`
 * the agent's "share my screen" room (share-routing.ts). Two rooms of one session are two data
 * planes and may live on different nodes; each set renews and releases only its own keys.
 */
export type LeaseSpace = 'lease' | 'share-lease';

/** Extends the lease only if its value is ours. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the lease only if its value is ours. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisSessionLeases implements SessionLeases {
  private readonly mine = new Set<string>();
  private readonly lostListeners: ((sessionId: string) => void)[] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly redis: Redis,
    readonly nodeId: string,
    private readonly ttlMs = LEASE_TTL_MS,
    renewMs = LEASE_RENEW_MS,
    private readonly space: LeaseSpace = 'lease',
  ) {
    this.timer = setInterval(() => void this.renewAll(), renewMs);
    this.timer.unref();
  }

  private key(sessionId: string): string {
    return `lifeline:${this.space}:${sessionId}`;
  }

  async claim(sessionId: string): Promise<string> {
    const set = await this.redis.set(this.key(sessionId), this.nodeId, 'PX', this.ttlMs, 'NX');
    if (set === 'OK') {
      this.mine.add(sessionId);
      return this.nodeId;
    }
    const owner = await this.redis.get(this.key(sessionId));
    if (owner === this.nodeId) {
      this.mine.add(sessionId);
      return owner;
    }
    // Lapsed between the SET and the GET: try once more.
    if (owner === null) return this.claim(sessionId);
    return owner;
  }

  owner(sessionId: string): Promise<string | null> {
    return this.redis.get(this.key(sessionId));
  }

  async release(sessionId: string): Promise<void> {
    this.mine.delete(sessionId);
    await this.redis.eval(RELEASE, 1, this.key(sessionId), this.nodeId);
  }

  held(): readonly string[] {
    return [...this.mine];
  }

  onLost(listener: (sessionId: string) => void): void {
    this.lostListeners.push(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    // Give the leases back at once: the sessions move to another node without waiting the TTL.
    await Promise.all([...this.mine].map((id) => this.release(id).catch(() => {})));
  }

  private async renewAll(): Promise<void> {
    if (this.mine.size === 0) return;
    const ids = [...this.mine];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.eval(RENEW, 1, this.key(id), this.nodeId, this.ttlMs);
    const results = await pipeline.exec().catch(() => null);
    if (!results) return; // Redis unreachable: try again next period (the TTL gives two more).
    results.forEach(([err, renewed], i) => {
      if (err || renewed !== 1) {
        const id = ids[i]!;
        this.mine.delete(id);
        for (const l of this.lostListeners) l(id);
      }
    });
  }
}

/** One node, no Redis: every session is this node's. */
export class LocalSessionLeases implements SessionLeases {
  private readonly mine = new Set<string>();
  constructor(readonly nodeId = 'local') {}
  async claim(sessionId: string) {
    this.mine.add(sessionId);
    return this.nodeId;
  }
  async owner(sessionId: string) {
    return this.mine.has(sessionId) ? this.nodeId : null;
  }
  async release(sessionId: string) {
    this.mine.delete(sessionId);
  }
  held() {
    return [...this.mine];
  }
  onLost() {}
  async close() {}
}
