/**
 * The viewer's core, framework-free: one session's data plane as the agent's viewer sees it.
 *
 *   socket (viewer-socket.ts) -> e2e key agreement (e2e-link.ts) -> opened frames by channel:
 *     screen   -> order check (screen-order.ts) -> decoder worker (decoder-client.ts) -> painter;
 *                 ack per message
 *     cursor   -> cursor shape/position -> painter
 *     control  -> monitors (screen.monitors), pause state (stream.state), round trips (pong)
 *     clipboard-> assembled text -> onClipboard
 *     files    -> the file transfers (files/file-transfers.ts), told when keys are agreed or lost;
 *                 a helper that is away (reconnecting, restarting, the server restarting) makes
 *                 them wait, only a revoke or a helper gone for good fails them
 *   agent -> helper: input, annotations, clipboard, control (monitor, quality, refresh, pause,
 *   resume, ping), files, each sealed for the helper, sent only while the matching grant holds.
 *
 * A frame that fails authentication (tampered on the way) is refused by the crypto layer; the
 * stream is then treated as broken: nothing more is painted until a fresh RESET, which the viewer
 * asks for at once, and the agent sees an error. A gap in the screen sequence does the same. So
 * the picture is either right or visibly being repaired, never silently wrong.
 *
 * The socket, the key agreement, the order check and the reconnect timer are ui/data-plane/'s,
 * shared with the customer's watcher of the agent's screen.
 *
 * The socket reconnects from one timer with backoff and jitter, unless the server refused the
 * hello for good (token, session, feature) or the session ended. UIs subscribe to snapshots
 * (state changes, not frames: painting goes straight to the Painter).
 */
import type { ViewerToServer } from '../../protocol/viewer-channel';
import type { Features, Grants, SharingEnd } from '../../protocol/common';
import type { AnnotationMessage } from '../../protocol/data/annotations';
import type { BackgroundControlToHelper } from '../../protocol/data/background-control';
import { ClipboardMessage } from '../../protocol/data/clipboard';
import type { InputEvent } from '../../protocol/data/input';
import { encodeJsonPayload, parseJsonPayload } from '../../protocol/data/json-payload';
import type { StreamControlToHelper } from '../../protocol/data/stream-control';
import { parseAnyControlToViewer, type ControlToViewer } from '../../protocol/data/session-control';
import type { HandlerMap } from '../../protocol/message';
import type { ErrorCode } from '../../protocol/errors';
import { DataChannel, parseFrame, PEER_HELPER, type DataChannelId } from '../../protocol/frame';
import { encodeAck } from '../../protocol/screen/ack-message';
import {
  encodeControl,
  type MonitorInfo,
  type QualityMode,
  type ScreenControlToHelper,
  type ScreenTarget,
} from '../../protocol/screen/screen-control';
import { AGENT_FINAL_REFUSALS } from '../data-plane/agent-refusals';
import { E2eLink } from '../data-plane/e2e-link';
import { ReconnectTimer } from '../data-plane/reconnect-timer';
import { ScreenOrder } from '../data-plane/screen-order';
import { CursorDecoder, type CursorShape } from '../decoder/cursor-decoder';
import { ClipAssembler, splitClip } from './clipboard-chunks';
import type { Point } from './coordinate-map';
import { DecoderClient, type DecoderPort } from './decoder-client';
import { BlobSink, type SaveBlob } from './files/blob-sink';
import type { CreateSink } from './files/download';
import { FileTransfers } from './files/file-transfers';
import { downloadBlob } from './screenshot';
import { isCryptoError } from '../../protocol/crypto/crypto-error';
import type { E2eSession } from '../../protocol/crypto/e2e-session';
import {
  canControl,
  canMoveConnection,
  controlDisabledByAccount,
  derivePhase,
  nextConnection,
  type Connection,
  type Phase,
} from './viewer-phase';
import { ViewerSocket, type CreateSocket, type ViewerPush, type ViewerWelcome } from './viewer-socket';
import { linkSlow, ViewerStats, type StatsSnapshot } from './viewer-stats';
import { inputRefusalNotice } from './input-refusal-notice';
import {
  canRestart,
  nextRebootStage,
  rebootEventApplies,
  rebootInProgress,
  REBOOT_WAIT_MINUTES,
  type RebootEvent,
  type RebootStage,
} from './reboot-progress';
import type { DirtyRect } from './worker/worker-messages';

