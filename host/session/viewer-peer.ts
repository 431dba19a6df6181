/**
 * The helper's side of ONE viewer: the end-to-end handshake on the `handshake` channel
 * (protocol/crypto, the viewer speaks first with its commitment), then everything else sealed with
 * this viewer's own keys: its own ScreenEncoder (its own persistent zlib stream and flow-control
 * window) fed by its acks, its control messages (monitor, quality, refresh, ping, pause/resume,
 * reboot,
 * plain background), and its input, clipboard and annotations, each handed to the session's gate-checked parts; its
 * files payloads go to the session's FileTransferService, which gets this viewer's FilesLink
 * (send, and whether the screen is waiting for its window) while the keys hold.
 *
 *   handshaking --agreed--> ready --close--> closed
 *   ready --a new commit (the viewer started over)--> handshaking
 *
 * A frame that fails to open (tampered, replayed, another key) is dropped and counted, never
 * applied. Nothing is captured unless the session says this viewer may see the screen (setView:
 * `view` granted for its agent, sharing not paused); the gate checks again at every capture.
 */
import { isCryptoError } from '../../protocol/crypto/crypto-error';
import type { E2eSession } from '../../protocol/crypto/e2e-session';
import { startHandshake, type Handshake } from '../../protocol/crypto/handshake';
import { HandshakeKind } from '../../protocol/crypto/handshake-message';
import { AnnotationMessage } from '../../protocol/data/annotations';
import { InputEvent } from '../../protocol/data/input';
import { encodeJsonPayload, parseJsonPayload } from '../../protocol/data/json-payload';
import {
  parseAnyControlToHelper,
  parseSessionControlToHelper,
  type ControlToHelper,
  type SessionControlToHelper,
  type ControlToViewer,
  type RefusedRequest,
} from '../../protocol/data/session-control';
import type { ErrorCode } from '../../protocol/errors';
import { DataChannel, encodeFrame, PEER_HELPER, type DataChannelId } from '../../protocol/frame';
import { CONTROL_MESSAGE_MAX_BYTES } from '../../protocol/limits';
import type { HandlerMap } from '../../protocol/message';
import type { QualityMode, ScreenTarget } from '../../protocol/screen/screen-control';
import type { ConsentGate } from '../consent/consent-gate';
import type { ScreenSource } from '../platform/types';
import { ScreenEncoder, type ScreenEncoderOptions, type ScreenEncoderStats } from '../screen/screen-encoder';
import type { AnnotationSurface } from './annotation-surface';
import type { FilesLink } from './file-transfer/peer-sender';
import { ClipboardExchange, type ClipboardMemory } from './clipboard-exchange';
import type { InputDispatcher } from './input-dispatcher';

export type ViewerPeerState = 'handshaking' | 'ready' | 'closed';

/** Options passed through to each ScreenEncoder (tests and benchmarks tune these). */
export type EncoderTuning = Omit<ScreenEncoderOptions, 'send' | 'target' | 'onError'>;

export interface ViewerPeerDeps {
  gate: ConsentGate;
  /** Sends one complete frame to the server. */
  sendFrame(frame: Uint8Array): void;
  input: InputDispatcher;
  clipboard: ClipboardMemory;
  annotations: AnnotationSurface;
  /** The viewer asked for a reboot (the session checks the grant and does it). */
  onReboot(peer: ViewerPeer): void;
  /** The viewer asked for the plain background, or to end it (the session asks the customer). */
  onBackground?(peer: ViewerPeer, on: boolean): void;
  /** The viewer paused or resumed the picture (for every viewer: the session decides). */
  onStreamPause(peer: ViewerPeer, paused: boolean): void;
  /** The handshake finished: `peer.sas` is the code both people compare. */
  onReady(peer: ViewerPeer): void;
  log(event: string, details?: Record<string, unknown>): void;
  encoder?: EncoderTuning;
  /** Wraps the shared screen source for this viewer (copying its frames). */
  viewOf(shared: ScreenSource): ScreenSource;
  /** The session's file transfer (file-transfer/file-transfer-service.ts); absent: files ignored. */
  files?: FilesEndpoint;
}

/** What a viewer peer needs of the session's file transfer. */
export interface FilesEndpoint {
  attach(link: FilesLink): void;
  detach(peerId: number): void;
  onPayload(peerId: number, payload: Uint8Array): void;
}

