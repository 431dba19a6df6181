/**
 * The support page's logic, without any DOM: owns the customer socket, the request token, the
 * phase machine (support-phase.ts) and the page bridge, turns server messages (one handler per
 * type) and customer actions into a new SupportModel, and tells subscribers. Views call the
 * action methods; they never talk to the socket.
 *
 * Resuming: the request token is kept in sessionStorage (request-store.ts); after a reload or a
 * lost connection the socket sends `customer.hello` with it and the welcome brings the session and
 * transcript back. A request that ended can be restarted in one step (`request.restart`); if the
 * server no longer knows the old token, a new `request.create` with the same details does it.
 */
import { PROTOCOL_VERSION, type ClientInfo } from '../../protocol/common';
import type { Language } from '../../protocol/i18n/language';
import type { CustomerSessionView, NewRequest, ServerToCustomer } from '../../protocol/customer-channel';
import { isErrorCode, type ErrorCode } from '../../protocol/errors';
import type { HandlerMap } from '../../protocol/message';
import type { HelperState } from '../../protocol/native-channel';
import {
  CustomerRequestError,
  CustomerSocket,
  type ConnectionState,
  type ResultOf,
  type Timers,
  type WebSocketLike,
} from './customer-socket';
import type { OsInfo } from '../../protocol/helper-channel';
import type { CreateSocket } from '../data-plane/data-plane-socket';
import { BrowserShareSession } from '../share/browser-share-session';
import type { JpegEncoder } from '../share/picture-encoder';
import type { PictureSource } from '../share/picture-streamer';
import { ChatFileBook } from '../chat/chat-file-book';
import { saveBlob } from '../chat/chat-file-transfer';
import { dispatch } from './dispatch';
import { BridgeError, type BridgeInfo, type PageBridgeClient } from './page-bridge-client';
import type { RequestStore } from './request-store';
import { canMove, LIVE_PHASES, type PhaseName } from './support-phase';
import {
  initialModel,
  mergeLines,
  NO_AGENT_SHARE,
  NO_BROWSER_SHARE,
  NO_SCREEN,
  type EndedBy,
  type SupportModel,
} from './support-model';

/** The agent's typing indicator goes away if no update comes for this long, in ms. */
export const PEER_TYPING_EXPIRE_MS = 10_000;
/** How long "Reconnected" stays on screen after a lost connection came back, in ms. */
export const RECONNECTED_NOTICE_MS = 4000;

/** Codes that mean the server does not know this request token (any more). */
const TOKEN_UNKNOWN: readonly ErrorCode[] = [
  'request_not_found',
  'session_not_found',
  'token_invalid',
  'not_found',
];

/** A screen capture the page got from the browser (ui/share/display-capture.ts in the page). */
export interface BrowserCapture extends PictureSource {
  onEnded(listener: () => void): void;
  stop(): void;
}

export interface PortalInfo {
  name: string;
  agentsAvailable: number;
}

export interface SupportDeps {
  slug: string;
  wsUrl: string;
  createSocket: (url: string) => WebSocketLike;
  /** GET /api/v1/portals/:slug: the portal, null when it does not exist; throws when unreachable. */
  fetchPortal: (slug: string) => Promise<PortalInfo | null>;
  store: RequestStore;
  /** Builds the page bridge with the controller's callbacks; null where there is no window. */
  createBridge:
    | ((onChange: (info: BridgeInfo) => void, onStatus: (state: HelperState) => void) => PageBridgeClient)
    | null;
  now?: () => number;
  timers?: Timers;
  /** The page's language when the request is made (the helper speaks it); switches go setLanguage(). */
  language?: Language;
  /** The customer's system and browser, for the agent's session header. */
  client?: ClientInfo;
  /** Opens the data-plane socket of a screen shown from this page (the browser's WebSocket). */
  createDataSocket?: CreateSocket;
  /** Hands a downloaded chat file to the browser (an <a download>); tests pass their own. */
  saveFile?: (blob: Blob, name: string) => void;
}