/** Interval between round-trip pings while the link is secure, in ms. */
export const PING_INTERVAL_MS = 1000;
/** A refresh asked for after a broken stream is asked again after this long without a RESET, in ms. */
export const REFRESH_RETRY_MS = 3000;
/** First reconnect delay, in ms; doubles up to RECONNECT_MAX_MS, with up to RECONNECT_JITTER more. */
export const RECONNECT_FIRST_MS = 500;
/** Short: it bounds how long the picture waits once the server is back from a restart. */
export const RECONNECT_MAX_MS = 5_000;
const RECONNECT_JITTER = 0.3;
/** Close codes of server/ws/connection.ts that end the viewer for good. */
const CLOSE_SIGNED_OUT = 4003;
const CLOSE_SESSION_ENDED = 4004;
/** Several server nodes: the node carrying the screen stopped; reconnecting reaches it again. */
const CLOSE_NODE_LOST = 4011;

/** Draws the remote picture; the DOM implementation is canvas-painter.ts. */
export interface Painter {
  /** The next present is a picture of this size (a new stream). */
  reset(width: number, height: number): void;
  /** Paints one complete update; returns the main thread's time spent, in ms. */
  present(rects: DirtyRect[]): number;
  /** Clears the picture (view revoked, helper gone). */
  blank(): void;
  cursorShape(shape: CursorShape | null): void;
  cursorMove(position: Point | null): void;
}

export type NoticeKey =
  | 'controlRevoked'
  | 'customerHasPointer'
  | 'inputBackpressure'
  | 'inputUnavailable'
  | 'inputBlockedElevated'
  | 'inputBlockedSecureDesktop'
  | 'inputFailed'
  | 'controlOffByManager'
  | 'controlOnByManager'
  | 'filesOffByManager'
  | 'filesOnByManager'
  | 'controlGranted'
  | 'viewRevoked'
  | 'frameRefused'
  | 'decodeFailed'
  | 'handshakeFailed'
  | 'helperLeft'
  | 'helperReconnecting'
  | 'serverNodeLost'
  | 'clipTooLarge'
  | 'clipTooLargeForCustomer'
  | 'clipRefused'
  | 'clipNotGranted'
  | 'clipUnavailable'
  | 'clipReceived'
  | 'clipSent'
  | 'clipReadFailed'
  | 'clipWriteFailed'
  | 'screenshotSaved'
  | 'screenshotFailed'
  | 'pausedByCustomer'
  | 'rebootRequested'
  | 'rebootRefused'
  | 'rebootBack'
  | 'rebootGaveUp'
  | 'backgroundOn'
  | 'backgroundDeclined'
  | 'backgroundUnsupported'
  | 'backgroundFailed';

export interface Notice {
  key: NoticeKey;
  level: 'info' | 'warning' | 'error';
  /** Values shown in the message (sizes, file names). */
  args: string[];
  /** Increases with each notice, so a UI can tell two equal notices apart. */
  serial: number;
}

export interface ViewerSnapshot {
  phase: Phase;
  connection: Connection;
  /** Why the server refused (phase `refused`). */
  refusedCode: ErrorCode | null;
  endedBy: 'customer' | 'agent' | 'system' | null;
  sas: string | null;
  grants: Grants | null;
  /**
   * The agent's features, told by the server at each hello (null: not told). Without
   * `screenControl` the viewer is view-only whatever the customer granted, and sends no input.
   */
  features: Features | null;
  controlAllowed: boolean;
  helperReconnecting: boolean;
  /** How the customer ended sharing (stopped, declined, closed the helper's window); null otherwise. */
  helperEnded: SharingEnd | null;
  /**
   * The customer shares from the support page itself (no helper): view only, and nothing can be
   * drawn on their screen.
   */
  helperBrowser: boolean;
  frame: { width: number; height: number } | null;
  monitors: MonitorInfo[];
  selected: ScreenTarget;
  /** Desktop position of the picture's top-left corner (the selected monitor's origin). */
  origin: Point;
  paused: { by: 'agent' | 'customer' } | null;
  /** Asked to pause or resume, the helper has not confirmed yet. */
  pausePending: 'pause' | 'resume' | null;
  /** The stream is being repaired after a refused or undecodable frame. */
  damaged: boolean;
  refusedFrames: number;
  quality: QualityMode;
  /** A restart of the customer's computer asked from this viewer, and how far it got (reboot-progress.ts). */
  reboot: { stage: RebootStage; since: number } | null;
  /** The restart may be offered: the customer granted it and the agent's manager allows it. */
  rebootAllowed: boolean;
  /**
   * The plain background on the customer's desktop: off, the customer is being asked, or on
   * (protocol/data/background-control.ts).
   */
  background: 'off' | 'asking' | 'on';
  notice: Notice | null;
}