export interface ViewerPeerStats {
  state: ViewerPeerState;
  framesSent: number;
  bytesSent: number;
  framesOpened: number;
  framesRejected: number;
  screen: ScreenEncoderStats | null;
}

export class ViewerPeer {
  private stateValue: ViewerPeerState = 'handshaking';
  private handshake: Promise<Handshake>;
  private session: E2eSession | null = null;
  private handshakeChain: Promise<unknown> = Promise.resolve();
  private encoder: ScreenEncoder | null = null;
  /** Each encoder's view of the shared screen, closed with it. */
  private readonly encoderViews = new Map<ScreenEncoder, ScreenSource>();
  private encoderStarting: Promise<void> | null = null;
  private viewGranted = false;
  private target: ScreenTarget = { kind: 'desktop' };
  private quality: QualityMode = 'auto';
  private readonly clip: ClipboardExchange;
  private readonly controlHandlers: HandlerMap<ControlToHelper, Uint8Array>;
  /** The `session` channel (reboot): the relay lets it through only for an agent with `reboot`. */
  private readonly sessionHandlers: HandlerMap<SessionControlToHelper, void>;
  private counts = { framesSent: 0, bytesSent: 0, framesOpened: 0, framesRejected: 0 };
  private lastEncoderStats: ScreenEncoderStats | null = null;
  /** Last refusal sent per request kind and code, so a flood of refused input gets one notice a second. */
  private readonly lastRefusalAt = new Map<string, number>();

  constructor(
    readonly peerId: number,
    readonly agentName: string,
    private readonly deps: ViewerPeerDeps,
  ) {
    this.handshake = startHandshake('helper');
    this.clip = new ClipboardExchange(
      deps.gate,
      (payload) => this.send(DataChannel.clipboard, payload),
      deps.clipboard,
      undefined,
      (m) => deps.log('clipboard_refused_by_viewer', { peer: peerId, code: m.code }),
    );
    this.controlHandlers = {
      'screen.select': (m, raw) => {
        this.target = m.target;
        this.encoder?.onControl(raw);
      },
      'screen.refresh': (_m, raw) => {
        this.encoder?.onControl(raw);
      },
      'screen.quality': (m, raw) => {
        this.quality = m.mode;
        this.encoder?.onControl(raw);
      },
      'background.plain': (m) => this.deps.onBackground?.(this, m.on),
      'stream.pause': () => this.deps.onStreamPause(this, true),
      'stream.resume': () => this.deps.onStreamPause(this, false),
      // Answered at once: the viewer measures the round trip through the relay.
      ping: (m) => this.send(DataChannel.control, encodeControlMessage({ type: 'pong', id: m.id })),
    };
    this.sessionHandlers = {
      'session.reboot': () => this.deps.onReboot(this),
    };
  }

  get state(): ViewerPeerState {
    return this.stateValue;
  }

  /** The short authentication string of the agreed keys (null before the handshake ends). */
  get sas(): string | null {
    return this.session?.sas ?? null;
  }

  get streaming(): boolean {
    return this.encoder !== null;
  }

  stats(): ViewerPeerStats {
    return {
      state: this.stateValue,
      ...this.counts,
      screen: this.encoder?.stats() ?? this.lastEncoderStats,
    };
  }

  /** A payload of this viewer's handshake channel (cleartext). */
  onHandshake(payload: Uint8Array): void {
    const copy = payload.slice();
    this.handshakeChain = this.handshakeChain.then(() => this.handshakeStep(copy));
  }

  /** A sealed frame from this viewer (any channel but handshake). */
  async onSealed(frame: Uint8Array): Promise<void> {
    // The viewer seals as soon as it has the keys, which can be before this side has finished
    // agreeing them (the last handshake step is still running): wait for it, in arrival order.
    if (this.stateValue === 'handshaking') await this.handshakeChain;
    const session = this.session;
    if (!session || this.stateValue !== 'ready') {
      this.counts.framesRejected++;
      return;
    }
    let opened;
    try {
      opened = await session.open(frame);
    } catch (err) {
      this.counts.framesRejected++;
      this.deps.log('frame_rejected', {
        peer: this.peerId,
        code: isCryptoError(err) ? err.code : 'unknown',
      });
      return;
    }
    if (this.session !== session) return; // a new handshake started meanwhile
    this.counts.framesOpened++;
    await this.onPlain(opened.channel, opened.plaintext);
  }

