/**
 * Makes this node's live workflow one of several (`lifeline serve --bus redis://... --node-id
 * N`): what used to reach only this process's sockets reaches every node's. Agents' presence
 * goes through Redis (presence-directory.ts); pushes to an agent or to a customer's pages go out
 * on the bus to the nodes holding their sockets; a session whose queue entry or holder changes
 * here is re-read from the store by the other nodes (the store stays the truth, the bus only
 * says "look again"); a customer page that connects here ends an absence another node counts;
 * wrong passwords and join codes count on every node (shared-throttles.ts); answer deadlines are
 * kept by every node and acted on by one (deadline-gate.ts); a session that ends
 * (or leaves its agent) on one node ends its screen, share and chat parts on every node.
 * Decisions stay where they were: the store's compare-and-set (one accept wins across nodes).
 * A session's screen is carried by one node and its helper and viewers are forwarded there over
 * node links (screen-routing.ts), and so are the agent's share page and the customer's watchers to
 * the node of the session's "share my screen" room (share-routing.ts); a second process started
 * with the same node id stops at once (node-registry.ts).
 * Without `--bus` none of this exists and the one-node paths are unchanged.
 */
import type { Redis } from 'ioredis';
import type { Log } from '../log';
import type { SupportWorkflow } from '../support-workflow';
import { RedisBus } from './bus';
import { TOPICS } from './cluster-topics';
import { PresenceDirectory, type PresenceTimings } from './presence-directory';
import { connectRedis } from './redis-client';
import { shareThrottles } from './shared-throttles';
import type { LoginThrottle } from '../auth/throttle';
import type { IncomingMessage } from 'node:http';
import type { EphemeralStore } from '../store/ephemeral-store';
import type { UserRecord } from '../store/store';
import type { Channel, ForwardedClient } from '../ws/hub';
import { LINK_HEADER, LINK_PATH, LinkSigner } from './link-claims';
import { NodeRegistry, type NodeRegistryTimings } from './node-registry';
import { ScreenRouting } from './screen-routing';
import { ShareRouting } from './share-routing';
import { deadlineGate } from './deadline-gate';
import { RedisSessionLeases } from './session-leases';

export interface ClusterOptions {
  busUrl: string;
  nodeId: string;
  presence?: PresenceTimings;
  /** The join-code key every node shares: node links are signed with a key derived from it. */
  joinCodeKey: Buffer;
  /** The shared ephemeral store (download tickets' sessions are written there). */
  ephemeral: EphemeralStore;
  now: () => number;
  /** The store's accounts (a screen request passed on from another node names its agent). */
  userById(id: string): Promise<UserRecord | null>;
  /** Tests shorten the duplicate-id check. */
  registry?: NodeRegistryTimings;
}

export interface ClusterMembership {
  readonly nodeId: string;
  readonly bus: RedisBus;
  /** Commands (presence, leases); the bus publishes on it too, so both keep one order. */
  readonly redis: Redis;
  /** The channels with the helper's, viewer's, sharer's and watcher's routed to their room's node. */
  route(channels: readonly Channel[]): Channel[];
  /** What the hub accepts from other nodes: their forwarded sockets, on LINK_PATH. */
  readonly forwarded: { path: string; admit(req: IncomingMessage): ForwardedClient | null };
  /** Tells the other nodes where to reach this one (once it listens). */
  advertise(url: string): Promise<void>;
  close(): Promise<void>;
}