export interface ViewerSessionOptions {
  url: string;
  token: string;
  sessionId: string;
  painter: Painter;
  createDecoder: () => DecoderPort;
  createSocket?: CreateSocket;
  now?: () => number;
  random?: () => number;
  /** Picture quality asked for from the start (default `auto`). */
  quality?: QualityMode;
  /** Remote clipboard text arrived (complete). */
  onClipboard?: (text: string) => void;
  /** The helper asked for the agent's clipboard (clip.request). */
  onClipboardRequest?: () => void;
  /** Saves a fetched file once it arrived whole (default: the browser's download). */
  saveFile?: SaveBlob;
  /** Where fetched files go while they arrive (default: Blob parts, then `saveFile`). */
  createFileSink?: CreateSink;
}

type Listener = (s: ViewerSnapshot) => void;

export class ViewerSession {
  private connection: Connection = 'connecting';
  private socket: ViewerSocket | null = null;
  private readonly link: E2eLink;
  private readonly decoder: DecoderClient;
  private readonly cursor = new CursorDecoder();
  private readonly stats = new ViewerStats();
  private readonly clips = new ClipAssembler();
  private readonly listeners = new Set<Listener>();
  private readonly now: () => number;
  private readonly random: () => number;
  private state: ViewerSnapshot;
  private helperPresent = false;
  /** A helper was here since this viewer opened (a later "no helper" may mean it is gone). */
  private helperSeen = false;
  /**
   * The customer's `files` grant as last told by the helper's presence or consent. Kept while the
   * helper is away, so transfers wait for it instead of failing.
   */
  private filesGranted = false;
  private viewWasGranted = false;
  private hasPicture = false;
  /** Screen messages are applied only from a RESET on, in sequence. */
  private readonly order = new ScreenOrder();
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  /** What the server last heard from this viewer about the link (`viewer.link`). */
  private linkSlowTold = false;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly reconnect: ReconnectTimer;
  /** File transfer with the customer (the Files panel drives it). */
  readonly files: FileTransfers;
  private nextClipId = 1;
  private noticeSerial = 0;
  private closed = false;

  constructor(private readonly options: ViewerSessionOptions) {
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.reconnect = new ReconnectTimer({
      firstMs: RECONNECT_FIRST_MS,
      maxMs: RECONNECT_MAX_MS,
      jitter: RECONNECT_JITTER,
      random: this.random,
    });
    this.state = {
      phase: 'connecting',
      connection: 'connecting',
      refusedCode: null,
      endedBy: null,
      sas: null,
      grants: null,
      features: null,
      controlAllowed: false,
      helperReconnecting: false,
      helperEnded: null,
      helperBrowser: false,
      frame: null,
      monitors: [],
      selected: { kind: 'desktop' },
      origin: { x: 0, y: 0 },
      paused: null,
      pausePending: null,
      damaged: false,
      refusedFrames: 0,
      quality: options.quality ?? 'auto',
      background: 'off',
      reboot: null,
      rebootAllowed: false,
      notice: null,
    };
    this.link = new E2eLink({
      send: (frame) => this.socket?.sendFrame(frame),
      secured: (session) => this.onSecured(session),
      failed: (code) => {
        if (code !== 'timeout') this.notify('handshakeFailed', 'error', [code]);
      },
    });
    this.decoder = new DecoderClient(options.createDecoder(), {
      reset: (width, height) => {
        options.painter.reset(width, height);
        this.update({ frame: { width, height } });
      },
      present: (rects) => this.onPresent(rects),
      applied: (seq) => this.sendSealed(DataChannel.ack, encodeAck(seq)),
      failed: (code, message) => this.breakStream('decodeFailed', `${code}: ${message}`),
    });
    const save = options.saveFile ?? ((blob: Blob, name: string) => downloadBlob(blob, name));
    this.files = new FileTransfers({
      transport: { send: (payload) => this.sendSealed(DataChannel.files, payload) },
      createSink: options.createFileSink ?? (() => new BlobSink(save)),
      now: this.now,
      onVerified: (file) => this.socket?.sendText({ type: 'viewer.file', ...file }),
    });
    this.connect();
  }

  // ------------------------------------------------------------------ public surface

