/**
 * The data plane: binary frames between the helper (peer 1) and the viewers (peers 2..) of one
 * session, routed by the 8-byte header of protocol/frame.ts. The relay reads the header only:
 * the payload is end-to-end ciphertext. It stamps `from` with the sender's real peer id (a client
 * cannot speak for another), checks the channel against a viewer's features (frame-features.ts:
 * its agent's manager may not have enabled control) and the customer's grants (frame-grants.ts),
 * and forwards: viewer -> helper, helper -> one viewer or all viewers. A frame it cannot deliver
 * (unknown `to`, malformed header, feature off, missing consent) is dropped WITH an error notice
 * to its sender, never silently. Backpressure is flow-control.ts.
 */
import type { Features, Grants } from '../../protocol/common';
import type { ErrorCode } from '../../protocol/errors';
import {
  DataChannel,
  parseFrame,
  PEER_ALL_VIEWERS,
  PEER_FIRST_VIEWER,
  PEER_HELPER,
  PEER_MAX,
  stampFrom,
} from '../../protocol/frame';
import type { Log } from '../log';
import type { Connection } from '../ws/connection';
import { DEFAULT_FLOW_LIMITS, FlowControl, type FlowLimits } from './flow-control';
import { FEATURE_WORDS, featureFor } from './frame-features';
import { grantFor } from './frame-grants';
import { RelayPeer } from './relay-peer';

/** Viewers one session may have at once (agents watching together). */
export const MAX_VIEWERS_PER_SESSION = 16;

export interface RelayHooks {
  /** The customer's current grants for the session. */
  grantsOf(sessionId: string): Grants;
  /** Called on the first screen frame the helper sends after consent (screen state `streaming`). */
  onScreenFrame(sessionId: string): void;
}

class Room {
  helper: RelayPeer | null = null;
  readonly viewers = new Map<number, RelayPeer>();
  private nextViewerId = PEER_FIRST_VIEWER;

  constructor(readonly sessionId: string) {}

  allocateViewerId(): number | null {
    for (let tries = 0; tries <= PEER_MAX - PEER_FIRST_VIEWER; tries++) {
      const id = this.nextViewerId;
      this.nextViewerId = id >= PEER_MAX ? PEER_FIRST_VIEWER : id + 1;
      if (!this.viewers.has(id)) return id;
    }
    return null;
  }

  get empty(): boolean {
    return this.helper === null && this.viewers.size === 0;
  }
}

const NOTICE_NAMES: Record<string, string> = {
  frame_too_short: 'frame shorter than its 8-byte header',
  frame_too_large: 'frame larger than the data-plane limit',
  bad_version: 'unknown frame version',
  bad_channel: 'unknown data channel',
  bad_peer: 'destination peer 0 does not exist',
};

export class Relay {
  private readonly rooms = new Map<string, Room>();
  readonly flow: FlowControl;
  private framesForwarded = 0;
  private framesRefused = 0;

  constructor(
    private readonly hooks: RelayHooks,
    private readonly log: Log,
    limits: FlowLimits = DEFAULT_FLOW_LIMITS,
  ) {
    this.flow = new FlowControl(limits, log);
  }

  /** Makes `conn` the session's helper (peer 1); a previous helper socket is dropped from the plane. */
  attachHelper(sessionId: string, conn: Connection): RelayPeer {
    const room = this.room(sessionId);
    if (room.helper) this.remove(room.helper);
    const peer = new RelayPeer(conn, sessionId, PEER_HELPER, 'helper');
    room.helper = peer;
    return peer;
  }

  /**
   * Adds a viewer whose agent has `features` (read at its hello); null when the session already
   * has MAX_VIEWERS_PER_SESSION.
   */
  addViewer(sessionId: string, conn: Connection, features: Features): RelayPeer | null {
    const room = this.room(sessionId);
    if (room.viewers.size >= MAX_VIEWERS_PER_SESSION) return null;
    const id = room.allocateViewerId();
    if (id === null) return null;
    const peer = new RelayPeer(conn, sessionId, id, 'viewer', { ...features });
    room.viewers.set(id, peer);
    return peer;
  }