export class SupportController {
  private model: SupportModel;
  private readonly listeners = new Set<(m: SupportModel) => void>();
  private readonly socket: CustomerSocket;
  private readonly bridge: PageBridgeClient | null;
  private token: string | null = null;
  /** Run once the next welcome arrives (a restart that first had to reconnect). */
  private afterWelcome: (() => void) | null = null;
  /** Set while a "leave my details" re-creates the request with the e-mail. */
  private leaveAfterCreate = false;
  /**
   * Set while request.cancel is on its way: the server announces the end (session.ended) before
   * it answers the request, and that end is the cancel, not an agent's doing.
   */
  private cancelling = false;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectedTimer: ReturnType<typeof setTimeout> | null = null;
  private wasLost = false;
  private browserShare: { share: BrowserShareSession; capture: BrowserCapture } | null = null;
  private nextLocalId = 1;
  private readonly now: () => number;
  private language: Language | undefined;
  private readonly files: ChatFileBook;

  constructor(private readonly deps: SupportDeps) {
    this.model = initialModel(deps.slug);
    this.files = new ChatFileBook({
      side: 'customer',
      offer: async (offer) => (await this.socket.request('chat.file_offer', offer)).file,
      // The support page is served by the server it talks to: same origin.
      target: () => (this.token ? { origin: '', token: this.token } : null),
      save: deps.saveFile ?? saveBlob,
      onChange: (chatFiles) => this.set({ chatFiles }),
    });
    this.now = deps.now ?? Date.now;
    this.language = deps.language;
    this.socket = new CustomerSocket({
      url: deps.wsUrl,
      createSocket: deps.createSocket,
      onOpen: () => this.onOpen(),
      onMessage: (msg) => dispatch(this.handlers, msg),
      onState: (s) => this.onConnection(s),
      shouldReconnect: () => this.token !== null && LIVE_PHASES.includes(this.model.phase),
      ...(deps.timers ? { timers: deps.timers } : {}),
      now: this.now,
    });
    this.bridge = deps.createBridge
      ? deps.createBridge(
          (info) => this.onBridge(info),
          (state) => this.patchScreen({ helperState: state }),
        )
      : null;
  }

  get current(): SupportModel {
    return this.model;
  }

