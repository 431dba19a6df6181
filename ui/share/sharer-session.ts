/**
 * The agent's side of "share my screen", framework-free (the share page mounts it; Node tests
 * drive it with a synthetic picture and libjpeg-turbo): the share socket (share.hello), the
 * watchers the server announces, and the picture streamed to each of them end to end
 * (picture-streamer.ts: key agreement in the helper's role, only what changed, within each
 * watcher's window). Nothing a watcher sends is obeyed beyond `screen.refresh`: no input exists
 * on this path.
 *
 * The socket reconnects from one timer with backoff while the share goes on, unless the server
 * refused for good (feature, session, sign-in) or the session ended (outgoing-share.ts).
 */
import { PROTOCOL_VERSION } from '../../protocol/common';
import type { ErrorCode } from '../../protocol/errors';
import type { HandlerMap } from '../../protocol/message';
import { ServerToSharer } from '../../protocol/share/share-channel';
import type { JpegEncoder } from './picture-encoder';
import { AGENT_FINAL_REFUSALS } from '../data-plane/agent-refusals';
import type { CreateSocket } from '../data-plane/data-plane-socket';
import { OutgoingShare, type OutgoingSharePhase } from './outgoing-share';
import type { PictureSource, StreamFigures } from './picture-streamer';
import type { WatcherLinkState } from './watcher-link';

export { SHARE_MAX_FPS, type PictureSource } from './picture-streamer';
export { RECONNECT_FIRST_MS, RECONNECT_MAX_MS } from './outgoing-share';

export interface SharerOptions {
  url: string;
  token: string;
  sessionId: string;
  createSocket: CreateSocket;
  source: PictureSource;
  jpeg: JpegEncoder;
  maxFps?: number;
  now?: () => number;
}

export type SharerPhase = OutgoingSharePhase;

export interface SharerSnapshot extends Omit<StreamFigures, 'peers'> {
  phase: SharerPhase;
  /** The server's reason when `refused` (feature_disabled, not_in_session, ...). */
  refused: ErrorCode | null;
  customerName: string | null;
  watchers: {
    peerId: number;
    state: WatcherLinkState;
    sas: string | null;
    /** Bytes sent to this watcher and not yet acknowledged, and its current window. */
    inFlightBytes: number;
    windowBytes: number;
  }[];
}

type Push = Exclude<ServerToSharer, { type: 'share.welcome' }>;

export class SharerSession {
  private customerName: string | null = null;
  private readonly share: OutgoingShare<ServerToSharer, 'share.welcome', SharerSnapshot>;

  constructor(options: SharerOptions) {
    const { token, sessionId } = options;
    this.share = new OutgoingShare({
      // The socket's address and the picture's source, encoder and pace, as given.
      ...options,
      schema: ServerToSharer,
      welcomeType: 'share.welcome',
      hello: () => ({ type: 'share.hello', token, sessionId, protocol: PROTOCOL_VERSION }),
      welcomed: (msg) => {
        this.customerName = msg.customerName;
      },
      push: (msg) => this.onPush(msg),
      isFinal: (refused) => refused !== null && AGENT_FINAL_REFUSALS.has(refused),
      snapshot: () => this.snapshot(),
    });
  }

  get phase(): SharerPhase {
    return this.share.phase;
  }

  start(): void {
    this.share.start();
  }

  /** The agent stops sharing: watchers are told, nothing more is sent. */
  stop(): void {
    this.share.stop({ type: 'share.stop' });
  }

  subscribe(listener: (s: SharerSnapshot) => void): () => void {
    return this.share.subscribe(listener);
  }

  snapshot(): SharerSnapshot {
    const { peers, ...figures } = this.share.streamer.figures();
    return {
      phase: this.share.phase,
      refused: this.share.refused,
      customerName: this.customerName,
      watchers: peers,
      ...figures,
    };
  }

  private onPush(msg: Push): void {
    const handler = this.pushHandlers[msg.type] as (m: Push, ctx: void) => void;
    handler(msg, undefined);
  }

  private readonly pushHandlers: HandlerMap<Push, void> = {
    'watcher.joined': ({ peer }) => this.share.streamer.addPeer(peer.peerId),
    'watcher.left': ({ peerId }) => this.share.streamer.removePeer(peerId),
    'session.ended': () => this.share.ended(),
    // Frame refusals and the like: nothing to repair here; a fatal one closes the socket.
    error: () => undefined,
  };
}
