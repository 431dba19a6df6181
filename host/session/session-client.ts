/**
 * The helper's session client: the real HelperController behind both ways of starting the
 * helper (native messaging, standalone `join` / `resume`). It connects to `<server>/ws`, says
 * `helper.hello` (join code, or resume token), and then:
 *   - keeps one ViewerPeer per viewer the server announces (welcome's `viewers`, peer.joined),
 *     each with its own end-to-end handshake, keys and screen encoder;
 *   - asks the customer's consent for each agent that arrives (`host.consent_needed`) and applies
 *     the answer through the ConsentGate, reporting every grant and revoke to the server
 *     (`helper.consent`); nothing is captured, injected, read or written before that;
 *   - reports its state (`host.status`: `paused` included, and each secured viewer's security
 *     code) on every change, for the extension's window or the standalone indicator;
 *   - on socket loss (network, or after `helper.rebooting`) reconnects from ONE timer with backoff
 *     and jitter using the resume token of the last welcome, for up to RECONNECT_GRACE_MS;
 *   - keeps the per-user state file (resume-state-file.ts) current: server, the latest resume
 *     token and, once the customer answered, their consent; written at every welcome and consent
 *     change and refreshed while connected, so a helper started after this one dies (a crash, a
 *     kill, a reboot) comes back into the same session and asks nothing the customer answered;
 *   - on a viewer's reboot request (granted `reboot` only) says `helper.rebooting`, saves the
 *     state, and asks the platform to reboot;
 *   - runs file transfer for every viewer (file-transfer/), which outlives a socket so that an
 *     upload suspended by a reconnect resumes, and the process too (the upload journal: a helper
 *     started afterwards adopts the session's uploads); revoking `files` ends every transfer at once.
 * States: helper-state-machine.ts. Errors meant for the caller are ProtocolErrors.
 */
import { NO_GRANTS, PROTOCOL_VERSION, type Grants } from '../../protocol/common';
import { ProtocolError, isErrorCode, type ErrorCode } from '../../protocol/errors';
import { parseFrame, DataChannel } from '../../protocol/frame';
import type { OsInfo, ServerToHelper } from '../../protocol/helper-channel';
import type { Language } from '../../protocol/i18n/language';
import { HELLO_TIMEOUT_MS, RECONNECT_GRACE_MS } from '../../protocol/limits';
import type { HandlerMap } from '../../protocol/message';
import { STATUS_VIEWERS_MAX, type HelperState, type SecuredViewer } from '../../protocol/native-channel';
import { ConsentGate } from '../consent/consent-gate';
import type { HelperController, HelperEvent, JoinRequest } from '../native/helper-controller';
import {
  currentSystem,
  describeOs,
  desktopBackground,
  dialogHost,
  loadPlatform,
  resumeAtLogin,
  systemProxySettings,
  unsupportedReason,
  type SystemFacts,
} from '../platform/registry';
import type { DesktopBackgroundChoice, Platform } from '../platform/types';
import { windowBackgroundQuestion } from '../consent/prompts/background-question';
import { HelperText } from '../i18n/helper-text';
import { systemLanguage } from '../i18n/system-language';
import { backgroundFileBeside } from './plain-background/background-restore-file';
import {
  PlainBackgroundService,
  restoreLeftoverBackground,
  type PlainBackgroundQuestion,
  type PlainBackgroundState,
} from './plain-background/plain-background-service';
import type { ResumeAtLogin } from '../platform/backend';
import { createAnnotationSurface } from '../overlay/choose-annotation-surface';
import type { AnnotationSurface } from './annotation-surface';
import type { ClipboardMemory } from './clipboard-exchange';
import { FileTransferService, type FileTransferEvent } from './file-transfer/file-transfer-service';
import type { OfferEvent } from './file-transfer/customer-offer';
import { HelperStateMachine, type SessionState } from './helper-state-machine';
import { InputBlockWatch } from './input-block-watch';
import { InputDispatcher } from './input-dispatcher';
import { ReconnectTimer, type ReconnectTimerOptions } from './reconnect-timer';
import { TransferJournal } from './file-transfer/transfer-journal';
import {
  defaultStateFile,
  deleteResumeStateOf,
  readResumeState,
  RESUME_STATE_REFRESH_MS,
  writeResumeState,
  type ResumeState,
} from './resume-state-file';
import { routeTo, type NetworkOptions, type Route } from '../net/server-agent';
import { LINK_CONNECT_TIMEOUT_MS, ServerLink, socketUrl, type HelloMessage } from './server-link';
import { ScreenSourceView, ScreenViewGroup } from './shared-screen-source';
import path from 'node:path';
import { ViewerPeer, type EncoderTuning, type ViewerPeerStats } from './viewer-peer';

/** How long join/resume may wait for the server's welcome, in ms. */
export const JOIN_TIMEOUT_MS = LINK_CONNECT_TIMEOUT_MS + HELLO_TIMEOUT_MS;
/**
 * After the system accepted a reboot, how long this process waits to be stopped by it before it
 * concludes the reboot is not happening and reconnects as after any loss, in ms.
 */
