/**
 * One socket on a session's data plane: the helper (peer 1) or a viewer (peer 2 and up), with
 * the flow-control bookkeeping the relay keeps for it, and for a viewer its agent's features
 * (what it may send: frame-features.ts), kept current while it is open.
 */
import type { Features } from '../../protocol/common';
import type { Connection } from '../ws/connection';

export type PeerRole = 'helper' | 'viewer';

export class RelayPeer {
  /** Destinations whose full buffers keep this peer's reading paused (paused while non-empty). */
  readonly blockedOn = new Set<RelayPeer>();
  /** Sources paused until this peer's outgoing buffer drains. */
  readonly waiters = new Set<RelayPeer>();
  /** Last time (ms, monotonic) a frame to this peer finished writing. */
  lastProgressAt = performance.now();
  stallTimer: ReturnType<typeof setTimeout> | null = null;
  removed = false;

  constructor(
    readonly conn: Connection,
    readonly sessionId: string,
    readonly peerId: number,
    readonly role: PeerRole,
    /**
     * The viewer's agent's features (null for the helper): read at its hello, replaced when a
     * manager changes them (presence/live-features.ts); the relay checks every frame against it.
     */
    public features: Features | null = null,
  ) {}

  get paused(): boolean {
    return this.blockedOn.size > 0;
  }
}
