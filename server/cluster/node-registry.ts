/**
 * Which nodes are alive and where the others reach them (`--advertise`): one Redis key per node,
 * `lifeline:node:<id>`, holding this process's instance (random, per start), the address it
 * advertises, and a beat that moves at every refresh. The key expires NODE_TTL_MS after the
 * last refresh, so a dead node's address goes with it.
 *
 * Two processes started with the same `--node-id` would share leases, presence hashes and bus
 * identity and silently undo each other's work, so a start finds out: a key held by another
 * instance whose beat still moves within NODE_STALE_CHECK_MS is a live node with that id, and the
 * start stops with a clear error; a key whose beat stands still is what a killed process left
 * behind, and is taken over at once (a node restarted after `kill -9` does not wait the TTL).
 * Every write is a compare-and-set on the instance, so the older of two never overwrites the
 * newer.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import * as z from 'zod';

/** A node's key lives this long after its last refresh, in ms. */
export const NODE_TTL_MS = 10_000;
/** Refresh period, in ms (a third of the TTL: two refreshes may fail before the key lapses). */
export const NODE_REFRESH_MS = 3_000;
/** How long a start watches a key held by another instance for a beat, in ms (> one refresh). */
export const NODE_STALE_CHECK_MS = NODE_REFRESH_MS + 1_500;
/** Longest advertised address, in characters. */
export const ADVERTISE_MAX_CHARS = 300;

const keyOf = (nodeId: string) => `lifeline:node:${nodeId}`;

const Entry = z.object({
  instance: z.string().min(1).max(64),
  url: z.string().max(ADVERTISE_MAX_CHARS).nullable(),
  beat: z.number().int().nonnegative(),
});
type Entry = z.infer<typeof Entry>;

/** Writes the entry only if the key is free or still ours (ARGV: instance, entry, ttl). */
const WRITE_IF_OURS = `local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).instance ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1`;
/** Replaces a stale entry only if it is still exactly what was read (ARGV: old, entry, ttl). */
const REPLACE_IF_SAME = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1`;
/** Deletes the key only if it is ours. */
const DELETE_IF_OURS = `local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).instance == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class DuplicateNodeError extends Error {
  constructor(nodeId: string) {
    super(
      `another running node already uses --node-id ${nodeId} on this bus: give each node a name of its own (e.g. its host name)`,
    );
  }
}

export interface NodeRegistryTimings {
  ttlMs: number;
  refreshMs: number;
  staleCheckMs: number;
}

const DEFAULT_TIMINGS: NodeRegistryTimings = {
  ttlMs: NODE_TTL_MS,
  refreshMs: NODE_REFRESH_MS,
  staleCheckMs: NODE_STALE_CHECK_MS,
};

export class NodeRegistry {
  private readonly instance = randomBytes(12).toString('base64url');
  private url: string | null = null;
  private beat = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly redis: Redis,
    readonly nodeId: string,
    private readonly timings: NodeRegistryTimings = DEFAULT_TIMINGS,
  ) {}

  /** Takes this node's id; throws DuplicateNodeError when a live process holds it. */
  async register(): Promise<void> {
    if (!(await this.write())) {
      const key = keyOf(this.nodeId);
      const seen = await this.redis.get(key);
      if (seen !== null) await new Promise((r) => setTimeout(r, this.timings.staleCheckMs));
      // Unchanged after a refresh period: a dead process's key, replaced as it was read. Changed
      // (a beat) or taken by a third start meanwhile: alive. Lapsed meanwhile: free.
      const replaced =
        seen !== null &&
        (await this.redis.eval(REPLACE_IF_SAME, 1, key, seen, this.entryText(), this.timings.ttlMs)) === 1;
      if (!replaced && !(await this.write())) throw new DuplicateNodeError(this.nodeId);
    }
    this.timer = setInterval(() => void this.write().catch(() => false), this.timings.refreshMs);
    this.timer.unref();
  }

  /** The address the other nodes reach this one at (known once it listens). */
  async advertise(url: string): Promise<void> {
    this.url = url;
    await this.write();
  }

  /** Where another node is reached, or null when it is not alive (or advertises nothing yet). */
  async addressOf(nodeId: string): Promise<string | null> {
    const text = await this.redis.get(keyOf(nodeId));
    if (text === null || text.length > 2 * ADVERTISE_MAX_CHARS) return null;
    try {
      const parsed = Entry.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.url : null;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.redis.eval(DELETE_IF_OURS, 1, keyOf(this.nodeId), this.instance).catch(() => 0);
  }

  private entryText(): string {
    const entry: Entry = { instance: this.instance, url: this.url, beat: ++this.beat };
    return JSON.stringify(entry);
  }

  private async write(): Promise<boolean> {
    const done = await this.redis.eval(
      WRITE_IF_OURS,
      1,
      keyOf(this.nodeId),
      this.instance,
      this.entryText(),
      this.timings.ttlMs,
    );
    return done === 1;
  }
}