export const REBOOT_STALL_MS = 120_000;
/** After helper.stop, how long the server has to close the socket before the helper does, in ms. */
const STOP_CLOSE_WAIT_MS = 2000;
/** What the helper asks an agent's consent for by default: everything, each answered separately. */
export const ALL_CAPABILITIES: Grants = {
  view: true,
  control: true,
  clipboard: true,
  files: true,
  reboot: true,
};
/** Codes after which a resume can never succeed: stop trying and end. */
const FINAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'resume_expired',
  'session_ended',
  'session_not_found',
  'os_not_supported',
  'protocol_unsupported',
  'join_code_invalid',
  'join_code_expired',
  'illegal_transition',
  'too_many_attempts',
  'download_ticket_invalid',
  'download_ticket_expired',
  'download_ticket_used',
]);

/** Events beyond the native channel's: for the standalone terminal and for tests. */
export type SessionNotice =
  | { type: 'viewer.ready'; peerId: number; agentName: string; sas: string }
  | { type: 'viewer.left'; peerId: number; agentName: string }
  | { type: 'reconnecting'; attempt: number }
  | { type: 'rebooting' }
  /** The plain background came on or went off on the customer's desktop (or the question opened). */
  | { type: 'background'; state: PlainBackgroundState }
  | { type: 'refused'; request: string; code: ErrorCode; message: string }
  /** A restarted helper took back the consent the customer gave before (resume state). */
  | { type: 'consent.restored'; grants: Grants; agentNames: string[] }
  /** A file transfer started, moved (at most twice a second), or ended. */
  | { type: 'file'; transfer: FileTransferEvent }
  /** The agent answered the file the customer offered (FileTransferService.offerFile). */
  | { type: 'file.offer'; offer: OfferEvent }
  | { type: 'ended'; code: ErrorCode | null; message: string; reason: EndReason };

/** Why the session ended on this side, for the customer's words (host/i18n: `end.*`). */
export type EndReason =
  'stopped' | 'declined' | 'closed' | 'you_ended' | 'session_ended' | 'lost' | 'reconnect_expired' | 'failed';

export interface SessionClientOptions {
  /** The helper's version, sent in the hello. */
  version: string;
  /** The system to describe and load a platform for (default: this machine). */
  system?: SystemFacts;
  /** Builds the Platform (default: loadPlatform for `system`); tests pass fakes. */
  platform?: (system: SystemFacts) => Promise<Platform>;
  /** The per-user resume state file (default: $XDG_STATE_HOME/lifeline/resume.json). */
  stateFile?: string;
  /** Grants asked for when an agent arrives (default: all five). */
  requested?: Grants;
  reconnect?: ReconnectTimerOptions;
  encoder?: EncoderTuning;
  annotations?: AnnotationSurface;
  /** One line for the log (stderr in both modes). */
  log?: (line: string) => void;
  /** Silence after which the link counts as dead, in ms (tests shorten it). */
  linkSilenceMs?: number;
  /** Proxy settings (default: the environment's, then the system's: host/net/). */
  network?: NetworkOptions;
  /**
   * The command that resumes this helper (`lifeline-helper resume --state-file ...`, the CLI's
   * own). With it, where the system needs one (Linux), a one-session autostart entry runs it at
   * the next login after a restart the agent asked for, and this client removes that entry once
   * back in the session or at the session's end. Without it (tests, embedders) no entry is touched.
   */
  resumeArgv?: readonly string[];
  /** The desktop's wallpaper control (default: the platform table's); tests pass fakes. */
  desktopBackground?: (kind?: string) => DesktopBackgroundChoice;
  /**
   * How the customer is asked about the plain background (default: the helper's own window where
   * the system has one; the standalone helper passes its own, with the terminal as fallback).
   */
  backgroundQuestion?: PlainBackgroundQuestion | null;
}

type Credential = HelloMessage['credential'];

/** The consent saved with the session (resume-state-file.ts), given back to a restarted helper. */
export type SavedConsent = NonNullable<ResumeState['consent']>;

/** Agents remembered as approved in the state file at most. */
const SAVED_AGENTS_MAX = 32;

