/**
 * A browser picture sent to the peers watching it, whatever the socket they came through: the
 * agent's "share my screen" (watchers on the customer's page, sharer-session.ts) and the
 * customer's browser-only share (the agent's viewers, ui/support/browser-share/). Peer by peer:
 *
 *   key agreement in the helper's role (watcher-link.ts) -> its own screen stream
 *   every 1/maxFps s: grab the picture once -> for each secure peer whose window has room:
 *     diff against what that peer was last sent (tile-differ.ts) -> FILL / JPEG operations at a
 *     quality following its measured rate (picture-encoder.ts, jpeg-quality.ts) -> UPDATE messages
 *     -> sealed for that peer -> sent; its acks open the window again (send-window.ts)
 *
 * Only what changed is sent, never faster than maxFps, and never more than the window ahead of
 * what the peer has applied: a slow link gets fewer, fresher pictures, not a backlog. A peer's
 * `screen.refresh` (after a decoder error, a gap, or a frame that failed authentication) starts
 * its stream over with a RESET. Nothing else a peer sends is obeyed (view only: no input exists
 * on this path); other control messages go to `onControl` for the owner to answer if it wants.
 */
import { DataChannel, parseFrame } from '../../protocol/frame';
import { parseAck } from '../../protocol/screen/ack-message';
import { parseWatcherControl } from '../../protocol/share/share-data';
import { jpegQuality } from './jpeg-quality';
import {
  encodeOperations,
  encodeReset,
  packUpdates,
  type JpegEncoder,
  type RgbaPicture,
} from './picture-encoder';
import { RateMeter } from './rate-meter';
import { changedRects } from './tile-differ';
import { WatcherLink, type WatcherLinkState } from './watcher-link';

/** Most pictures per second sent to a peer. */
export const SHARE_MAX_FPS = 10;

/** Where the picture comes from: a screen capture in a page, a synthetic one in tests. */
export interface PictureSource {
  /** The current picture, or null when there is none yet. Valid until the next call. */
  grab(): RgbaPicture | null;
}

export interface StreamerOptions {
  source: PictureSource;
  jpeg: JpegEncoder;
  /** Sends a frame on the data plane (dropped when the socket is gone). */
  sendFrame(frame: Uint8Array): void;
  /** Something shown changed (a peer's state, figures). */
  changed(): void;
  maxFps?: number;
  now?: () => number;
}

export interface PeerFigures {
  peerId: number;
  state: WatcherLinkState;
  sas: string | null;
  /** Bytes sent to this peer and not yet acknowledged, and its current window. */
  inFlightBytes: number;
  windowBytes: number;
}

export interface StreamFigures {
  peers: PeerFigures[];
  /** Pictures sent per second (to all peers), and bytes per second, over the last 2 s. */
  picturesPerSecond: number;
  bytesPerSecond: number;
  picturesSent: number;
  bytesSent: number;
  /** JPEG quality used last (0-1), null before the first picture. */
  quality: number | null;
  /** Frames from peers that failed authentication (dropped). */
  rejectedFrames: number;
}

export class PictureStreamer {
  private readonly peers = new Map<number, WatcherLink>();
  private readonly sent: RateMeter;
  private quality: number | null = null;
  private rejectedFrames = 0;
  private tickTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private busy = false;
  private lastTickAt = 0;
  private readonly frameMs: number;
  private readonly now: () => number;

  constructor(private readonly options: StreamerOptions) {
    this.now = options.now ?? (() => performance.now());
    this.sent = new RateMeter(this.now);
    this.frameMs = 1000 / Math.max(1, Math.min(60, options.maxFps ?? SHARE_MAX_FPS));
  }

  /** Pictures go out from now on (to peers that are secure). */
  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** No picture goes out any more; every peer is forgotten. */
  stop(): void {
    this.running = false;
    if (this.tickTimer !== null) clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.peers.clear();
  }

  /** A peer arrived (or came back: a new handshake). */
  addPeer(peerId: number): void {
    const link = new WatcherLink(
      peerId,
      (frame) => this.options.sendFrame(frame),
      () => {
        this.options.changed();
        this.schedule(0);
      },
    );
    this.peers.set(peerId, link);
    this.options.changed();
  }

  removePeer(peerId: number): void {
    this.peers.delete(peerId);
    this.options.changed();
  }

  /** Every peer left (the socket closed). */
  clearPeers(): void {
    this.peers.clear();
  }

  figures(): StreamFigures {
    const rates = this.sent.rates();
    return {
      peers: [...this.peers.values()].map((w) => {
        const win = w.window.snapshot();
        return {
          peerId: w.peerId,
          state: w.state,
          sas: w.sas,
          inFlightBytes: win.inFlightBytes,
          windowBytes: win.windowBytes,
        };
      }),
      picturesPerSecond: rates.perSecond,
      bytesPerSecond: rates.bytesPerSecond,
      picturesSent: this.sent.totalEvents,
      bytesSent: this.sent.totalBytes,
      quality: this.quality,
      rejectedFrames: this.rejectedFrames,
    };
  }