  get snapshot(): ViewerSnapshot {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  statsSnapshot(): StatsSnapshot {
    return this.stats.snapshot(this.now());
  }

  /** Main-thread paint times so far, in ms (benchmarks). */
  paintTimes(): readonly number[] {
    return this.stats.paintTimes();
  }

  /**
   * Sends one input event; false when control is not allowed now (view only, paused, ...).
   * `release.all` still goes out after a revoke (nothing may stay pressed), but never from an
   * account without control: it never pressed anything, and the relay would refuse it.
   */
  sendInput(event: InputEvent): boolean {
    const accountOff = controlDisabledByAccount(this.state.features);
    if (accountOff || (!this.state.controlAllowed && event.type !== 'release.all')) return false;
    return this.sendSealed(DataChannel.input, encodeJsonPayload(event));
  }

  sendAnnotation(msg: AnnotationMessage): boolean {
    if (!this.state.grants?.view || !this.link.session) return false;
    return this.sendSealed(DataChannel.annotations, encodeJsonPayload(msg));
  }

  selectMonitor(target: ScreenTarget): void {
    this.sendControl({ type: 'screen.select', target });
  }

  setQuality(mode: QualityMode): void {
    this.update({ quality: mode });
    this.sendControl({ type: 'screen.quality', mode });
  }

  /** Asks the customer for a plain background (they are asked first), or puts their wallpaper back. */
  setPlainBackground(on: boolean): void {
    if (on && this.state.background !== 'off') return;
    this.sendSealed(
      DataChannel.control,
      encodeJsonPayload({ type: 'background.plain', on } satisfies BackgroundControlToHelper),
    );
  }

  pause(): void {
    if (this.state.phase !== 'streaming' && this.state.phase !== 'waiting_picture') return;
    this.update({ pausePending: 'pause' });
    this.sendStream({ type: 'stream.pause' });
  }

  resume(): void {
    if (this.state.phase !== 'paused') return;
    this.update({ pausePending: 'resume' });
    this.sendStream({ type: 'stream.resume' });
  }

  /**
   * Shares the agent's clipboard text with the customer. Returns false (with a notice) when it is
   * too large or clipboard sharing is not granted.
   */
  sendClipboard(text: string): boolean {
    if (!this.state.grants?.clipboard) {
      this.notify('clipNotGranted', 'warning');
      return false;
    }
    const split = splitClip(text, this.nextClipId++ >>> 0);
    if (!split.ok) {
      this.notify('clipTooLarge', 'error', [String(split.chars), String(split.max)]);
      return false;
    }
    for (const m of split.messages) this.sendSealed(DataChannel.clipboard, encodeJsonPayload(m));
    return true;
  }

  /** Asks the helper for the customer's clipboard (explicit "pull"). */
  requestClipboard(): boolean {
    if (!this.state.grants?.clipboard) {
      this.notify('clipNotGranted', 'warning');
      return false;
    }
    return this.sendSealed(DataChannel.clipboard, encodeJsonPayload({ type: 'clip.request' }));
  }

  /**
   * Asks the helper to restart the customer's computer (the customer granted `reboot`); the
   * helper saves the session first and comes back into it after the restart. False when the
   * grant or the secure link is missing.
   */
  requestReboot(): boolean {
    if (!this.state.rebootAllowed || rebootInProgress(this.state.reboot?.stage ?? null) || !this.link.session)
      return false;
    const sent = this.sendSealed(DataChannel.session, encodeJsonPayload({ type: 'session.reboot' }));
    if (sent) {
      this.rebootStep('asked');
      this.notify('rebootRequested', 'info');
    }
    return sent;
  }

  /** Shows a notice raised by the UI layer (screenshot saved, clipboard read failed, ...). */
  notify(key: NoticeKey, level: Notice['level'] = 'info', args: string[] = []): void {
    this.update({ notice: { key, level, args, serial: ++this.noticeSerial } });
  }

  dismissNotice(): void {
    this.update({ notice: null });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    this.files.close();
    this.link.drop();
    this.socket?.close();
    this.decoder.close();
    this.listeners.clear();
  }

  // ------------------------------------------------------------------ connection

  private connect(): void {
    if (this.closed) return;
    this.socket = new ViewerSocket(
      this.options.url,
      { token: this.options.token, sessionId: this.options.sessionId },
      {
        welcome: (m) => this.onWelcome(m),
        push: (m) => this.onPush(m),
        frame: (f) => void this.onFrame(f),
        closed: (info) => this.onSocketClosed(info),
      },
      this.options.createSocket,
    );
  }

  private moveConnection(to: Connection): void {
    this.connection = nextConnection(this.connection, to);
  }

  private onWelcome(m: ViewerWelcome): void {
    this.moveConnection('open');
    this.reconnect.reset();
    const reconnecting = m.helper === null && m.helperReconnecting === true;
    if (m.helper === null && !reconnecting && this.helperSeen) {
      // The helper stopped for good while this viewer was away: nothing it held can go on.
      this.filesGone('helper_gone', "the customer's helper stopped");
    }
    if (m.features?.fileTransfer === false) {
      this.files.endAll({ code: 'forbidden', message: 'file transfer is not enabled for your account' });
    }
    // A new server-side peer: it has heard nothing about the link yet.
    this.linkSlowTold = false;
    this.helperPresent = m.helper !== null;
    if (m.helper) {
      this.helperSeen = true;
      this.filesGranted = m.helper.grants.files;
    }
    this.viewWasGranted = m.helper?.grants.view ?? (reconnecting && this.viewWasGranted);
    this.update({
      // While the helper is away its last grants stand (it comes back with them).
      grants: m.helper?.grants ?? (reconnecting ? this.state.grants : null),
      features: m.features ?? null,
      helperReconnecting: reconnecting,
      helperBrowser: m.helper?.browser === true,
    });
    this.rebootStep(m.helper ? 'helperBack' : reconnecting ? 'helperAway' : 'helperGone');
    if (m.helper) void this.link.start();
  }

  /** Moves the restart's progress when `event` applies to where it is (most events do not). */
  private rebootStep(event: RebootEvent): RebootStage | null {
    const from = this.state.reboot?.stage ?? null;
    if (!rebootEventApplies(from, event)) return null;
    const to = nextRebootStage(from, event);
    if (to === from) return null;
    this.update({ reboot: to === null ? null : { stage: to, since: this.now() } });
    if (to === 'back') this.notify('rebootBack', 'info');
    else if (to === 'gaveUp') this.notify('rebootGaveUp', 'error', [String(REBOOT_WAIT_MINUTES)]);
    return to;
  }

  /** Every file transfer fails: the helper stopped for good, or the session ended. */
  private filesGone(code: 'helper_gone' | 'unavailable', message: string): void {
    this.filesGranted = false;
    this.files.endAll({ code, message });
  }

  private onSocketClosed(info: { code: number; refused: ErrorCode | null; welcomed: boolean }): void {
    this.socket = null;
    // Our own connection dropped: keep the last picture (dimmed by the phase) while reconnecting.
    this.leaveHelper(false, false);
    if (this.closed || this.connection === 'ended' || this.connection === 'refused') return;
    if (info.code === CLOSE_SESSION_ENDED) {
      this.moveConnection('ended');
      this.update({ endedBy: this.state.endedBy ?? 'system' });
      return;
    }
    if (info.code === CLOSE_SIGNED_OUT || (info.refused !== null && AGENT_FINAL_REFUSALS.has(info.refused))) {
      this.moveConnection('refused');
      this.update({ refusedCode: info.refused ?? 'signed_out' });
      return;
    }
    if (info.code === CLOSE_NODE_LOST) this.notify('serverNodeLost', 'warning');
    this.moveConnection('retrying');
    this.update({});
    this.reconnect.schedule(() => {
      if (this.closed || !canMoveConnection(this.connection, 'connecting')) return;
      this.moveConnection('connecting');
      this.update({});
      this.connect();
    });
  }

  private onPush(m: ViewerPush): void {
    switch (m.type) {
      case 'helper.joined':
        this.helperPresent = true;
        this.helperSeen = true;
        // A new helper that has asked nothing yet says no grants: transfers wait for the answer.
        this.filesGranted = m.helper.grants.files;
        this.viewWasGranted = m.helper.grants.view;
        this.update({
          grants: m.helper.grants,
          helperReconnecting: false,
          helperEnded: null,
          helperBrowser: m.helper.browser === true,
        });
        void this.link.start();
        this.rebootStep('helperBack');
        return;
      case 'helper.left':
        this.onHelperLeft(m);
        return;
      case 'helper.consent':
        this.onConsent(m.grants);
        return;
      case 'viewer.features':
        this.onFeatures(m.features);
        return;
      case 'session.ended':
        this.update({ endedBy: m.by, reboot: null });
        if (canMoveConnection(this.connection, 'ended')) this.moveConnection('ended');
        this.filesGone('unavailable', 'the support session has ended');
        this.leaveHelper(false);
        this.socket?.close();
        return;
      case 'reply':
      case 'error':
        // Relay notices (a frame dropped for want of consent, the helper gone): the consent and
        // presence messages already tell the agent; nothing more to show.
        return;
    }
  }

  private onHelperLeft(m: Extract<ViewerPush, { type: 'helper.left' }>): void {
    this.leaveHelper(m.reconnecting);
    if (m.ended) this.update({ helperEnded: m.ended });
    // The customer ended it from the restarted helper: their own notice says so.
    const stage = this.rebootStep(m.reconnecting ? 'helperAway' : m.ended ? 'cleared' : 'helperGone');
    if (!m.reconnecting) this.filesGone('helper_gone', "the customer's helper stopped");
    // The restart's progress (waiting, or gave up after 10 minutes) says more than a generic notice.
    if (stage === 'waiting' || stage === 'gaveUp') return;
    this.notify(m.reconnecting ? 'helperReconnecting' : 'helperLeft', 'warning');
  }

  /** A manager changed the agent's features while the viewer is open: the relay applies them already. */
  private onFeatures(features: Features): void {
    const before = this.state.features;
    if (before?.screenControl !== false && !features.screenControl)
      this.notify('controlOffByManager', 'warning');
    else if (before?.screenControl === false && features.screenControl)
      this.notify('controlOnByManager', 'info');
    else if (before?.fileTransfer !== false && !features.fileTransfer)
      this.notify('filesOffByManager', 'warning');
    else if (before?.fileTransfer === false && features.fileTransfer) this.notify('filesOnByManager', 'info');
    this.update({ features });
  }

  private onConsent(grants: Grants): void {
    const before = this.state.grants;
    // An account without control is view-only anyway: the customer's control grant changes nothing.
    const controlMatters = !controlDisabledByAccount(this.state.features);
    if (before?.view && !grants.view) {
      // At once: the picture goes, and nothing from the old stream is painted any more.
      this.dropStream();
      this.blankPicture();
      this.notify('viewRevoked', 'warning');
    } else if (controlMatters && before?.control && !grants.control) {
      this.notify('controlRevoked', 'warning');
    } else if (controlMatters && before?.view && !before.control && grants.control && grants.view) {
      // Control added while the agent was already watching (not the first consent).
      this.notify('controlGranted', 'info');
    }
    if (grants.view) this.viewWasGranted = true;
    if (this.filesGranted && !grants.files) {
      // The customer took `files` back: at once, every transfer ends (the helper deletes its part).
      this.files.endAll({ code: 'consent_required', message: 'the customer stopped file sharing' });
    }
    this.filesGranted = grants.files;
    // The screen is shared again: the "stopped sharing" notice is no longer true.
    const stale = !before?.view && grants.view && this.state.notice?.key === 'viewRevoked';
    this.update({ grants, ...(stale ? { notice: null } : {}) });
  }

  private leaveHelper(reconnecting: boolean, blank = !reconnecting): void {
    this.helperPresent = false;
    this.link.drop();
    this.files.linkDown();
    this.stopPings();
    this.stats.resetPings();
    // No link to measure: the customer's advice goes (it comes back if the link is slow again).
    this.tellLink(false);
    this.dropStream();
    if (blank) this.blankPicture();
    this.update({
      sas: null,
      paused: null,
      pausePending: null,
      helperReconnecting: reconnecting,
      monitors: [],
    });
  }

  // ------------------------------------------------------------------ data plane

  private onSecured(session: E2eSession): void {
    this.update({ sas: session.sas });
    if (this.state.quality !== 'auto') this.sendControl({ type: 'screen.quality', mode: this.state.quality });
    this.stopPings();
    this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.ping();
    this.files.linkUp();
  }

  private async onFrame(frame: Uint8Array): Promise<void> {
    this.stats.bytesReceived(frame.byteLength, this.now());
    const parsed = parseFrame(frame);
    if (!parsed.ok || parsed.header.from !== PEER_HELPER) return;
    if (parsed.header.channel === DataChannel.handshake) {
      await this.link.receive(parsed.payload);
      return;
    }
    const session = this.link.session;
    if (!session) return;
    let plaintext: Uint8Array;
    let channel: DataChannelId;
    try {
      const opened = await session.open(frame);
      plaintext = opened.plaintext;
      channel = opened.channel;
    } catch (e) {
      if (this.link.session !== session) return; // keys changed meanwhile
      if (isCryptoError(e) && e.code === 'frame_replayed') return; // an old copy: nothing lost
      this.update({ refusedFrames: this.state.refusedFrames + 1 });
      this.breakStream('frameRefused', isCryptoError(e) ? e.code : String(e));
      return;
    }
    if (this.link.session !== session) return;
    this.onPlaintext(channel, plaintext);
  }

  private onPlaintext(channel: DataChannelId, payload: Uint8Array): void {
    switch (channel) {
      case DataChannel.screen:
        this.onScreen(payload);
        return;
      case DataChannel.cursor:
        this.onCursor(payload);
        return;
      case DataChannel.control:
        this.onControl(payload);
        return;
      case DataChannel.clipboard:
        this.onClipboard(payload);
        return;
      case DataChannel.files:
        this.files.onPayload(payload);
        return;
      default:
        // input, annotations and ack do not flow helper -> viewer.
        return;
    }
  }

  private onScreen(payload: Uint8Array): void {
    if (!this.state.grants?.view || this.state.paused) return;
    const verdict = this.order.check(payload);
    switch (verdict.kind) {
      case 'malformed':
        this.breakStream('decodeFailed', 'screen message without a sequence number');
        return;
      case 'gap':
        this.breakStream('decodeFailed', `screen message ${verdict.seq} where ${verdict.expected} was due`);
        return;
      case 'waiting':
        return; // waiting for the RESET we asked for
      case 'reset':
        this.clearRefreshTimer();
        this.decoder.screen(payload);
        return;
      case 'next':
        this.decoder.screen(payload);
        return;
    }
  }

  private onPresent(rects: DirtyRect[]): void {
    if (!this.order.inStream) return; // painted before the break was noticed: not shown
    const ms = this.options.painter.present(rects);
    this.stats.presented(this.now(), ms);
    if (!this.hasPicture || this.state.damaged) {
      this.hasPicture = true;
      this.update({ damaged: false });
    }
  }

  private onCursor(payload: Uint8Array): void {
    if (!this.state.grants?.view) return;
    try {
      const what = this.cursor.apply(payload);
      if (what === 'shape') this.options.painter.cursorShape(this.cursor.shape);
      else this.options.painter.cursorMove(this.cursor.position);
    } catch {
      // A bad cursor message costs the pointer's look, nothing else.
    }
  }

  private onControl(payload: Uint8Array): void {
    const parsed = parseAnyControlToViewer(payload);
    if (!parsed.ok) return;
    const msg = parsed.value;
    (this.controlHandlers[msg.type] as (m: ControlToViewer) => void)(msg);
  }

  private readonly controlHandlers: HandlerMap<ControlToViewer, void> = {
    'screen.monitors': (m) => {
      const sel = m.selected;
      const monitor = sel.kind === 'monitor' ? m.monitors.find((x) => x.id === sel.id) : undefined;
      this.update({
        monitors: m.monitors,
        selected: sel,
        origin: monitor ? { x: monitor.bounds.x, y: monitor.bounds.y } : { x: 0, y: 0 },
      });
    },
    pong: (m) => this.stats.pongReceived(m.id, this.now()),
    'stream.state': (m) => {
      const wasPaused = this.state.paused !== null;
      if (m.paused) {
        this.update({ paused: { by: m.by }, pausePending: null });
        // A customer who took back `view` "pauses" too: the revoke notice already says it better.
        if (!wasPaused && m.by === 'customer' && this.state.grants?.view)
          this.notify('pausedByCustomer', 'info');
      } else {
        // Resumed: the helper starts a new stream with a RESET; until then nothing is applied.
        // "Paused by the customer" is no longer true (it may also have come in late, after the
        // consent that gave the view back, as the two travel different ways).
        this.dropStream();
        const stale = this.state.notice?.key === 'pausedByCustomer';
        this.update({ paused: null, pausePending: null, ...(stale ? { notice: null } : {}) });
      }
    },
    'background.state': (m) => {
      const now = m.state === 'on' || m.state === 'asking' ? m.state : 'off';
      const was = this.state.background;
      this.update({ background: now });
      if (m.state === 'on' && was !== 'on') this.notify('backgroundOn', 'info');
      else if (m.state === 'declined') this.notify('backgroundDeclined', 'info');
      else if (m.state === 'unsupported') this.notify('backgroundUnsupported', 'warning', [m.message ?? '']);
      else if (m.state === 'failed') this.notify('backgroundFailed', 'error', [m.message ?? '']);
    },
    'session.refused': (m) => {
      if (m.request === 'clipboard') this.notify('clipNotGranted', 'warning');
      else if (m.request === 'input') {
        const { key, level } = inputRefusalNotice(m.code);
        this.notify(key, level);
      } else if (m.request === 'session.reboot') {
        this.rebootStep('cleared');
        this.notify('rebootRefused', 'error', [m.message]);
      }
    },
  };

  private onClipboard(payload: Uint8Array): void {
    const parsed = parseJsonPayload(ClipboardMessage, payload);
    if (!parsed.ok) return;
    const out = this.clips.receive(parsed.value);
    if (!out) return;
    switch (out.kind) {
      case 'clip':
        this.options.onClipboard?.(out.text);
        return;
      case 'refused':
        this.sendSealed(DataChannel.clipboard, encodeJsonPayload(out.reply));
        this.notify('clipRefused', 'error', [String(out.chars), String(out.max)]);
        return;
      case 'request':
        this.options.onClipboardRequest?.();
        return;
      case 'error':
        this.notify(
          out.code === 'too_large'
            ? 'clipTooLargeForCustomer'
            : out.code === 'not_granted'
              ? 'clipNotGranted'
              : 'clipUnavailable',
          'error',
        );
        return;
    }
  }

  /** Stops applying the stream, asks the helper for a fresh one, and shows why. */
  private breakStream(notice: 'frameRefused' | 'decodeFailed', detail: string): void {
    const wasOk = this.order.inStream;
    this.dropStream();
    if (this.hasPicture) this.update({ damaged: true });
    this.notify(notice, 'error', [detail.slice(0, 200)]);
    if (wasOk || this.refreshTimer === null) this.askRefresh();
  }

  private dropStream(): void {
    this.order.drop();
    this.decoder.restart();
  }

  private blankPicture(): void {
    this.hasPicture = false;
    this.options.painter.blank();
    this.options.painter.cursorShape(null);
  }

  private askRefresh(): void {
    this.clearRefreshTimer();
    this.sendControl({ type: 'screen.refresh' });
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      if (!this.order.inStream && this.link.session && this.state.grants?.view && !this.state.paused)
        this.askRefresh();
    }, REFRESH_RETRY_MS);
  }

  private ping(): void {
    if (!this.link.session) return;
    this.reportLink();
    const id = this.stats.pingSent(this.now());
    this.sendStream({ type: 'ping', id });
  }

  /** Tells the server once per change whether the link is slow, for the customer's advice. */
  private reportLink(): void {
    this.tellLink(linkSlow(this.stats.snapshot(this.now()).quality, this.linkSlowTold));
  }

  private tellLink(slow: boolean): void {
    if (slow === this.linkSlowTold) return;
    const msg: ViewerToServer = { type: 'viewer.link', slow };
    if (this.socket?.sendText(msg)) this.linkSlowTold = slow;
  }

  private sendControl(msg: ScreenControlToHelper): void {
    this.sendSealed(DataChannel.control, encodeControl(msg));
  }

  private sendStream(msg: StreamControlToHelper): void {
    this.sendSealed(DataChannel.control, encodeJsonPayload(msg));
  }

  /** Seals and sends in call order (seal() resolves in call order); false when there is no link. */
  private sendSealed(channel: DataChannelId, payload: Uint8Array): boolean {
    const session = this.link.session;
    const socket = this.socket;
    if (!session || !socket) return false;
    session.seal(channel, PEER_HELPER, payload).then(
      (frame) => {
        if (this.link.session === session) socket.sendFrame(frame);
      },
      () => undefined, // too large or keys exhausted: the caller's limits prevent the first
    );
    return true;
  }

  // ------------------------------------------------------------------ state

  private update(patch: Partial<ViewerSnapshot>): void {
    const next = { ...this.state, ...patch, connection: this.connection };
    next.phase = derivePhase({
      connection: this.connection,
      helperPresent: this.helperPresent,
      secure: next.sas !== null,
      grants: next.grants,
      viewWasGranted: this.viewWasGranted,
      paused: next.paused !== null,
      hasPicture: this.hasPicture,
    });
    next.controlAllowed = !next.helperBrowser && canControl(next.phase, next.grants, next.features);
    // Grants are kept while the helper is away (it comes back with them): only a helper here may restart.
    next.rebootAllowed = this.helperPresent && !next.helperBrowser && canRestart(next.grants, next.features);
    this.state = next;
    // Both the customer's grant (kept while the helper is away) and the account's feature.
    this.files.setAllowed(this.filesGranted && next.features?.fileTransfer !== false);
    for (const l of this.listeners) l(next);
  }

  private stopPings(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private clearRefreshTimer(): void {
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  private stopTimers(): void {
    this.stopPings();
    this.clearRefreshTimer();
    this.reconnect.cancel();
  }
}