  remove(peer: RelayPeer): void {
    if (peer.removed) return;
    peer.removed = true;
    this.flow.detach(peer);
    const room = this.rooms.get(peer.sessionId);
    if (!room) return;
    if (peer.role === 'helper' && room.helper === peer) room.helper = null;
    if (peer.role === 'viewer' && room.viewers.get(peer.peerId) === peer) room.viewers.delete(peer.peerId);
    if (room.empty) this.rooms.delete(peer.sessionId);
  }

  helperOf(sessionId: string): RelayPeer | null {
    return this.rooms.get(sessionId)?.helper ?? null;
  }

  viewersOf(sessionId: string): RelayPeer[] {
    return [...(this.rooms.get(sessionId)?.viewers.values() ?? [])];
  }

  /** Routes one binary message from `src`. `data` is the socket's own buffer: stamped in place, never copied. */
  forward(src: RelayPeer, data: Uint8Array): void {
    if (src.removed) return;
    const parsed = parseFrame(data);
    if (!parsed.ok) {
      this.refuse(src, 'invalid_message', `frame dropped: ${NOTICE_NAMES[parsed.error] ?? parsed.error}`, {
        frameError: parsed.error,
      });
      return;
    }
    const { channel, to } = parsed.header;
    const room = this.rooms.get(src.sessionId);
    // The agent's account first: a manager's "off" holds whatever the customer granted.
    const feature = src.role === 'viewer' ? featureFor(channel) : null;
    if (feature !== null && src.features?.[feature] !== true) {
      this.refuse(
        src,
        'feature_disabled',
        `frame dropped: your manager has not enabled ${FEATURE_WORDS[feature]} for your account`,
        { channel, to, feature },
      );
      return;
    }
    const grant = grantFor(channel);
    if (grant !== null && !this.hooks.grantsOf(src.sessionId)[grant]) {
      this.refuse(src, 'consent_required', `frame dropped: the customer has not granted ${grant}`, {
        channel,
        to,
      });
      return;
    }
    stampFrom(data, src.peerId);
    if (src.role === 'viewer') {
      const helper = room?.helper;
      if (to !== PEER_HELPER || !helper) {
        this.refuse(
          src,
          'peer_not_found',
          to === PEER_HELPER
            ? 'frame dropped: the helper is not connected'
            : `frame dropped: viewers send to the helper (peer 1) only`,
          { to, channel },
        );
        return;
      }
      this.deliver(src, helper, data);
      return;
    }
    // From the helper: one viewer, or all of them.
    if (to === PEER_ALL_VIEWERS) {
      const viewers = room ? [...room.viewers.values()] : [];
      if (viewers.length === 0) {
        this.refuse(src, 'peer_not_found', 'frame dropped: no viewer is connected', { to, channel });
        return;
      }
      if (channel === DataChannel.screen) this.hooks.onScreenFrame(src.sessionId);
      for (const v of viewers) this.deliver(src, v, data);
      return;
    }
    const viewer = room?.viewers.get(to);
    if (!viewer) {
      this.refuse(src, 'peer_not_found', `frame dropped: no peer ${to} in this session`, { to, channel });
      return;
    }
    if (channel === DataChannel.screen) this.hooks.onScreenFrame(src.sessionId);
    this.deliver(src, viewer, data);
  }

  stats(): { rooms: number; peers: number; paused: number; forwarded: number; refused: number } {
    let peers = 0;
    for (const room of this.rooms.values()) peers += room.viewers.size + (room.helper ? 1 : 0);
    return {
      rooms: this.rooms.size,
      peers,
      paused: this.flow.paused,
      forwarded: this.framesForwarded,
      refused: this.framesRefused,
    };
  }

  private deliver(src: RelayPeer, dst: RelayPeer, data: Uint8Array): void {
    this.framesForwarded++;
    this.flow.send(src, dst, data);
  }

  /** The drop notice goes to the sender as a control message, under the same backpressure. */
  private refuse(src: RelayPeer, code: ErrorCode, message: string, details: Record<string, unknown>): void {
    this.framesRefused++;
    this.log.debug('relay_frame_refused', { session: src.sessionId, peer: src.peerId, code });
    this.flow.send(src, src, JSON.stringify({ type: 'error', code, message, details }));
  }

  private room(sessionId: string): Room {
    let room = this.rooms.get(sessionId);
    if (!room) {
      room = new Room(sessionId);
      this.rooms.set(sessionId, room);
    }
    return room;
  }
}