  /**
   * Whether this viewer may see the screen now (the customer's `view` grant for its agent, and
   * sharing not paused): the encoder starts or stops to match.
   */
  setView(granted: boolean): void {
    this.viewGranted = granted;
    this.syncEncoder();
  }

  /** Tells this viewer where the plain background stands. */
  sendBackgroundState(message: Extract<ControlToViewer, { type: 'background.state' }>): void {
    if (this.stateValue === 'ready') this.send(DataChannel.control, encodeControlMessage(message));
  }

  /** Tells this viewer whether the picture is paused, and by whom. */
  sendStreamState(paused: boolean, by: 'agent' | 'customer'): void {
    this.send(DataChannel.control, encodeControlMessage({ type: 'stream.state', paused, by }));
  }

  /** A clipboard change on the customer's side: send it if clipboard sharing is on. */
  clipboardChanged(text: string): void {
    if (this.stateValue === 'ready' && this.deps.gate.has('clipboard')) this.clip.sendText(text);
  }

  /** Tells the viewer a request was refused, at most once a second per kind. */
  refuse(request: RefusedRequest, code: ErrorCode, message: string): void {
    const now = performance.now();
    const key = `${request} ${code}`;
    const last = this.lastRefusalAt.get(key) ?? -Infinity;
    if (request !== 'session.reboot' && now - last < 1000) return;
    this.lastRefusalAt.set(key, now);
    this.send(
      DataChannel.control,
      encodeControlMessage({ type: 'session.refused', request, code, message: message.slice(0, 300) }),
    );
  }

  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.deps.files?.detach(this.peerId);
    this.deps.annotations.clear(this.peerId);
    await this.stopEncoder();
  }

  // ------------------------------------------------------------------ internals

  /** A method, not a field read: the state may change across the awaits of a handshake step. */
  private isClosed(): boolean {
    return this.stateValue === 'closed';
  }

  private async handshakeStep(payload: Uint8Array): Promise<void> {
    if (this.stateValue === 'closed') return;
    let hs = await this.handshake;
    // A commitment while agreed (or after a failed attempt) is the viewer starting over.
    if (payload[1] === HandshakeKind.commit && hs.state() !== 'awaiting_commit') {
      this.deps.files?.detach(this.peerId);
      await this.stopEncoder();
      this.session = null;
      this.stateValue = 'handshaking';
      this.handshake = startHandshake('helper');
      hs = await this.handshake;
    }
    try {
      const step = await hs.receive(payload);
      if (step.send) {
        this.sendRaw(
          encodeFrame({ channel: DataChannel.handshake, from: PEER_HELPER, to: this.peerId }, step.send),
        );
      }
      if (step.session && !this.isClosed()) {
        this.session = step.session;
        this.stateValue = 'ready';
        this.deps.files?.attach(this.filesLink());
        this.deps.onReady(this);
        this.syncEncoder();
      }
    } catch (err) {
      this.deps.log('handshake_failed', {
        peer: this.peerId,
        code: isCryptoError(err) ? err.code : 'unknown',
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private async onPlain(channel: DataChannelId, plaintext: Uint8Array): Promise<void> {
    switch (channel) {
      case DataChannel.ack:
        this.encoder?.onAck(plaintext);
        return;
      case DataChannel.control:
        return this.onControl(plaintext);
      case DataChannel.session:
        return this.onSession(plaintext);
      case DataChannel.input: {
        const parsed = parseJsonPayload(InputEvent, plaintext, CONTROL_MESSAGE_MAX_BYTES);
        if (!parsed.ok) {
          this.deps.log('input_invalid', { peer: this.peerId, reason: parsed.message });
          return;
        }
        // Every refusal reaches the viewer with its own code (backpressure is not a revoke).
        const result = await this.deps.input.dispatch(parsed.value);
        if (result.outcome !== 'applied') this.refuse('input', result.code, result.message);
        return;
      }
      case DataChannel.clipboard:
        return this.clip.onPayload(plaintext);
      case DataChannel.files:
        this.deps.files?.onPayload(this.peerId, plaintext);
        return;
      case DataChannel.annotations: {
        if (!this.deps.gate.has('view')) return;
        const parsed = parseJsonPayload(AnnotationMessage, plaintext, CONTROL_MESSAGE_MAX_BYTES);
        if (parsed.ok) this.deps.annotations.apply(this.peerId, parsed.value);
        else this.deps.log('annotation_invalid', { peer: this.peerId, reason: parsed.message });
        return;
      }
      default:
        // screen/cursor come from the helper only.
        this.deps.log('channel_ignored', { peer: this.peerId, channel });
    }
  }

  private onControl(raw: Uint8Array): void {
    const parsed = parseAnyControlToHelper(raw);
    if (!parsed.ok) {
      this.deps.log('control_invalid', { peer: this.peerId, reason: parsed.message });
      return;
    }
    const msg = parsed.value;
    const handler = this.controlHandlers[msg.type] as (m: ControlToHelper, raw: Uint8Array) => void;
    handler(msg, raw);
  }

  private onSession(raw: Uint8Array): void {
    const parsed = parseSessionControlToHelper(raw);
    if (!parsed.ok) {
      this.deps.log('session_invalid', { peer: this.peerId, reason: parsed.message });
      return;
    }
    const msg = parsed.value;
    const handler = this.sessionHandlers[msg.type] as (m: SessionControlToHelper) => void;
    handler(msg);
  }

  /** This viewer's link for file transfer, bound to the keys agreed now. */
  private filesLink(): FilesLink {
    const session = this.session;
    return {
      peerId: this.peerId,
      agentName: this.agentName,
      send: (payload) => {
        if (this.session === session) this.send(DataChannel.files, payload);
      },
      screenBusy: () => {
        const flow = this.encoder?.stats().flow;
        return flow !== undefined && flow.inFlightBytes >= flow.windowBytes;
      },
    };
  }

  /** Starts or stops this viewer's encoder to match: ready, and allowed to see the screen. */
  private syncEncoder(): void {
    const want = this.stateValue === 'ready' && this.viewGranted && this.deps.gate.has('view');
    if (want && this.encoder === null && this.encoderStarting === null) {
      this.encoderStarting = this.startEncoder().finally(() => {
        this.encoderStarting = null;
        this.syncEncoder();
      });
    } else if (!want && this.encoder !== null) {
      void this.stopEncoder();
    }
  }

  private async startEncoder(): Promise<void> {
    let shared: ScreenSource;
    try {
      shared = await this.deps.gate.screen();
    } catch (err) {
      this.deps.log('screen_unavailable', { peer: this.peerId, error: String(err) });
      return;
    }
    // The view is this encoder's own: it leaves the session's view group when the encoder stops
    // (a lone viewer reads captures in place only while it is the group's only view).
    const view = this.deps.viewOf(shared);
    const encoder = new ScreenEncoder(view, {
      ...this.deps.encoder,
      target: this.target,
      send: (channel, payload) => {
        if (this.encoder === encoder) this.send(DataChannel[channel], payload);
      },
      onError: (err) => this.deps.log('screen_error', { peer: this.peerId, error: String(err) }),
    });
    if (this.quality !== 'auto') encoder.setQuality(this.quality);
    this.encoder = encoder;
    this.encoderViews.set(encoder, view);
    try {
      await encoder.start();
    } catch (err) {
      this.deps.log('screen_start_failed', { peer: this.peerId, error: String(err) });
      if (this.encoder === encoder) this.encoder = null;
      await this.closeEncoder(encoder);
    }
  }

  private async stopEncoder(): Promise<void> {
    const encoder = this.encoder;
    if (!encoder) return;
    this.encoder = null;
    this.lastEncoderStats = encoder.stats();
    await this.closeEncoder(encoder);
  }

  private async closeEncoder(encoder: ScreenEncoder): Promise<void> {
    await encoder.close();
    const view = this.encoderViews.get(encoder);
    this.encoderViews.delete(encoder);
    await view?.close();
  }

  private send(channel: DataChannelId, plaintext: Uint8Array): void {
    const session = this.session;
    if (!session || this.stateValue !== 'ready') return;
    session.seal(channel, this.peerId, plaintext).then(
      (frame) => {
        if (this.session === session) this.sendRaw(frame);
      },
      (err: unknown) => this.deps.log('seal_failed', { peer: this.peerId, error: String(err) }),
    );
  }

  private sendRaw(frame: Uint8Array): void {
    this.counts.framesSent++;
    this.counts.bytesSent += frame.byteLength;
    this.deps.sendFrame(frame);
  }
}

function encodeControlMessage(msg: ControlToViewer): Uint8Array {
  return encodeJsonPayload(msg);
}