  subscribe(listener: (m: SupportModel) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the page: reads the portal, resumes a kept request or shows the form. */
  start(): void {
    this.bridge?.start();
    const kept = this.deps.store.load();
    if (kept?.token) {
      this.token = kept.token;
      this.move('resuming', { details: kept.details });
      this.socket.connect();
    }
    this.deps
      .fetchPortal(this.deps.slug)
      .then((info) => {
        if (info === null) {
          if (this.model.phase === 'loading') this.move('portal_missing');
          return;
        }
        this.set({
          portal: { slug: this.deps.slug, name: info.name, agentsAvailable: info.agentsAvailable },
        });
        if (this.model.phase === 'loading') this.move('form', { details: kept?.details ?? null });
      })
      .catch(() => {
        // Unreachable now: show the form anyway; submitting will say what is wrong.
        if (this.model.phase === 'loading') this.move('form', { details: kept?.details ?? null });
      });
  }

  stop(): void {
    this.socket.stop();
    this.bridge?.stop();
    this.stopBrowserShare();
    if (this.typingTimer) clearTimeout(this.typingTimer);
    if (this.reconnectedTimer) clearTimeout(this.reconnectedTimer);
  }

  /** What the agent's screen panel needs to open its own watcher socket (null without a request). */
  shareAccess(): { wsUrl: string; requestToken: string } | null {
    return this.token === null ? null : { wsUrl: this.deps.wsUrl, requestToken: this.token };
  }

  // ------------------------------------------------------------------ customer actions

  submit(details: NewRequest): void {
    if (!this.move('submitting', { details, formError: null })) return;
    this.token = null;
    this.deps.store.save({ token: null, details });
    if (this.socket.isOpen) this.create();
    else this.socket.connect();
  }

  cancel(): void {
    if (this.model.phase !== 'waiting') return;
    this.cancelling = true;
    this.socket
      .request('request.cancel', {})
      .then(() => {
        this.cancelling = false;
        if (!this.move('cancelled', { actionError: null })) return;
        this.forgetRequest();
      })
      .catch((err: unknown) => {
        this.cancelling = false;
        this.set({ actionError: codeOf(err) });
      });
  }

  /** "No agents online": keep waiting (hides the question). */
  keepWaiting(): void {
    this.set({ keepWaiting: true });
  }

  /**
   * "Leave my details": the request stays queued with the customer's e-mail so an agent can write
   * back, and the page lets them go. Without an e-mail on the request, it is re-created with the
   * one given here (the customer channel has no "update details" message).
   */
  leaveDetails(email: string | null): void {
    if (this.model.phase !== 'waiting' || !this.model.details) return;
    if (this.model.details.email || email === null) {
      if (!this.move('left')) return;
      this.socket.stop();
      return;
    }
    const details: NewRequest = { ...this.model.details, email };
    this.cancelling = true;
    this.socket
      .request('request.cancel', {})
      .then(() => {
        this.cancelling = false;
        this.token = null;
        this.leaveAfterCreate = true;
        this.socket.stop();
        if (!this.move('submitting', { details, formError: null })) return;
        this.deps.store.save({ token: null, details });
        this.socket.connect();
      })
      .catch((err: unknown) => {
        this.cancelling = false;
        this.set({ actionError: codeOf(err) });
      });
  }

  /** From the ended view: a new request with the same details, in one click. */
  restart(): void {
    if (!this.move('restarting', { actionError: null })) return;
    if (this.socket.isOpen && this.token) {
      this.restartOnSocket();
    } else if (this.token) {
      this.afterWelcome = () => this.restartOnSocket();
      this.socket.connect();
    } else {
      this.socket.connect();
    }
  }

  /**
   * Back to the form (after cancel, leave, or end): name and e-mail prefilled. After a session
   * or a leave the description is empty (a new request is a new problem); after cancelling a
   * request that was still waiting it is kept (the customer asks again about the same thing).
   */
  newRequest(): void {
    const details = this.model.phase === 'cancelled' ? this.model.details : this.freshDetails();
    this.leaveEnded();
    this.move('form', {
      formError: null,
      actionError: null,
      continueWith: null,
      details,
    });
  }

  /**
   * From the ended view: a new request for the agent of this session first ("continue with
   * Ann"), described anew in the form; the server says where it went (session.routing).
   */
  continueWithAgent(): void {
    const agentName = this.model.session?.agentName;
    if (this.model.phase !== 'ended' || !this.token || !agentName) return;
    const continueWith = { token: this.token, agentName };
    this.leaveEnded();
    this.move('form', { formError: null, actionError: null, continueWith, details: this.freshDetails() });
  }

  /** The socket of an ended session stays bound to it: a new request needs a new one. */
  private leaveEnded(): void {
    if (this.model.phase !== 'ended') return;
    this.token = null;
    this.socket.stop();
  }

  private freshDetails(): NewRequest | null {
    const d = this.model.details;
    return d ? { ...d, problem: '' } : null;
  }

  endChat(): void {
    if (this.model.phase !== 'chat') return;
    this.socket
      .request('session.end', {})
      .then(() => this.ended('customer'))
      .catch((err: unknown) => this.set({ actionError: codeOf(err) }));
  }

  send(text: string): void {
    const localId = `l${this.nextLocalId++}`;
    this.set({ pending: [...this.model.pending, { localId, text, at: this.now() }] });
    this.sendPending(localId, text);
  }

  retry(localId: string): void {
    const p = this.model.pending.find((x) => x.localId === localId);
    if (!p) return;
    this.set({
      pending: this.model.pending.map((x) => (x.localId === localId ? { ...x, failed: false } : x)),
    });
    this.sendPending(localId, p.text);
  }

  typing(typing: boolean): void {
    this.socket.send({ type: 'chat.typing', typing });
  }

  shown(seq: number): void {
    this.socket.send({ type: 'chat.received', seq });
  }

  reconnectNow(): void {
    this.socket.reconnectNow();
  }

  /** The customer switched the page's language: the server (and so the helper) follows. */
  setLanguage(language: Language): void {
    if (language === this.language) return;
    this.language = language;
    if (this.token && this.socket.isOpen) this.socket.send({ type: 'customer.language', language });
  }

  /** Starts (or retries) the helper through the extension for the pending screen request. */
  startHelper(): void {
    const req = this.model.screen.request;
    if (!req || !this.bridge) return;
    this.patchScreen({ helper: 'starting', helperFailure: null });
    this.bridge
      .startHelper(req.joinCode, req.agentName)
      .then((state) => this.patchScreen({ helper: 'started', helperState: state }))
      .catch((err: unknown) => {
        const code = err instanceof BridgeError ? err.code : 'helper_not_connected';
        const os = err instanceof BridgeError ? (err.os ?? null) : null;
        this.patchScreen({ helper: 'failed', helperFailure: { code, os } });
        if (code === 'os_not_supported') this.patchScreen({ unsupportedOs: os });
      });
  }

  /**
   * Shows the customer's screen from this page (no helper): the capture the view got from the
   * browser (getDisplayMedia, in the customer's click) is streamed to the agent's viewer, view
   * only. The browser's own "stop sharing" ends it like the page's Stop.
   */
  startBrowserShare(capture: BrowserCapture, jpeg: JpegEncoder, os: OsInfo): void {
    const createSocket = this.deps.createDataSocket;
    if (!this.token || this.browserShare || !createSocket) {
      capture.stop();
      return;
    }
    const share = new BrowserShareSession({
      url: this.deps.wsUrl,
      requestToken: this.token,
      createSocket,
      source: capture,
      jpeg,
      os,
    });
    this.browserShare = { share, capture };
    capture.onEnded(() => share.stop());
    share.subscribe((snap) => {
      if (this.browserShare?.share !== share) return;
      const over = snap.phase === 'stopped' || snap.phase === 'ended' || snap.phase === 'refused';
      this.set({
        browserShare: {
          phase: snap.phase,
          codes: snap.codes,
          failure: snap.phase === 'refused' ? { kind: 'server', code: snap.refused ?? 'unavailable' } : null,
        },
      });
      if (over) {
        this.browserShare = null;
        capture.stop();
      }
    });
    share.start();
  }

  /** The browser would not capture the screen (the customer cancelled its picker, or it failed). */
  browserShareFailed(cancelled: boolean, reason: string): void {
    this.set({
      browserShare: {
        ...NO_BROWSER_SHARE,
        failure: cancelled ? { kind: 'cancelled' } : { kind: 'capture', reason: reason.slice(0, 200) },
      },
    });
  }

  stopBrowserShare(): void {
    this.browserShare?.share.stop();
  }

  /** Offers files to the agent ("Send a file…" or dropped on the chat). */
  sendFiles(files: readonly File[]): void {
    void this.files.send(files);
  }

  /** Downloads (and checks) a file the agent sent. */
  downloadFile(fileId: string): void {
    void this.files.download(fileId);
  }

  /** Withdraws a file this customer offered. */
  cancelFile(fileId: string): void {
    this.socket
      .request('chat.file_cancel', { fileId })
      .then((r) => this.files.update(r.file))
      .catch((err: unknown) => this.set({ actionError: codeOf(err) }));
  }

  dismissFileRefusal(): void {
    this.files.dismissRefusal();
  }

  /** Hides the screen-sharing request on this page ("not now"). */
  dismissScreen(): void {
    this.patchScreen({ request: null, helper: 'idle', helperFailure: null });
  }

  // ------------------------------------------------------------------ server messages

  private readonly handlers: HandlerMap<ServerToCustomer, void> = {
    'customer.welcome': (msg) => {
      // A switch made while the connection was away reaches the server now.
      if (this.language) this.socket.send({ type: 'customer.language', language: this.language });
      const next = this.afterWelcome;
      this.afterWelcome = null;
      this.applySession(msg.session);
      // A share in progress is announced again right after the welcome (share.status).
      this.set({ lines: mergeLines([], msg.transcript), agentShare: NO_AGENT_SHARE });
      // A restart waiting for this welcome goes on from here; otherwise follow the session.
      if (next) next();
      else this.follow(msg.session);
    },
    reply: () => {
      // Replies to requests are matched by the socket; a stray one (after a timeout) is dropped.
    },
    error: (msg) => this.helloRefused(isErrorCode(msg.code) ? msg.code : 'internal_error'),
    'queue.position': (msg) => {
      const s = this.model.session;
      if (!s) return;
      this.set({ session: { ...s, position: msg.position, agentsAvailable: msg.agentsAvailable } });
    },
    'request.routing': (msg) => {
      const s = this.model.session;
      if (s) this.set({ session: { ...s, routing: msg.routing } });
    },
    'session.accepted': (msg) => {
      const s = this.model.session;
      if (s) this.set({ session: { ...s, state: 'accepted', agentName: msg.agentName } });
      this.move('chat', { transfer: null, keepWaiting: false });
    },
    'session.transferred': (msg) => {
      const s = this.model.session;
      if (s && msg.agentName) this.set({ session: { ...s, agentName: msg.agentName } });
      this.set({ transfer: { agentName: msg.agentName ?? null, portalName: msg.portalName ?? null } });
    },
    'chat.message': (msg) => {
      this.set({ lines: mergeLines(this.model.lines, [msg.line]) });
      if (msg.line.from.kind === 'agent' && this.model.agentTyping !== null) this.setAgentTyping(null);
    },
    'chat.typing': (msg) => {
      if (msg.from.kind !== 'agent') return;
      this.setAgentTyping(msg.typing ? msg.from.name : null);
    },
    'chat.delivered': (msg) => {
      if (msg.seq > this.model.deliveredSeq) this.set({ deliveredSeq: msg.seq });
    },
    'chat.file': (msg) => this.files.update(msg.file),
    'session.ended': (msg) => {
      if (!this.cancelling) this.ended(msg.by);
    },
    'screen.requested': (msg) => {
      if (!this.browserShare) this.set({ browserShare: NO_BROWSER_SHARE });
      this.patchScreen({
        request: {
          joinCode: msg.joinCode,
          expiresAt: msg.expiresAt,
          agentName: msg.agentName,
          ticket: msg.download ?? null,
        },
        ended: null,
        state: 'requested',
        unsupportedOs: null,
        helper: 'idle',
        helperFailure: null,
      });
      this.autoStartHelper();
    },
    'screen.link': (msg) => {
      this.patchScreen({ slowLink: msg.slow && this.model.screen.state === 'streaming' });
    },
    'share.status': (msg) => {
      this.set({ agentShare: { active: msg.active, agentName: msg.agentName ?? null } });
    },
    'screen.status': (msg) => {
      const unsupported = msg.error === 'os_not_supported';
      const agentName = this.model.screen.request?.agentName ?? this.model.session?.agentName ?? '';
      this.patchScreen({
        state: msg.state,
        ...(unsupported ? { unsupportedOs: msg.os ?? '' } : {}),
        ...(msg.ended ? { ended: { how: msg.ended, agentName } } : {}),
        // Sharing over (the customer stopped it): the request is done with.
        ...(msg.state === 'none' && !unsupported ? { request: null, helper: 'idle' as const } : {}),
        // The advice is for a streaming screen only (the server says slow again when it resumes).
        ...(msg.state !== 'streaming' ? { slowLink: false } : {}),
      });
    },
  };

  // ------------------------------------------------------------------ internals

  private onOpen(): void {
    if (this.token) {
      this.socket.send({ type: 'customer.hello', requestToken: this.token, protocol: PROTOCOL_VERSION });
      return;
    }
    if (this.model.phase === 'submitting' || this.model.phase === 'restarting') {
      this.create();
      return;
    }
    this.socket.stop();
  }

  private create(): void {
    const details = this.model.details;
    if (!details) return;
    this.socket
      .request('request.create', {
        portal: this.deps.slug,
        name: details.name,
        ...(details.email ? { email: details.email } : {}),
        problem: details.problem,
        ...(this.language ? { language: this.language } : {}),
        ...(this.deps.client ? { client: this.deps.client } : {}),
        ...(this.model.continueWith ? { previous: this.model.continueWith.token } : {}),
        protocol: PROTOCOL_VERSION,
      })
      .then((result) => this.created(result))
      .catch((err: unknown) => {
        const code = codeOf(err);
        this.socket.stop();
        if (code === 'portal_not_found') {
          this.move('portal_missing');
        } else if (this.model.phase === 'restarting') {
          this.move('ended', { actionError: code });
        } else {
          this.leaveAfterCreate = false;
          this.move('form', { formError: code });
        }
      });
  }

  private restartOnSocket(): void {
    this.socket
      .request('request.restart', {})
      .then((result) => this.created(result))
      .catch(() => {
        // The old request is gone for the server: make a new one with the same details.
        this.token = null;
        this.socket.stop();
        this.socket.connect();
      });
  }

  private created(result: ResultOf<'request.create'>): void {
    this.token = result.requestToken;
    if (this.model.details) this.deps.store.save({ token: result.requestToken, details: this.model.details });
    this.set({
      lines: [],
      pending: [],
      deliveredSeq: 0,
      agentTyping: null,
      transfer: null,
      keepWaiting: false,
      endedBy: null,
      waitingSince: this.now(),
      screen: NO_SCREEN,
      continueWith: null,
    });
    this.applySession(result.session);
    this.follow(result.session);
    if (this.leaveAfterCreate) {
      this.leaveAfterCreate = false;
      this.move('left');
      this.socket.stop();
    }
  }

  /** Moves to the phase the server's view of the session implies. */
  private follow(session: CustomerSessionView): void {
    const target: Record<CustomerSessionView['state'], PhaseName> = {
      queued: 'waiting',
      accepted: 'chat',
      transferring: 'chat',
      ended: 'ended',
    };
    const phase = target[session.state];
    if (phase === 'ended') this.ended('system');
    else if (phase !== this.model.phase) this.move(phase);
  }

  private applySession(session: CustomerSessionView): void {
    const since = this.model.waitingSince ?? Math.min(this.now(), session.queuedAt);
    this.set({
      session,
      waitingSince: since,
      screen: { ...this.model.screen, state: session.screen },
    });
  }

  private helloRefused(code: ErrorCode): void {
    if (code === 'session_ended') {
      // The server still binds this socket to the ended session, so request.restart can follow.
      const next = this.afterWelcome;
      this.afterWelcome = null;
      if (next) next();
      else this.ended('system');
      return;
    }
    if (TOKEN_UNKNOWN.includes(code)) {
      this.afterWelcome = null;
      this.forgetRequest();
      if (this.model.phase === 'restarting') {
        this.socket.connect();
        return;
      }
      this.move('form', { formError: 'request_not_found' });
      return;
    }
    this.set({ actionError: code });
  }

  private ended(by: EndedBy): void {
    if (this.model.phase === 'ended') return;
    this.stopBrowserShare();
    const cleared = { agentTyping: null, screen: NO_SCREEN, agentShare: NO_AGENT_SHARE, transfer: null };
    if (!this.move('ended', { endedBy: by, ...cleared })) return;
    // Keep the token: request.restart needs it. The socket closes when the server closes it.
  }

  private forgetRequest(): void {
    this.token = null;
    this.deps.store.forgetToken();
    this.socket.stop();
  }

  private sendPending(localId: string, text: string): void {
    this.socket
      .request('chat.send', { text })
      .then((result) => {
        this.set({
          pending: this.model.pending.filter((x) => x.localId !== localId),
          lines: mergeLines(this.model.lines, [result.line]),
        });
      })
      .catch(() => {
        this.set({
          pending: this.model.pending.map((x) => (x.localId === localId ? { ...x, failed: true } : x)),
        });
      });
  }

  private setAgentTyping(name: string | null): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = null;
    if (name !== null) {
      this.typingTimer = setTimeout(() => this.set({ agentTyping: null }), PEER_TYPING_EXPIRE_MS);
    }
    this.set({ agentTyping: name });
  }

