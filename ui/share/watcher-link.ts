/**
 * The sharer's side of one watcher (the customer's page, or one of its tabs): the end-to-end key
 * agreement in the helper's role (protocol/crypto/handshake.ts: the watcher commits first, this
 * side answers with its key, the watcher reveals), then that watcher's own screen stream: the
 * picture it was last sent (to diff against), its sequence numbers, and its send window. Each
 * watcher has its own keys, its own short authentication string and its own window, so a slow
 * tab gets fewer pictures without slowing another.
 *
 * States: waiting_commit -> answering (helper key sent) -> secure; a new commitment from the
 * watcher (it started over: timeout, reload of its keys) begins again from the commitment; any
 * handshake error -> failed until the watcher commits again.
 */
import { decodeHandshakeMessage, HandshakeKind } from '../../protocol/crypto/handshake-message';
import { startHandshake, type Handshake } from '../../protocol/crypto/handshake';
import type { E2eSession } from '../../protocol/crypto/e2e-session';
import { isCryptoError } from '../../protocol/crypto/crypto-error';
import { DataChannel, encodeFrame } from '../../protocol/frame';
import { SendWindow } from './send-window';

export type WatcherLinkState = 'waiting_commit' | 'answering' | 'secure' | 'failed';

export class WatcherLink {
  private stateValue: WatcherLinkState = 'waiting_commit';
  private handshake: Handshake | null = null;
  private sessionValue: E2eSession | null = null;
  private generation = 0;
  /** Why the last handshake failed (a CryptoError code), for the share page. */
  lastError: string | null = null;

  // ---- the screen stream for this watcher (owned by the sharer session)
  /** The picture as last sent (32-bit pixels), null before the first RESET or after a refresh. */
  sent: Uint32Array | null = null;
  width = 0;
  height = 0;
  /** Sequence number of the next screen message. */
  nextSeq = 1;
  /** A RESET and a full picture are due (new keys, a refresh request, a new picture size). */
  needsReset = true;
  window = new SendWindow();

  constructor(
    readonly peerId: number,
    private readonly sendFrame: (frame: Uint8Array) => void,
    private readonly onSecure: (link: WatcherLink) => void,
  ) {}

  get state(): WatcherLinkState {
    return this.stateValue;
  }

  get session(): E2eSession | null {
    return this.sessionValue;
  }

  get sas(): string | null {
    return this.sessionValue?.sas ?? null;
  }

  /** A payload from this watcher on the handshake channel. */
  async receiveHandshake(payload: Uint8Array): Promise<void> {
    let kind: number;
    try {
      kind = HandshakeKind[decodeHandshakeMessage(payload).kind];
    } catch (e) {
      this.fail(e);
      return;
    }
    if (kind === HandshakeKind.commit) {
      // A (new) commitment: start over with fresh keys, whatever came before.
      const gen = ++this.generation;
      this.sessionValue = null;
      this.stateValue = 'answering';
      try {
        const hs = await startHandshake('helper');
        if (gen !== this.generation) return;
        this.handshake = hs;
        const step = await hs.receive(payload);
        if (gen !== this.generation) return;
        if (step.send) this.sendFrame(this.frameOf(step.send));
      } catch (e) {
        if (gen === this.generation) this.fail(e);
      }
      return;
    }
    const hs = this.handshake;
    if (!hs || this.stateValue !== 'answering') return; // nothing asked: ignore
    const gen = this.generation;
    try {
      const step = await hs.receive(payload);
      if (gen !== this.generation) return;
      if (step.send) this.sendFrame(this.frameOf(step.send));
      if (step.session) {
        this.sessionValue = step.session;
        this.stateValue = 'secure';
        this.restartStream();
        this.onSecure(this);
      }
    } catch (e) {
      if (gen === this.generation) this.fail(e);
    }
  }

  /** Starts the stream over: a RESET and a full picture next time (refresh, new keys). */
  restartStream(): void {
    this.needsReset = true;
    this.sent = null;
    this.window.clear();
  }

  private fail(e: unknown): void {
    this.generation++;
    this.handshake = null;
    this.sessionValue = null;
    this.stateValue = 'failed';
    this.lastError = isCryptoError(e) ? e.code : 'handshake_malformed';
  }

  private frameOf(payload: Uint8Array): Uint8Array {
    return encodeFrame({ channel: DataChannel.handshake, from: 0, to: this.peerId }, payload);
  }
}