  /** A data-plane frame from a peer: key agreement, acks, refresh; anything else is dropped. */
  onFrame(frame: Uint8Array): void {
    const parsed = parseFrame(frame);
    if (!parsed.ok) return;
    const link = this.peers.get(parsed.header.from);
    if (!link) return;
    if (parsed.header.channel === DataChannel.handshake) {
      void link.receiveHandshake(parsed.payload).then(() => this.options.changed());
      return;
    }
    const session = link.session;
    if (!session) return;
    session
      .open(frame)
      .then((opened) => {
        if (link.session !== session) return;
        if (opened.channel === DataChannel.ack) {
          if (link.window.onAck(parseAck(opened.plaintext).seq, this.now())) this.schedule(0);
        } else if (opened.channel === DataChannel.control) {
          const control = parseWatcherControl(opened.plaintext);
          if (control.ok && control.value.type === 'screen.refresh') {
            link.restartStream();
            this.schedule(0);
          }
        }
        // Any other channel has no meaning here (view only) and is ignored.
      })
      .catch(() => {
        // Failed authentication, a replay, or a malformed ack: dropped; the link stays up.
        this.rejectedFrames++;
      });
  }

  // ------------------------------------------------------------------ pictures

  /** Runs the picture loop no sooner than one frame interval after the last run. */
  private schedule(delayMs: number): void {
    if (this.tickTimer !== null || !this.running) return;
    const due = Math.max(delayMs, this.lastTickAt + this.frameMs - this.now());
    this.tickTimer = setTimeout(
      () => {
        this.tickTimer = null;
        void this.tick();
      },
      Math.max(0, due),
    );
  }

  private async tick(): Promise<void> {
    if (this.busy || !this.running) return;
    this.busy = true;
    this.lastTickAt = this.now();
    let more = false;
    try {
      more = await this.sendPictures();
    } catch {
      // An encoder or capture hiccup: try again next interval.
      more = true;
    } finally {
      this.busy = false;
    }
    this.options.changed();
    // Keep polling while someone watches (the capture does not say when it changed).
    if (more) this.schedule(this.frameMs);
  }

  /** Sends the current picture to every peer that can take it; true while anyone watches. */
  private async sendPictures(): Promise<boolean> {
    const secure = [...this.peers.values()].filter((w) => w.state === 'secure');
    const ready = secure.filter((w) => w.window.canSend());
    if (ready.length === 0) return secure.length > 0;
    const picture = this.options.source.grab();
    if (!picture) return true;
    const pixels = new Uint32Array(
      picture.data.buffer,
      picture.data.byteOffset,
      picture.width * picture.height,
    );
    for (const link of ready) await this.sendTo(link, picture, pixels);
    return true;
  }

  private async sendTo(link: WatcherLink, picture: RgbaPicture, pixels: Uint32Array): Promise<void> {
    const session = link.session;
    if (!session) return;
    const { width, height } = picture;
    const payloads: { seq: number; bytes: Uint8Array }[] = [];
    if (link.needsReset || link.width !== width || link.height !== height) {
      link.needsReset = false;
      link.sent = null;
      link.width = width;
      link.height = height;
      link.window.clear();
      payloads.push({ seq: link.nextSeq, bytes: encodeReset(link.nextSeq, width, height) });
      link.nextSeq = (link.nextSeq + 1) >>> 0;
    }
    const rects = changedRects(link.sent, pixels, width, height);
    if (rects.length > 0) {
      const quality = jpegQuality(link.window.snapshot().rateBps);
      this.quality = quality;
      const ops = await encodeOperations(picture, rects, this.options.jpeg, quality);
      const updates = packUpdates(ops, link.nextSeq);
      updates.forEach((bytes, i) => payloads.push({ seq: (link.nextSeq + i) >>> 0, bytes }));
      link.nextSeq = (link.nextSeq + updates.length) >>> 0;
    }
    if (payloads.length === 0) return;
    let bytes = 0;
    for (const p of payloads) {
      const sealed = await session.seal(DataChannel.screen, link.peerId, p.bytes);
      // New keys, a refresh or the end while this picture was being made: not this stream's any more.
      if (link.session !== session || !this.running || this.peers.get(link.peerId) !== link) return;
      this.options.sendFrame(sealed);
      link.window.onSent(p.seq, sealed.byteLength, this.now());
      bytes += sealed.byteLength;
    }
    if (link.sent === null || link.sent.length !== pixels.length) link.sent = new Uint32Array(pixels.length);
    link.sent.set(pixels);
    if (rects.length > 0) this.sent.add(bytes);
  }
}
