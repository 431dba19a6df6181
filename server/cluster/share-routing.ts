/**
 * "Share my screen" across nodes: a session's share room (share/share-service.ts) lives on one
 * node, the one holding the session's share lease (session-leases.ts, space `share-lease`, apart
 * from the helper's screen lease: the two rooms are two data planes). The agent's share page and
 * the customer's watcher pages reach it wherever the load balancer put them: a `share.hello` is
 * read for the session it names, a `share.watch` for its request token's session (nothing spent,
 * nothing written), and the socket is forwarded to the room's node over a node link
 * (node-link-session.ts), which authenticates and admits it there. A share page reaching a node
 * while nobody holds the lease opens the room there and claims the lease once admitted; the room
 * ending gives the lease back. A second share page reaching another node is forwarded to the
 * room's node, where it replaces the first as on one node.
 *
 * A customer page connecting on a node without the room asks the room's node, on the bus, to
 * tell the session's pages again that the agent is sharing (`share.status` reaches every node's
 * pages through the customer deliveries; it is a state, so pages that knew keep it).
 */
import { SharerToServer, WatcherToServer } from '../../protocol/share/share-channel';
import type { Log } from '../log';
import type { SessionService } from '../session/session-service';
import type { ShareLocator, ShareService } from '../share/share-service';
import { parseHello } from '../ws/channels/hello';
import type { Channel } from '../ws/hub';
import type { Bus } from './bus';
import { TOPICS } from './cluster-topics';
import type { LinkSigner } from './link-claims';
import type { NodeRegistry } from './node-registry';
import { routeToOwner } from './route-to-owner';
import type { SessionLeases } from './session-leases';

export interface ShareRoutingDeps {
  nodeId: string;
  /** The share rooms' leases (space `share-lease`). */
  leases: SessionLeases;
  registry: NodeRegistry;
  signer: LinkSigner;
  share: ShareService;
  sessions: SessionService;
  bus: Bus;
  log: Log;
  now: () => number;
}

export class ShareRouting implements ShareLocator {
  constructor(private readonly deps: ShareRoutingDeps) {}

  /** Greets the pages other nodes ask about. */
  start(): () => void {
    const { bus, nodeId, share } = this.deps;
    return bus.subscribe(TOPICS.shareGreet, (m) => {
      if (m.to === nodeId) share.greetEverywhere(m.sessionId);
    });
  }

  /** The channels, with the sharer's and the watcher's routed to the node of their share room. */
  route(channels: readonly Channel[]): Channel[] {
    const SESSION_OF: Record<string, (text: string) => Promise<string | null>> = {
      sharer: async (text) => parseHello(SharerToServer, text, 'share.hello').sessionId,
      watcher: async (text) => {
        const { requestToken } = parseHello(WatcherToServer, text, 'share.watch');
        return (await this.deps.sessions.byRequestToken(requestToken)).id;
      },
    };
    return channels.map((ch) => {
      const sessionOf = SESSION_OF[ch.name];
      return sessionOf ? routeToOwner(ch, sessionOf, this.deps) : ch;
    });
  }

  ended(sessionId: string): void {
    this.deps.leases
      .release(sessionId)
      .catch((err: unknown) => this.deps.log.warn('lease_release_failed', { error: String(err) }));
  }

  greetElsewhere(sessionId: string): void {
    const { leases, bus, nodeId, log } = this.deps;
    void (async () => {
      const owner = await leases.owner(sessionId);
      if (owner === null || owner === nodeId) return;
      await bus.publish(TOPICS.shareGreet, { node: nodeId, to: owner, sessionId });
    })().catch((err: unknown) => log.warn('share_greet_failed', { error: String(err) }));
  }
}
