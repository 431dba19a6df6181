/**
 * "Share my screen": an agent shows their own screen (or a window) to the customer of a session
 * they hold, view only. Each session has at most one share room, a data plane of its own (a
 * second Relay, apart from the helper's): the agent's share page is its sharer (peer 1), the
 * customer's support pages are its watchers (peers 2 and up, at most MAX_VIEWERS_PER_SESSION).
 *
 *   share.hello (agent token, session) -> feature and session checked -> room opened,
 *     the customer's pages told `share.status active` -> they connect with share.watch
 *   share.stop, the share page closing, the session ending or being transferred away
 *     -> watchers told (`share.stopped` / `session.ended`) and closed, pages told `active: false`
 *
 * The feature is checked here, on the server, whatever the extension shows: an agent without
 * `shareMyScreen` is refused with `feature_disabled`. A second share.hello for the same session
 * (the agent opened the share page again) replaces the first: its watchers are closed and come
 * back to the new sharer, with new keys. Nothing here outlives the sockets: no grace period (the
 * agent simply shares again) and nothing is stored but the audit entries.
 */
import type { ServerToCustomer } from '../../protocol/customer-channel';
import { NO_GRANTS, type Features, type Grants } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import type { ServerToSharer, ServerToWatcher } from '../../protocol/share/share-channel';
import type { ServerContext } from '../context';
import { DEFAULT_FLOW_LIMITS, type FlowLimits } from '../relay/flow-control';
import { Relay } from '../relay/relay';
import type { RelayPeer } from '../relay/relay-peer';
import type { SessionEndedBy } from '../session/session-events';
import type { SessionService } from '../session/session-service';
import type { UserRecord } from '../store/store';
import { CLOSE, type Connection } from '../ws/connection';
import { sendToSharer, sendToWatcher } from '../ws/channels/share-send';

/**
 * The relay's consent check is the helper's (frame-grants.ts); in a share room nothing needs the
 * customer's consent (they only receive the agent's picture), and the channels each side may use
 * are checked before the relay (relay/share-frame-policy.ts). `view` lets screen frames through.
 */
const SHARE_ROOM_GRANTS: Grants = { ...NO_GRANTS, view: true };
/** A watcher is a customer, with no agent features: the relay refuses input and files on its own too. */
const WATCHER_FEATURES: Features = {
  screenView: false,
  screenControl: false,
  fileTransfer: false,
  shareMyScreen: false,
  transfer: false,
  clipboard: false,
  reboot: false,
  multiChat: false,
};

export type ShareWelcome = Extract<ServerToSharer, { type: 'share.welcome' }>;
export type WatchWelcome = Extract<ServerToWatcher, { type: 'share.watching' }>;

interface ShareRoom {
  readonly sessionId: string;
  readonly sharer: RelayPeer;
  readonly agentId: string;
  readonly agentName: string;
  readonly watchers: Set<RelayPeer>;
}

type StopReason = 'stopped' | 'replaced' | 'transferred' | 'closed';

/**
 * Several nodes (cluster/share-routing.ts): a session's share room lives on one node, and the
 * others forward its sharer and watchers there. The service tells where rooms end (the node lets
 * the session's share go), and asks it to greet a customer page whose room lives elsewhere.
 */
export interface ShareLocator {
  /** This node's room of the session ended (not replaced): another node may hold the next one. */
  ended(sessionId: string): void;
  /** A customer page arrived here while no room of its session is here: the room's node greets it. */
  greetElsewhere(sessionId: string): void;
}

export class ShareService {
  readonly relay: Relay;
  private readonly rooms = new Map<string, ShareRoom>();
  private locator: ShareLocator | null = null;

  constructor(
    private readonly ctx: ServerContext,
    private readonly sessions: SessionService,
    flowLimits: FlowLimits = DEFAULT_FLOW_LIMITS,
  ) {
    this.relay = new Relay(
      { grantsOf: () => SHARE_ROOM_GRANTS, onScreenFrame: () => undefined },
      ctx.log,
      flowLimits,
    );
    sessions.events.on('ended', ({ sessionId, by }) => this.onSessionEnded(sessionId, by));
    sessions.events.on('released', ({ sessionId, formerAgentId }) => {
      const room = this.rooms.get(sessionId);
      if (room && room.agentId === formerAgentId) this.end(room, 'transferred');
    });
  }

  /** Several nodes: rooms are found across them (cluster/share-routing.ts). */
  locateWith(locator: ShareLocator): void {
    this.locator = locator;
  }

  /** The agent's share page opens the room. Throws ProtocolError to refuse. */
  async startSharing(
    user: UserRecord,
    sessionId: string,
    conn: Connection,
  ): Promise<{ peer: RelayPeer; welcome: ShareWelcome }> {
    if (!user.features.shareMyScreen) {
      throw new ProtocolError(
        'feature_disabled',
        'share my screen is not enabled for your account; ask your manager',
      );
    }
    const s = await this.sessions.held(user, sessionId);
    const old = this.rooms.get(sessionId);
    if (old) this.end(old, 'replaced');
    const peer = this.relay.attachHelper(sessionId, conn);
    const room: ShareRoom = {
      sessionId,
      sharer: peer,
      agentId: user.id,
      agentName: user.name,
      watchers: new Set(),
    };
    this.rooms.set(sessionId, room);
    this.tellCustomer(sessionId, { type: 'share.status', active: true, agentName: user.name });
    await this.ctx.audit({ actor: user.id, action: 'share.start', target: sessionId, address: conn.address });
    return {
      peer,
      welcome: { type: 'share.welcome', sessionId, peerId: 1, customerName: s.customerName },
    };
  }

