/**
 * Agents' presence across nodes, in Redis: each node keeps its own agents' states in a hash
 * `lifeline:presence:<node>` (userId -> status) that expires PRESENCE_TTL_MS after the node's
 * last refresh, so a node that dies (kill -9) drops out of everyone's view within that time
 * without anyone having to notice it died. Changes also go out at once on the bus; every
 * PRESENCE_REFRESH_MS each node rewrites its hash and re-reads the others' (which also mends a
 * bus message missed during a Redis hiccup). An agent is available when available on any node.
 *
 * It is the PresenceMirror of this node's Presence: it carries pushes to the agent's sockets on
 * other nodes and a status chosen here to the other nodes' sockets.
 */
import type { Redis } from 'ioredis';
import type * as z from 'zod';
import type { AgentStatus } from '../../protocol/common';
import type { Log } from '../log';
import type { Presence, PresenceMirror, PresenceState } from '../presence/presence';
import type { Bus } from './bus';
import { TOPICS } from './cluster-topics';

/** A node's presence hash lives this long after its last refresh, in ms. */
export const PRESENCE_TTL_MS = 15_000;
/** How often a node rewrites its hash and re-reads the others', in ms. */
export const PRESENCE_REFRESH_MS = 5_000;
/** Keys SCAN returns per round trip. */
const SCAN_COUNT = 100;

const KEY_PREFIX = 'lifeline:presence:';

type AgentState = z.infer<typeof TOPICS.agentState.schema>;
const keyOf = (node: string) => KEY_PREFIX + node;

export interface PresenceTimings {
  presenceTtlMs: number;
  presenceRefreshMs: number;
}

export class PresenceDirectory implements PresenceMirror {
  /** Other nodes' agents: node -> userId -> status. */
  private readonly nodes = new Map<string, Map<string, AgentStatus>>();
  private readonly unsubscribe: (() => void)[] = [];
  /**
   * States heard on the bus while a refresh reads Redis, in order (null: no refresh running).
   * They may be newer than what the refresh read, so they are applied again over its result:
   * without that, an agent who connected while a refresh was reading stayed offline in this
   * node's view until the next refresh, and missed what this node sent them meanwhile.
   */
  private heardDuringRefresh: AgentState[] | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly presence: Presence,
    private readonly bus: Bus,
    private readonly redis: Redis,
    private readonly nodeId: string,
    private readonly log: Log,
    private readonly timings: PresenceTimings = {
      presenceTtlMs: PRESENCE_TTL_MS,
      presenceRefreshMs: PRESENCE_REFRESH_MS,
    },
  ) {}

  /** Subscribes, reads the other nodes' agents once, and keeps refreshing. */
  async start(): Promise<void> {
    this.unsubscribe.push(
      this.bus.subscribe(TOPICS.agentState, (m) => {
        if (m.node === this.nodeId) return;
        this.heardDuringRefresh?.push(m);
        this.apply(m);
        this.recompute(m.userId);
      }),
      this.bus.subscribe(TOPICS.agentChose, (m) => {
        if (m.node !== this.nodeId) this.presence.choseElsewhere(m.userId, m.status);
      }),
      this.bus.subscribe(TOPICS.agentDelivery, (m) => {
        if (m.node !== this.nodeId) this.presence.deliver(m.userId, m.text);
      }),
    );
    this.presence.mirrorTo(this);
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) =>
        this.log.warn('presence_refresh_failed', { error: String(err) }),
      );
    }, this.timings.presenceRefreshMs);
    this.timer.unref();
  }

  changed(userId: string, state: PresenceState): void {
    const write = state === null ? this.redis.hdel(keyOf(this.nodeId), userId) : this.writeOne(userId, state);
    write.catch((err: unknown) => this.log.warn('presence_write_failed', { error: String(err) }));
    this.publish(this.bus.publish(TOPICS.agentState, { node: this.nodeId, userId, state }));
  }

  chose(userId: string, status: AgentStatus): void {
    this.publish(this.bus.publish(TOPICS.agentChose, { node: this.nodeId, userId, status }));
  }

  sent(userId: string, text: string): void {
    this.publish(this.bus.publish(TOPICS.agentDelivery, { node: this.nodeId, userId, text }));
  }

  /** Stops refreshing and takes this node's agents out at once (a clean stop). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    const agents = [...this.presence.localStates().keys()];
    await this.redis.del(keyOf(this.nodeId)).catch(() => {});
    await Promise.all(
      agents.map((userId) =>
        this.bus.publish(TOPICS.agentState, { node: this.nodeId, userId, state: null }).catch(() => {}),
      ),
    );
  }

  private async writeOne(userId: string, state: AgentStatus): Promise<void> {
    await this.redis
      .multi()
      .hset(keyOf(this.nodeId), userId, state)
      .pexpire(keyOf(this.nodeId), this.timings.presenceTtlMs)
      .exec();
  }

  /** One node's state of one agent, into the view. */
  private apply(m: AgentState): void {
    let agents = this.nodes.get(m.node);
    if (!agents) this.nodes.set(m.node, (agents = new Map()));
    if (m.state === null) agents.delete(m.userId);
    else agents.set(m.userId, m.state);
  }

  /**
   * Rewrites this node's hash, then rebuilds the view of the others from theirs. One at a time:
   * a tick that finds the last one still reading skips (the next tick reads again).
   */
  private async refresh(): Promise<void> {
    if (this.heardDuringRefresh) return;
    this.heardDuringRefresh = [];
    try {
      await this.readAll();
    } finally {
      this.heardDuringRefresh = null;
    }
  }

  private async readAll(): Promise<void> {
    const mine = this.presence.localStates();
    const own = keyOf(this.nodeId);
    const multi = this.redis.multi().del(own);
    if (mine.size > 0) multi.hset(own, Object.fromEntries(mine)).pexpire(own, this.timings.presenceTtlMs);
    await multi.exec();

    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${KEY_PREFIX}*`, 'COUNT', SCAN_COUNT);
      keys.push(...found.filter((k) => k !== own));
      cursor = next;
    } while (cursor !== '0');
    const fresh = new Map<string, Map<string, AgentStatus>>();
    for (const key of keys) {
      const agents = new Map<string, AgentStatus>();
      for (const [userId, status] of Object.entries(await this.redis.hgetall(key))) {
        if (status === 'available' || status === 'busy') agents.set(userId, status);
      }
      fresh.set(key.slice(KEY_PREFIX.length), agents);
    }
    const users = new Set(this.presence.remoteUsers());
    for (const agents of fresh.values()) for (const id of agents.keys()) users.add(id);
    this.nodes.clear();
    for (const [node, agents] of fresh) this.nodes.set(node, agents);
    for (const m of this.heardDuringRefresh ?? []) {
      this.apply(m);
      users.add(m.userId);
    }
    for (const id of users) this.recompute(id);
  }

  /** The agent's state over the other nodes: available on any, else busy on any, else offline. */
  private recompute(userId: string): void {
    let state: PresenceState = null;
    for (const agents of this.nodes.values()) {
      const s = agents.get(userId);
      if (s === 'available') state = 'available';
      else if (s === 'busy' && state === null) state = 'busy';
    }
    this.presence.setRemote(userId, state);
  }

  private publish(p: Promise<void>): void {
    p.catch((err: unknown) => this.log.warn('bus_publish_failed', { error: String(err) }));
  }
}