  private onConnection(state: ConnectionState): void {
    const back = state.name === 'open' && this.wasLost;
    if (state.name === 'lost') this.wasLost = true;
    if (state.name === 'open' || state.name === 'idle') this.wasLost = false;
    this.set({ connection: state, ...(back ? { reconnected: true } : {}) });
    if (back) {
      if (this.reconnectedTimer) clearTimeout(this.reconnectedTimer);
      this.reconnectedTimer = setTimeout(() => this.set({ reconnected: false }), RECONNECTED_NOTICE_MS);
    }
    if (state.name === 'lost') this.setAgentTyping(null);
  }

  private onBridge(info: BridgeInfo): void {
    this.set({ bridge: info });
    this.autoStartHelper();
  }

  /** With the extension (and its helper) present, a screen request starts the helper at once. */
  private autoStartHelper(): void {
    const m = this.model;
    if (
      m.screen.request &&
      m.screen.helper === 'idle' &&
      m.bridge.presence === 'present' &&
      m.bridge.helper !== 'missing'
    )
      this.startHelper();
  }

  private patchScreen(patch: Partial<SupportModel['screen']>): void {
    this.set({ screen: { ...this.model.screen, ...patch } });
  }

  private move(phase: PhaseName, patch: Partial<SupportModel> = {}): boolean {
    if (!canMove(this.model.phase, phase)) return false;
    this.set({ ...patch, phase });
    return true;
  }

  private set(patch: Partial<SupportModel>): void {
    this.model = { ...this.model, ...patch };
    for (const l of [...this.listeners]) l(this.model);
  }
}

function codeOf(err: unknown): ErrorCode {
  return err instanceof CustomerRequestError ? err.code : 'internal_error';
}