  /** The agent pressed stop: watchers are told, then the sharer's socket closes. */
  stop(peer: RelayPeer): void {
    const room = this.rooms.get(peer.sessionId);
    if (!room || room.sharer !== peer) {
      throw new ProtocolError('not_in_session', 'this share page is no longer sharing');
    }
    this.end(room, 'stopped');
    peer.conn.close(CLOSE.normal, 'sharing stopped');
  }

  sharerClosed(peer: RelayPeer): void {
    const room = this.rooms.get(peer.sessionId);
    if (room && room.sharer === peer) this.end(room, 'closed');
    else this.relay.remove(peer);
  }

  /** A customer's page comes to watch, with its request token. Throws ProtocolError to refuse. */
  async watch(requestToken: string, conn: Connection): Promise<{ peer: RelayPeer; welcome: WatchWelcome }> {
    const s = await this.sessions.byRequestToken(requestToken);
    if (s.state === 'ended') throw new ProtocolError('session_ended', 'this support session has ended');
    const room = this.rooms.get(s.id);
    if (!room) throw new ProtocolError('illegal_transition', 'your agent is not sharing their screen now');
    const peer = this.relay.addViewer(s.id, conn, WATCHER_FEATURES);
    if (!peer)
      throw new ProtocolError('unavailable', 'this shared screen has as many watchers as it can take');
    room.watchers.add(peer);
    sendToSharer(room.sharer.conn, { type: 'watcher.joined', peer: { peerId: peer.peerId } });
    return {
      peer,
      welcome: { type: 'share.watching', sessionId: s.id, peerId: peer.peerId, agentName: room.agentName },
    };
  }

  watcherClosed(peer: RelayPeer): void {
    this.relay.remove(peer);
    const room = this.rooms.get(peer.sessionId);
    if (!room || !room.watchers.delete(peer)) return;
    sendToSharer(room.sharer.conn, { type: 'watcher.left', peerId: peer.peerId });
  }

  /** After a customer's welcome: a share in progress is announced to that page. */
  greetCustomer(sessionId: string, conn: Connection): void {
    const room = this.rooms.get(sessionId);
    if (!room) {
      this.locator?.greetElsewhere(sessionId);
      return;
    }
    const status: ServerToCustomer = { type: 'share.status', active: true, agentName: room.agentName };
    conn.send(status);
  }

  /**
   * Another node's customer page arrived while this node holds the room: every page of the
   * session hears the share again (share.status is a state, so pages that knew keep it).
   */
  greetEverywhere(sessionId: string): void {
    const room = this.rooms.get(sessionId);
    if (room) this.tellCustomer(sessionId, { type: 'share.status', active: true, agentName: room.agentName });
  }

  isSharing(sessionId: string): boolean {
    return this.rooms.has(sessionId);
  }

  stats(): { rooms: number; watchers: number } {
    let watchers = 0;
    for (const room of this.rooms.values()) watchers += room.watchers.size;
    return { rooms: this.rooms.size, watchers };
  }

  // ------------------------------------------------------------------ internals

  private end(room: ShareRoom, reason: StopReason): void {
    if (this.rooms.get(room.sessionId) !== room) return;
    this.rooms.delete(room.sessionId);
    this.relay.remove(room.sharer);
    for (const peer of room.watchers) {
      sendToWatcher(peer.conn, { type: 'share.stopped' });
      peer.conn.close(CLOSE.normal, 'the agent stopped sharing');
      this.relay.remove(peer);
    }
    room.watchers.clear();
    if (reason === 'replaced') {
      room.sharer.conn.error('not_in_session', 'this session is now shared from another share page');
      room.sharer.conn.close(CLOSE.replaced, 'shared from another page');
    }
    if (reason === 'transferred') {
      room.sharer.conn.error('not_in_session', 'the session was transferred; sharing stops');
      room.sharer.conn.close(CLOSE.normal, 'session transferred');
    }
    this.tellCustomer(room.sessionId, { type: 'share.status', active: false });
    // Replaced: the new room of this session is already here, under the same lease.
    if (reason !== 'replaced') this.locator?.ended(room.sessionId);
    this.ctx
      .audit({ actor: room.agentId, action: 'share.stop', target: room.sessionId, details: { reason } })
      .catch((err: unknown) => this.ctx.log.error('share_audit_failed', { error: String(err) }));
  }

  private onSessionEnded(sessionId: string, by: SessionEndedBy): void {
    const room = this.rooms.get(sessionId);
    if (!room) return;
    this.rooms.delete(sessionId);
    const ended = { type: 'session.ended', by } as const;
    for (const peer of [room.sharer, ...room.watchers]) {
      if (peer === room.sharer) sendToSharer(peer.conn, ended);
      else sendToWatcher(peer.conn, ended);
      peer.conn.close(CLOSE.sessionEnded, 'the support session has ended');
      this.relay.remove(peer);
    }
    room.watchers.clear();
    this.locator?.ended(sessionId);
  }

  private tellCustomer(sessionId: string, message: ServerToCustomer): void {
    this.sessions.customers.send(sessionId, message);
  }
}