interface PendingJoin {
  resolve(): void;
  reject(err: ProtocolError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class SessionClient implements HelperController {
  private readonly machine: HelperStateMachine;
  private readonly listeners = new Set<(event: HelperEvent) => void>();
  private readonly noticeListeners = new Set<(notice: SessionNotice) => void>();
  private readonly peers = new Map<number, ViewerPeer>();
  /** Every viewer's view of the screen: a lone viewer reads captures in place (shared-screen-source.ts). */
  private readonly screenViews = new ScreenViewGroup();
  /** Tells the viewers when the system would refuse their input (Windows: an admin window in front). */
  private blockWatch: InputBlockWatch | null = null;
  private readonly approvedAgents = new Set<string>();
  private readonly pendingAgents = new Set<string>();
  private readonly clipboardMemory: ClipboardMemory = { last: null };
  private readonly reconnect: ReconnectTimer;
  private readonly annotations: AnnotationSurface;
  private readonly system: SystemFacts;
  private readonly os: OsInfo;
  private readonly unsupported: string | null;
  private readonly stateFile: string;
  private readonly journal: TransferJournal;
  private readonly log: (line: string) => void;
  /** The consent to take back at the first welcome (a restarted helper's saved state). */
  private restore: SavedConsent | null = null;
  /** State file writes, one after the other. */
  private saving: Promise<void> = Promise.resolve();
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private gate: ConsentGate | null = null;
  private input: InputDispatcher | null = null;
  private files: FileTransferService | null = null;
  /** The plain background during the session (plain-background/), for every viewer. */
  private background: PlainBackgroundService | null = null;
  private backgroundAsker: PlainBackgroundQuestion | null | undefined;
  private link: ServerLink | null = null;
  private server: string | null = null;
  private resumeToken: string | null = null;
  private sessionId: string | null = null;
  private welcomed = false;
  private customerLanguage: Language | null = null;
  /** The proxy the current link goes through ("http://proxy:3128"), or null (direct). */
  private proxy: string | null = null;
  private pendingJoin: PendingJoin | null = null;
  private stopping = false;
  private stopTimer: ReturnType<typeof setTimeout> | null = null;
  private unwatchClipboard: (() => void) | null = null;
  /** An agent's viewer paused the picture (stream.pause) for everyone. */
  private agentPaused = false;
  /** The pause state last told to the viewers. */
  private toldPaused = false;
  /**
   * The system accepted a reboot: this process is about to die, and the saved resume token must
   * stay valid for the helper started after it. So no reconnect (a resume now would make the
   * server issue a new token) and the state file is kept.
   */
  private rebootPending = false;
  private endedResolve!: () => void;
  /** Resolves once the session has ended (stop, session over, resume impossible). */
  readonly ended: Promise<void>;
  private readonly handlers: HandlerMap<ServerToHelper, ServerLink>;

  constructor(private readonly options: SessionClientOptions) {
    this.system = options.system ?? currentSystem();
    this.os = describeOs(this.system);
    this.unsupported = unsupportedReason(this.system);
    this.stateFile = options.stateFile ?? defaultStateFile();
    this.log = options.log ?? ((line) => process.stderr.write(`lifeline-helper: ${line}\n`));
    this.journal = new TransferJournal(
      path.join(path.dirname(this.stateFile), 'transfers'),
      (event, details) => this.log(`${event} ${JSON.stringify(details ?? {})}`),
    );
    this.reconnect = new ReconnectTimer(options.reconnect);
    // On an X desktop: the overlay that draws on the customer's screen (host/overlay/).
    this.annotations =
      options.annotations ??
      createAnnotationSurface(this.system, this.log, async () =>
        // Its captures take turns with the viewers' (never into a frame lent to an encoder).
        this.screenViews.guest(await this.requireGate().screen()),
      );
    this.machine = new HelperStateMachine(() => this.emitStatus());
    this.ended = new Promise((resolve) => (this.endedResolve = resolve));
    this.handlers = {
      'helper.welcome': (m, link) => this.onWelcome(m, link),
      reply: () => {},
      error: (m, link) =>
        this.onServerError(isErrorCode(m.code) ? m.code : 'internal_error', m.message, link, m.details),
      'peer.joined': (m) => this.addPeer(m.peer.peerId, m.peer.agentName),
      'peer.left': (m) => void this.removePeer(m.peerId),
      'session.ended': (m) =>
        void this.finish(
          'session_ended',
          m.by === 'customer' ? 'you ended the support session' : 'the support session has ended',
          m.by === 'customer' ? 'you_ended' : 'session_ended',
        ),
    };
  }

  // ------------------------------------------------------------------ HelperController

  get state(): SessionState {
    return this.machine.state;
  }

  currentState(): HelperState {
    return this.machine.reported();
  }

  /** Joins with a join code; resolves once the server welcomed the helper. */
  async join(request: JoinRequest): Promise<{ state: HelperState }> {
    return this.start(request.server, { kind: 'join', joinCode: request.joinCode });
  }

  /** Joins with the ticket of a download bound to the request (no code typed). */
  async joinWithTicket(request: { server: string; ticket: string }): Promise<{ state: HelperState }> {
    return this.start(request.server, { kind: 'ticket', ticket: request.ticket });
  }

  /** The language the customer chose on the support page (from the welcome), null until known. */
  get language(): Language | null {
    return this.customerLanguage;
  }

  /**
   * Comes back after this helper's end (a reboot, a crash, a kill) with the saved resume token,
   * and the consent the customer gave before, if any: then nothing is asked again.
   */
  async resume(request: {
    server: string;
    resumeToken: string;
    consent?: SavedConsent;
  }): Promise<{ state: HelperState }> {
    this.resumeToken = request.resumeToken;
    this.restore = request.consent ?? null;
    return this.start(request.server, { kind: 'resume', resumeToken: request.resumeToken });
  }

  /**
   * Comes back into the session saved in this helper's state file (by a helper that ended without
   * a stop), if it is a session of `server`: what native mode does when the extension restarts a
   * helper that died.
   */
  async resumeSaved(server: string): Promise<{ state: HelperState }> {
    const saved = await readResumeState(this.stateFile);
    if (new URL(saved.server).origin !== new URL(server).origin) {
      throw new ProtocolError('not_found', 'no saved session with this server');
    }
    return this.resume({
      server: saved.server,
      resumeToken: saved.resumeToken,
      ...(saved.consent ? { consent: saved.consent } : {}),
    });
  }

  async consent(grants: Grants): Promise<{ grants: Grants }> {
    const state = this.machine.state;
    if (
      state !== 'waiting_consent' &&
      state !== 'sharing' &&
      state !== 'paused' &&
      state !== 'reconnecting'
    ) {
      throw new ProtocolError(
        'illegal_transition',
        `cannot change consent while ${this.machine.reported()}`,
        {
          state: this.machine.reported(),
        },
      );
    }
    const gate = this.requireGate();
    const next = { ...grants };
    const any = Object.values(next).some(Boolean);
    // The gate first: a revoke is in force before anything else happens.
    await gate.set(next);
    if (!next.files) await this.files?.revoke();
    if (any) {
      for (const name of this.pendingAgents) this.approvedAgents.add(name);
      this.pendingAgents.clear();
    }
    if (this.welcomed && this.link?.isOpen)
      this.link.send({ type: 'helper.consent', grants: gate.current() });
    if (this.machine.can(any ? 'grant' : 'revoke_all')) this.machine.move(any ? 'grant' : 'revoke_all');
    this.syncSharing();
    this.syncClipboardWatch();
    this.emitStatus();
    void this.saveState();
    return { grants: gate.current() };
  }

  async stop(): Promise<{ state: HelperState }> {
    if (this.machine.state === 'ended') {
      throw new ProtocolError('illegal_transition', 'sharing has already ended', { state: 'ended' });
    }
    this.stopping = true;
    await this.gate?.stopAll();
    const link = this.link;
    if (this.rebootPending) {
      // Stopped by the system's shutdown: the server keeps waiting for the resume after the reboot.
      link?.terminate();
    } else if (link && link.isOpen && this.welcomed) {
      link.send({ type: 'helper.stop' });
      // The server closes the socket once it has handled the stop; closing first could make it
      // see a drop (and wait for a resume) instead of a stop.
      this.stopTimer = setTimeout(() => link.close(1000, 'stopped'), STOP_CLOSE_WAIT_MS);
    } else {
      link?.close(1000, 'stopped');
    }
    await this.finish(null, 'you stopped sharing', 'stopped');
    return { state: this.machine.reported() };
  }

  /**
   * The customer declined in the consent window, or closed it, before sharing anything: the
   * server tells the agent and the page why, and sharing ends. While something is already shared
   * (a second agent arrived), declining the newcomer changes nothing of what is shared.
   */
  async decline(reason: 'declined' | 'closed'): Promise<{ state: HelperState }> {
    if (this.machine.state === 'ended') {
      throw new ProtocolError('illegal_transition', 'sharing has already ended', { state: 'ended' });
    }
    if (this.gate?.sharing) {
      this.pendingAgents.clear();
      return { state: this.machine.reported() };
    }
    this.stopping = true;
    await this.gate?.stopAll();
    const link = this.link;
    if (link && link.isOpen && this.welcomed) {
      link.send({ type: 'helper.declined', reason });
      this.stopTimer = setTimeout(() => link.close(1000, reason), STOP_CLOSE_WAIT_MS);
    } else {
      link?.close(1000, reason);
    }
    await this.finish(null, reason === 'declined' ? 'you declined' : 'you closed the consent window', reason);
    return { state: this.machine.reported() };
  }

  onEvent(listener: (event: HelperEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Session notices (SAS, reconnects, refusals, end) beyond the native channel's events. */
  onNotice(listener: (notice: SessionNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.machine.state !== 'ended') await this.stop().catch(() => undefined);
    await this.gate?.close();
    this.annotations.close();
    this.listeners.clear();
    this.noticeListeners.clear();
  }

  // ------------------------------------------------------------------ for tests and the CLI

  /** How the customer is asked about the plain background from now on (the standalone helper's windows or terminal). */
  askBackgroundWith(question: PlainBackgroundQuestion | null): void {
    this.backgroundAsker = question;
  }

  /** The gate every platform call goes through (null before join). */
  get consentGate(): ConsentGate | null {
    return this.gate;
  }

  /** The session's file transfers (null before join): in progress, and cancel for the customer. */
  get fileTransfers(): FileTransferService | null {
    return this.files;
  }

  viewerStats(): { peerId: number; agentName: string; sas: string | null; stats: ViewerPeerStats }[] {
    return [...this.peers.values()].map((p) => ({
      peerId: p.peerId,
      agentName: p.agentName,
      sas: p.sas,
      stats: p.stats(),
    }));
  }

  /** Drops the socket as a network failure would (tests of the resume path). */
  dropLinkForTest(): void {
    this.link?.terminate();
  }

  // ------------------------------------------------------------------ connecting

  private async start(server: string, credential: Credential): Promise<{ state: HelperState }> {
    this.machine.move('join');
    this.server = server;
    if (!this.unsupported) {
      const make = this.options.platform ?? ((system) => loadPlatform({ system }));
      const gate = new ConsentGate(await make(this.system));
      this.gate = gate;
      this.input = new InputDispatcher(gate);
      this.blockWatch?.close();
      this.blockWatch = new InputBlockWatch(gate, {
        tell: (code, message) => {
          for (const peer of this.peers.values()) peer.refuse('input', code, message);
        },
        log: (event, details) => this.log(`${event} ${JSON.stringify(details ?? {})}`),
      });
      this.files = new FileTransferService({
        files: () => gate.files(),
        mayUse: (agentName) => this.approvedAgents.has(agentName),
        log: (event, details) => this.log(`${event} ${JSON.stringify(details ?? {})}`),
        onEvent: (transfer) => this.notice({ type: 'file', transfer }),
        onOffer: (offer) => this.notice({ type: 'file.offer', offer }),
        journal: this.journal,
        sessionId: () => this.sessionId,
      });
      this.background = this.createBackground();
      // A helper that died with the plain background on left what to put back: put it back now.
      await restoreLeftoverBackground(this.backgroundFile(), this.chooseBackground, (event, details) =>
        this.log(`${event} ${JSON.stringify(details ?? {})}`),
      );
    }
    const welcomed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => this.failJoin(new ProtocolError('unavailable', `no answer from ${server} in time`)),
        JOIN_TIMEOUT_MS,
      );
      this.pendingJoin = { resolve, reject, timer };
    });
    this.connect(credential);
    try {
      await welcomed;
    } catch (err) {
      if (this.unsupported && err instanceof ProtocolError && err.code === 'os_not_supported') {
        // The server said it to the page and the agent; the customer gets our own, fuller words.
        throw new ProtocolError('os_not_supported', this.unsupported, { os: this.os });
      }
      throw err;
    }
    return { state: this.machine.reported() };
  }

  private connect(credential: Credential): void {
    let route: Route;
    try {
      route = routeTo(socketUrl(this.server!), {
        systemProxy: systemProxySettings(this.system),
        ...this.options.network,
      });
    } catch (err) {
      // A proxy configuration that cannot work: say so rather than going around it.
      const message = err instanceof Error ? err.message : String(err);
      if (this.pendingJoin) this.failJoin(new ProtocolError('unavailable', message, { proxyConfig: true }));
      else void this.finish('unavailable', message, 'failed');
      return;
    }
    this.proxy = route.proxy;
    const hello: HelloMessage = {
      type: 'helper.hello',
      credential,
      protocol: PROTOCOL_VERSION,
      version: this.options.version.slice(0, 32),
      os: this.os,
      supported: this.unsupported === null,
    };
    const link: ServerLink = new ServerLink(
      this.server!,
      hello,
      {
        onMessage: (msg) => {
          if (this.link !== link) return;
          const handler = this.handlers[msg.type] as (m: ServerToHelper, l: ServerLink) => void;
          handler(msg, link);
        },
        onFrame: (frame) => {
          if (this.link === link) this.onFrame(frame);
        },
        onClose: (info) => {
          if (this.link === link) this.onLinkClosed(info);
        },
        onInvalid: (reason) => this.log(`ignored an invalid message from the server (${reason})`),
      },
      this.options.linkSilenceMs,
      route.agent,
    );
    this.link = link;
    this.welcomed = false;
  }

  private onWelcome(m: Extract<ServerToHelper, { type: 'helper.welcome' }>, link: ServerLink): void {
    const first = this.sessionId === null;
    this.welcomed = true;
    this.resumeToken = m.resumeToken;
    if (m.language) this.customerLanguage = m.language;
    this.sessionId = m.sessionId;
    this.reconnect.reset();
    const gate = this.requireGate();
    const restore = this.restore;
    this.restore = null;
    // Back in the session: the entry that brought this helper back after the restart has done its job.
    if (!this.rebootPending) void this.forgetResumeEntry();
    // Agents the customer approved before this helper restarted are not asked about again.
    if (restore) for (const name of restore.agents) this.approvedAgents.add(name);
    // A new socket means new viewer keys; the agent's pause does not outlive the old link.
    this.agentPaused = false;
    this.toldPaused = false;
    if (this.machine.state === 'reconnecting' && gate.sharing) {
      // Same process, same customer: the consent given still holds; the server hears it again.
      link.send({ type: 'helper.consent', grants: gate.current() });
      this.machine.move('welcome_sharing');
    } else if (this.machine.can('welcome')) {
      this.machine.move('welcome');
    }
    // Viewers start a fresh handshake with every new helper socket (they are told helper.joined).
    for (const peer of this.peers.values()) void peer.close();
    this.peers.clear();
    for (const v of m.viewers) this.addPeer(v.peerId, v.agentName);
    // Viewers' file requests wait until the restored consent and uploads are in place.
    this.files?.hold(this.afterWelcome(first, restore));
    this.startRefresh();
    const join = this.pendingJoin;
    this.pendingJoin = null;
    if (join) {
      clearTimeout(join.timer);
      join.resolve();
    }
    this.emitStatus();
  }

  /**
   * After a welcome: the first one sweeps the upload journal (stale part files go, this session's
   * uploads are adopted); a restarted helper takes back the consent the customer gave (and says it
   * to the server); the state file gets the new resume token.
   */
  private async afterWelcome(first: boolean, restore: SavedConsent | null): Promise<void> {
    try {
      if (first && this.files && this.sessionId !== null) {
        const entries = await this.journal.sweep({
          sessionId: this.sessionId,
          idleMs: RECONNECT_GRACE_MS,
          now: Date.now(),
        });
        this.files.adopt(entries);
      }
      if (restore && this.machine.state !== 'ended') {
        await this.consent(restore.grants);
        this.notice({ type: 'consent.restored', grants: { ...restore.grants }, agentNames: restore.agents });
      }
    } catch (err) {
      this.log(`restoring the session failed: ${String(err)}`);
    }
    await this.saveState();
  }

  /** What a helper started after this one needs (null before the first welcome). */
  private stateNow(): ResumeState | null {
    if (!this.server || !this.resumeToken || !this.sessionId) return null;
    const gate = this.gate;
    // The customer answered: their grants and the agents they approved are not asked again.
    const consented = gate !== null && this.approvedAgents.size > 0;
    return {
      server: this.server,
      resumeToken: this.resumeToken,
      sessionId: this.sessionId,
      savedAt: Date.now(),
      ...(consented
        ? { consent: { grants: gate.current(), agents: [...this.approvedAgents].slice(0, SAVED_AGENTS_MAX) } }
        : {}),
    };
  }

  /** Writes the state file (serialised: one write at a time). Failures are logged, not fatal. */
  private saveState(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const state = this.stateNow();
      if (!state || this.machine.state === 'ended') return;
      await writeResumeState(this.stateFile, state).catch((err: unknown) =>
        this.log(`could not save the session for a restart (${String(err)})`),
      );
    });
    return this.saving;
  }

  /** While connected, the state file is rewritten now and then: its age says when we were alive. */
  private startRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setInterval(() => {
      if (this.welcomed) void this.saveState();
    }, RESUME_STATE_REFRESH_MS);
    this.refreshTimer.unref?.();
  }

  private onServerError(
    code: ErrorCode,
    message: string,
    link: ServerLink,
    details?: Record<string, unknown>,
  ): void {
    if (!this.welcomed) {
      // The hello was refused. The server keeps the socket open for another try; we do not.
      link.close(1000, 'hello refused');
      if (this.pendingJoin) {
        this.failJoin(new ProtocolError(code, message, details));
        return;
      }
      if (FINAL_CODES.has(code)) {
        void this.finish(code, message, 'failed');
        return;
      }
      this.log(`the server refused to resume (${code}: ${message}); trying again`);
      return;
    }
    // After the welcome: relay notices (a frame dropped for missing consent, a viewer gone).
    this.log(`server: ${code}: ${message}`);
  }

  private failJoin(err: ProtocolError): void {
    const join = this.pendingJoin;
    if (!join) return;
    this.pendingJoin = null;
    clearTimeout(join.timer);
    const link = this.link;
    this.link = null;
    link?.close(1000, 'join failed');
    void this.finish(err.code, err.message, 'failed').then(() => join.reject(err));
  }

  private onLinkClosed(info: { code: number; reason: string; opened: boolean; error?: string }): void {
    this.link = null;
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    if (this.stopping || this.machine.state === 'ended') return;
    if (this.pendingJoin && this.resumeToken === null) {
      const why = info.opened
        ? `the server closed the connection (${info.code})`
        : (info.error ?? 'unreachable');
      this.failJoin(
        new ProtocolError(
          'unavailable',
          `could not join through ${this.server}: ${why}`,
          this.proxy ? { proxy: this.proxy } : undefined,
        ),
      );
      return;
    }
    for (const peer of this.peers.values()) void peer.close();
    this.peers.clear();
    if (this.machine.can('lost')) this.machine.move('lost');
    if (this.rebootPending) {
      this.log('the connection closed for the reboot; the helper started after it resumes the session');
      return;
    }
    if (wasWelcomed) this.log(`lost the connection to the server (${info.error ?? info.code}); reconnecting`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const token = this.resumeToken;
    if (token === null) {
      void this.finish('unavailable', 'the connection to the server was lost', 'lost');
      return;
    }
    const scheduled = this.reconnect.schedule(() => {
      if (this.machine.state === 'ended' || this.link !== null) return;
      this.notice({ type: 'reconnecting', attempt: this.reconnect.attempts });
      this.connect({ kind: 'resume', resumeToken: this.resumeToken ?? token });
    });
    if (!scheduled) {
      void this.finish(
        'resume_expired',
        'could not reach the server again within 10 minutes; sharing ended',
        'reconnect_expired',
      );
    }
  }

  /** The system's resume-at-login entry, when this client may write and remove it. */
  private resumeEntry(): ResumeAtLogin | null {
    return this.options.resumeArgv ? resumeAtLogin(this.system) : null;
  }

  /** Removes the resume-at-login entry (back in the session, the session over, the restart refused). */
  private async forgetResumeEntry(): Promise<void> {
    const entry = this.resumeEntry();
    if (!entry) return;
    await entry.remove().catch((err: unknown) => this.log(`could not remove ${entry.path}: ${String(err)}`));
  }

  private async finish(code: ErrorCode | null, message: string, reason: EndReason): Promise<void> {
    if (this.machine.state === 'ended') return;
    this.reconnect.cancel();
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    this.stopClipboardWatch();
    this.blockWatch?.close();
    // The customer's wallpaper comes back before anything else ends.
    await this.background?.end();
    await this.gate?.stopAll().catch(() => undefined);
    for (const peer of this.peers.values()) await peer.close();
    this.peers.clear();
    // A reboot is not the end of the session: uploads wait for the helper started after it.
    await this.files?.close({ keepUploads: this.rebootPending });
    if (!this.stopping) {
      const link = this.link;
      this.link = null;
      link?.close(1000, 'ended');
    }
    this.machine.move(this.stopping ? 'stop' : 'end');
    await this.saving;
    // Only our own state: a newer helper may have taken the session over and saved its token.
    if (!this.rebootPending && this.resumeToken !== null)
      await deleteResumeStateOf(this.stateFile, this.resumeToken).catch(() => undefined);
    if (!this.rebootPending) await this.forgetResumeEntry();
    this.notice({ type: 'ended', code, message, reason });
    this.endedResolve();
  }

  // ------------------------------------------------------------------ viewers

  private addPeer(peerId: number, agentName: string): void {
    if (!this.gate || !this.input) return;
    const old = this.peers.get(peerId);
    if (old) void old.close();
    const peer = new ViewerPeer(peerId, agentName, {
      gate: this.gate,
      input: this.input,
      clipboard: this.clipboardMemory,
      annotations: this.annotations,
      encoder: this.options.encoder,
      sendFrame: (frame) => this.link?.sendFrame(frame),
      ...(this.files ? { files: this.files } : {}),
      viewOf: (shared) => {
        const view = new ScreenSourceView(shared, this.screenViews);
        // Captures must not show the drawings the overlay puts on the customer's screen.
        return this.annotations.excludeFrom?.(view) ?? view;
      },
      onReboot: (p) => void this.reboot(p),
      onBackground: (p, on) => {
        // Only an agent the customer approved may ask them anything.
        if (this.approvedAgents.has(p.agentName)) this.background?.request(p.agentName, on);
      },
      onStreamPause: (_p, paused) => this.onStreamPause(paused),
      onReady: (p) => {
        const by = this.pausedBy();
        if (by !== null) p.sendStreamState(true, by);
        this.notice({ type: 'viewer.ready', peerId, agentName, sas: p.sas ?? '' });
        if (this.background) p.sendBackgroundState(this.background.current());
        const blocked = this.blockWatch?.current();
        if (blocked) p.refuse('input', blocked.code, blocked.message);
        // The consent window (native) and the indicator (standalone) show this viewer's code.
        this.emitStatus();
      },
      log: (event, details) => this.log(`${event} ${JSON.stringify(details ?? {})}`),
    });
    this.peers.set(peerId, peer);
    if (this.approvedAgents.has(agentName)) {
      peer.setView(this.gate.has('view') && !this.agentPaused);
    } else if (!this.pendingAgents.has(agentName)) {
      this.pendingAgents.add(agentName);
      this.emit({
        type: 'host.consent_needed',
        agentName,
        requested: { ...(this.options.requested ?? ALL_CAPABILITIES) },
      });
    }
    this.emitStatus();
  }

  private async removePeer(peerId: number): Promise<void> {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.peers.delete(peerId);
    await peer.close();
    this.notice({ type: 'viewer.left', peerId, agentName: peer.agentName });
    this.emitStatus();
  }

  /** Whether the picture is paused now, and by whom (null: it flows, or nothing was granted yet). */
  private pausedBy(): 'agent' | 'customer' | null {
    if (this.agentPaused) return 'agent';
    if (this.machine.state === 'paused' || (this.machine.state === 'sharing' && !this.gate?.has('view')))
      return 'customer';
    return null;
  }

  /**
   * Brings the state machine (sharing <-> paused), every viewer's encoder and the viewers'
   * stream.state in line with the grants and the agent's pause.
   */
  private syncSharing(): void {
    const state = this.machine.state;
    if (state === 'sharing' && this.agentPaused) this.machine.move('pause');
    else if (state === 'paused' && !this.agentPaused && this.gate?.sharing) this.machine.move('resume');
    const view = (this.gate?.has('view') ?? false) && !this.agentPaused;
    for (const peer of this.peers.values()) peer.setView(view && this.approvedAgents.has(peer.agentName));
    // Without view, no drawing stays on the customer's screen (the overlay window goes).
    if (!this.gate?.has('view')) for (const peerId of this.peers.keys()) this.annotations.clear(peerId);
    const by = this.pausedBy();
    const paused = by !== null;
    if (paused !== this.toldPaused) {
      this.toldPaused = paused;
      for (const peer of this.peers.values()) peer.sendStreamState(paused, by ?? 'agent');
    }
  }

  private onStreamPause(paused: boolean): void {
    if (this.agentPaused === paused) return;
    this.agentPaused = paused;
    this.syncSharing();
    this.emitStatus();
  }

  private onFrame(frame: Uint8Array): void {
    const parsed = parseFrame(frame);
    if (!parsed.ok) {
      this.log(`dropped a malformed frame (${parsed.error})`);
      return;
    }
    const peer = this.peers.get(parsed.header.from);
    if (!peer) return; // a viewer that left, or one the server has not announced yet
    if (parsed.header.channel === DataChannel.handshake) peer.onHandshake(parsed.payload);
    else void peer.onSealed(frame);
  }

  // ------------------------------------------------------------------ clipboard

  private syncClipboardWatch(): void {
    if (this.gate?.has('clipboard')) {
      if (this.unwatchClipboard) return;
      let active = true;
      this.unwatchClipboard = () => (active = false);
      const gate = this.gate;
      void gate
        .clipboard()
        .then((clip) => {
          if (!active) return;
          const off = clip.onChange(() => void this.onLocalClipboard());
          this.unwatchClipboard = () => {
            active = false;
            off();
          };
        })
        .catch((err: unknown) => this.log(`clipboard unavailable: ${String(err)}`));
    } else {
      this.stopClipboardWatch();
    }
  }

  private stopClipboardWatch(): void {
    this.unwatchClipboard?.();
    this.unwatchClipboard = null;
  }

  private async onLocalClipboard(): Promise<void> {
    const gate = this.gate;
    if (!gate?.has('clipboard')) return;
    try {
      const text = await (await gate.clipboard()).readText();
      if (text === this.clipboardMemory.last) return;
      this.clipboardMemory.last = text;
      for (const peer of this.peers.values()) {
        if (this.approvedAgents.has(peer.agentName)) peer.clipboardChanged(text);
      }
    } catch (err) {
      this.log(`reading the clipboard failed: ${String(err)}`);
    }
  }

  // ------------------------------------------------------------------ plain background

  private readonly chooseBackground = (kind?: string): DesktopBackgroundChoice =>
    this.options.desktopBackground?.(kind) ?? desktopBackground(this.system, kind ? { kind } : {});

  private backgroundFile(): string {
    return backgroundFileBeside(this.stateFile);
  }

  private createBackground(): PlainBackgroundService {
    return new PlainBackgroundService({
      choose: this.chooseBackground,
      file: this.backgroundFile(),
      question: () => this.backgroundQuestion(),
      broadcast: (message) => {
        for (const peer of this.peers.values()) peer.sendBackgroundState(message);
      },
      onChange: (state) => this.notice({ type: 'background', state }),
      log: (event, details) => this.log(`${event} ${JSON.stringify(details ?? {})}`),
    });
  }

  /** The way to ask the customer: the caller's, else the helper's own window in their language. */
  private backgroundQuestion(): PlainBackgroundQuestion | null {
    const given = this.backgroundAsker !== undefined ? this.backgroundAsker : this.options.backgroundQuestion;
    if (given !== undefined) return given;
    const host = dialogHost(this.system);
    if (!host) return null;
    const text = new HelperText(this.customerLanguage ?? systemLanguage(this.system.env));
    const ask = windowBackgroundQuestion(host, text);
    return (agent, signal) => ask(agent, signal).finally(() => void host.close());
  }

  // ------------------------------------------------------------------ reboot

  private async reboot(peer: ViewerPeer): Promise<void> {
    const gate = this.requireGate();
    if (!gate.has('reboot')) {
      peer.refuse('session.reboot', 'consent_required', 'the customer has not allowed a reboot');
      this.notice({
        type: 'refused',
        request: 'session.reboot',
        code: 'consent_required',
        message: 'reboot not granted',
      });
      return;
    }
    const link = this.link;
    if (!link || !this.welcomed || !this.resumeToken || !this.sessionId || !this.server) {
      peer.refuse('session.reboot', 'unavailable', 'the helper is not connected');
      return;
    }
    try {
      await this.saving;
      const state = this.stateNow();
      if (!state) throw new Error('nothing to save before the first welcome');
      await writeResumeState(this.stateFile, state);
    } catch (err) {
      peer.refuse(
        'session.reboot',
        'internal_error',
        `the session could not be saved for after the reboot: ${String(err)}`,
      );
      return;
    }
    const entry = this.resumeEntry();
    try {
      await entry?.write(this.options.resumeArgv!);
      if (entry) this.log(`the session resumes at the next login through ${entry.path}`);
    } catch (err) {
      // Without it the customer can still type `lifeline-helper resume`; the restart goes on.
      this.log(`could not write ${entry?.path}: ${String(err)}`);
    }
    link.send({ type: 'helper.rebooting' });
    this.notice({ type: 'rebooting' });
    this.log(`rebooting at the agent's request; the session resumes after the restart (${this.stateFile})`);
    try {
      this.rebootPending = true;
      await gate.reboot();
      const stall = setTimeout(() => {
        if (!this.rebootPending || this.machine.state === 'ended') return;
        this.rebootPending = false;
        this.log('the reboot did not happen; reconnecting');
        if (this.link === null) this.scheduleReconnect();
      }, REBOOT_STALL_MS);
      stall.unref?.();
    } catch (err) {
      this.rebootPending = false;
      await this.forgetResumeEntry();
      const code: ErrorCode = err instanceof ProtocolError ? err.code : 'internal_error';
      const message = err instanceof Error ? err.message : String(err);
      // The state stays for a restart of another kind; it gets the current token again.
      void this.saveState();
      peer.refuse('session.reboot', isErrorCode(code) ? code : 'internal_error', message);
      this.notice({ type: 'refused', request: 'session.reboot', code, message });
    }
  }

  // ------------------------------------------------------------------ events

  private requireGate(): ConsentGate {
    if (!this.gate) throw new ProtocolError('illegal_transition', 'the helper has not joined a session');
    return this.gate;
  }

  private emitStatus(): void {
    const peers = [...this.peers.values()];
    const names = [...new Set(peers.map((p) => p.agentName))].slice(0, STATUS_VIEWERS_MAX);
    // Each secured viewer with its own code: two viewers of one agent have two different codes.
    const viewers: SecuredViewer[] = [];
    for (const p of peers) {
      const sas = p.state === 'ready' ? p.sas : null;
      if (sas !== null) viewers.push({ agentName: p.agentName, sas });
    }
    this.emit({
      type: 'host.status',
      state: this.machine.reported(),
      grants: this.gate?.current() ?? { ...NO_GRANTS },
      agentNames: names,
      viewers: viewers.slice(0, STATUS_VIEWERS_MAX),
    });
  }

  private emit(event: HelperEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  private notice(notice: SessionNotice): void {
    for (const l of [...this.noticeListeners]) l(notice);
  }
}