export async function joinCluster(
  workflow: SupportWorkflow,
  loginThrottle: LoginThrottle,
  options: ClusterOptions,
  log: Log,
): Promise<ClusterMembership> {
  const redis = connectRedis(options.busUrl, `lifeline:${options.nodeId}`);
  const sub = connectRedis(options.busUrl, `lifeline:${options.nodeId}:sub`);
  try {
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    sub.disconnect();
    throw new Error(`the bus at ${redactRedis(options.busUrl)} does not answer: ${String(err)}`);
  }
  const { nodeId } = options;
  // First: a second process with this node id must stop here, before it touches anything shared.
  const registry = new NodeRegistry(redis, nodeId, options.registry);
  try {
    await registry.register();
  } catch (err) {
    redis.disconnect();
    sub.disconnect();
    throw err;
  }
  const bus = new RedisBus(redis, sub, log);
  const { sessions } = workflow;
  const leases = new RedisSessionLeases(redis, nodeId);
  leases.onLost((sessionId) => log.warn('screen_lease_lost', { session: sessionId }));
  const signer = new LinkSigner(options.joinCodeKey);
  const routing = new ScreenRouting({
    nodeId,
    leases,
    registry,
    signer,
    screen: workflow.screen,
    sessions,
    ephemeral: options.ephemeral,
    now: options.now,
    log,
    bus,
    userById: options.userById,
  });
  workflow.screen.carryWith(routing);
  const stopRouting = routing.start();
  // "Share my screen" rooms have leases of their own: they may live apart from the screen's room.
  const shareLeases = new RedisSessionLeases(redis, nodeId, undefined, undefined, 'share-lease');
  shareLeases.onLost((sessionId) => log.warn('share_lease_lost', { session: sessionId }));
  const shareRouting = new ShareRouting({
    nodeId,
    leases: shareLeases,
    registry,
    signer,
    share: workflow.share,
    sessions,
    bus,
    log,
    now: options.now,
  });
  workflow.share.locateWith(shareRouting);
  const stopShareRouting = shareRouting.start();

  const publish = (p: Promise<void>) =>
    p.catch((err: unknown) => log.warn('bus_publish_failed', { error: String(err) }));
  const unsubscribe = [
    bus.subscribe(TOPICS.customerDelivery, (m) => {
      if (m.node !== nodeId) sessions.customers.deliver(m.sessionId, m.text);
    }),
    bus.subscribe(TOPICS.sessionChanged, (m) => {
      if (m.node !== nodeId) void sessions.changedElsewhere(m.sessionId);
    }),
    bus.subscribe(TOPICS.sessionEvent, (m) => {
      if (m.node === nodeId) return;
      if (m.kind === 'ended')
        sessions.events.emit('ended', { sessionId: m.sessionId, by: m.by, elsewhere: true });
      else
        sessions.events.emit('released', {
          sessionId: m.sessionId,
          formerAgentId: m.formerAgentId,
          elsewhere: true,
        });
    }),
    sessions.events.on('ended', ({ sessionId, by, elsewhere }) => {
      if (!elsewhere)
        publish(bus.publish(TOPICS.sessionEvent, { node: nodeId, kind: 'ended', sessionId, by }));
    }),
    sessions.events.on('released', ({ sessionId, formerAgentId, elsewhere }) => {
      if (!elsewhere)
        publish(
          bus.publish(TOPICS.sessionEvent, { node: nodeId, kind: 'released', sessionId, formerAgentId }),
        );
    }),
    bus.subscribe(TOPICS.customerBack, (m) => {
      if (m.node !== nodeId) sessions.customerBackElsewhere(m.sessionId);
    }),
  ];
  sessions.customers.mirrorTo({
    sent: (sessionId, text) =>
      publish(bus.publish(TOPICS.customerDelivery, { node: nodeId, sessionId, text })),
  });
  sessions.customers.onChange((sessionId, connected) => {
    if (connected) publish(bus.publish(TOPICS.customerBack, { node: nodeId, sessionId }));
  });
  sessions.gateDeadlinesWith(deadlineGate(redis, nodeId));
  sessions.mirrorTo((sessionId) => publish(bus.publish(TOPICS.sessionChanged, { node: nodeId, sessionId })));
  const unshare = shareThrottles(
    bus,
    nodeId,
    loginThrottle,
    workflow.screen.joinCodes,
    log,
    redis,
    options.now,
  );
  const directory = new PresenceDirectory(workflow.presence, bus, redis, nodeId, log, options.presence);
  await directory.start();
  // Subscriptions active at Redis before the node takes connections: no early push is missed.
  await bus.ready();
  log.info('cluster_joined', { node: nodeId });

  return {
    nodeId,
    bus,
    redis,
    route: (channels) => shareRouting.route(routing.route(channels)),
    forwarded: {
      path: LINK_PATH,
      admit: (req) => {
        const claims = signer.verify(req.headers[LINK_HEADER], options.now());
        if (!claims) return null;
        return {
          address: claims.address,
          ...(claims.origin ? { origin: claims.origin } : {}),
          ...(claims.userAgent ? { userAgent: claims.userAgent } : {}),
        };
      },
    },
    advertise: (url) => registry.advertise(url),
    async close() {
      for (const u of unsubscribe) u();
      stopRouting();
      stopShareRouting();
      unshare();
      await directory.close();
      await leases.close();
      await shareLeases.close();
      await registry.close();
      await bus.close();
    },
  };
}

/** A Redis URL for messages: its password is never printed. */
export function redactRedis(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'redis://?';
  }
}
