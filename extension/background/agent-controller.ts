/**
 * The agent side of the background: one AgentSocket to the configured server, the live picture
 * (presence, queue, sessions, transcripts) kept in storage so it survives the worker stopping,
 * the toolbar badge (customers waiting), alerts, and chat windows. Server pushes are dispatched
 * through a handler map over the agent channel's union; page requests through ui-handlers.ts.
 */
import browser from 'webextension-polyfill';
import type { ServerToAgent } from '../../protocol/agent-channel';
import type { ChatLine, QueueEntry, SessionView } from '../../protocol/common';
import type { ChatFileView } from '../../protocol/chat-file';
import type { HandlerMap } from '../../protocol/message';
import { AgentSocket, browserSocket, type SocketLike, type SocketState } from '../lib/agent-socket';
import { applyPolicy, type EffectiveSettings, type Settings } from '../lib/settings';
import type { ManagedPolicy } from '../lib/managed-policy';
import { webSocketUrl } from '../lib/server-address';
import type { AgentView, ConnectionView, SessionDetail, SignedOutNotice } from '../lib/ui-protocol';
import { chatPortName } from '../lib/ui-protocol';
import { decideAlert } from './alert-policy';
import { AlertManager } from './alert-manager';
import { playAlertSound } from './alert-sound';
import { browserNotifier } from './browser-notifier';
import { alertWindowNotifier, allOf } from './alert-window-notifier';
import { IS_FIREFOX } from '../lib/build-env';
import { ChatWindows } from './chat-windows';
import {
  EMPTY_LIVE,
  clearLive,
  forgetTranscripts,
  loadTranscript,
  saveAccount,
  saveLive,
  saveNotice,
  saveTranscript,
  type Account,
  type Live,
} from './persisted-state';
import type { PortRegistry } from './ui-server';
import type { BackgroundTracer } from './background-trace';

/** The customer's typing indicator goes out after this long without news, in ms. */
export const CUSTOMER_TYPING_EXPIRE_MS = 8000;
/** Badge colours: waiting customers while online, grey while the connection is down. */
const BADGE_ONLINE = '#c62828';
const BADGE_OFFLINE = '#757575';

type ServerPush = Exclude<ServerToAgent, { type: 'reply' | 'error' }>;
type ClosedReason = NonNullable<SessionDetail['closed']>;

export interface ControllerState {
  account: Account | null;
  live: Live;
  policy: ManagedPolicy;
  /** The agent's own choices; `effective` is these with IT's policy on top. */
  storedSettings: Settings;
  effective: EffectiveSettings;
  lastServer: string | null;
  notice: SignedOutNotice | null;
}

export class AgentController {
  readonly socket: AgentSocket;
  readonly alerts: AlertManager;
  readonly windows: ChatWindows;
  private readonly transcripts = new Map<string, ChatLine[]>();
  /** Chat files per session, by id (the server pushes each change: chat.file). */
  private readonly chatFiles = new Map<string, Map<string, ChatFileView>>();
  private readonly typing = new Map<string, ReturnType<typeof setTimeout>>();
  private saveQueued = false;

  constructor(
    public state: ControllerState,
    private readonly ports: PortRegistry,
    createSocket: (url: string) => SocketLike = browserSocket,
    private readonly tracer: BackgroundTracer | null = null,
  ) {
    this.socket = new AgentSocket(createSocket, {
      onPush: (message) => this.onPush(message),
      onState: (s) => this.onSocketState(s),
      onRefused: (code) => {
        void this.signOutLocally({ reason: code === 'account_inactive' ? 'deactivated' : 'expired' });
      },
    });
    this.alerts = new AlertManager(
      // Firefox hides its notifications early whatever we ask: an alert window of ours lasts.
      IS_FIREFOX ? allOf(browserNotifier, alertWindowNotifier) : browserNotifier,
      {
        set: (fn, ms) => setTimeout(fn, ms),
        clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
        now: () => Date.now(),
      },
      (sessionId, expiresAt) => {
        if (expiresAt === null) delete this.state.live.alertExpiry[sessionId];
        else this.state.live.alertExpiry[sessionId] = expiresAt;
        this.persist();
      },
    );
    this.windows = new ChatWindows(this.state.live.windows, () => {
      this.persist();
      this.pushView();
    });
  }

  // ------------------------------------------------------------------ lifecycle

  /** After a (re)start of the background: re-arm alerts and reconnect when signed in. */
  async resume(): Promise<void> {
    await this.alerts.restore({ ...this.state.live.alertExpiry });
    this.ensureConnected();
    this.updateBadge();
  }

  /** Backstop (alarm, network back): connects if signed in and the socket is not running. */
  ensureConnected(): void {
    const account = this.state.account;
    if (!account) return;
    if (this.socket.state === 'idle') this.socket.start(webSocketUrl(account.origin), account.token);
    else this.socket.wake();
  }

  async signIn(account: Account): Promise<void> {
    this.state.account = account;
    this.state.notice = null;
    this.state.live = { ...structuredClone(EMPTY_LIVE), windows: this.state.live.windows };
    await Promise.all([saveAccount(account), saveNotice(null)]);
    this.persist();
    this.socket.start(webSocketUrl(account.origin), account.token);
    this.pushView();
  }

  /** Ends the login here (after logout, or when the server says it ended). */
  async signOutLocally(notice: SignedOutNotice | null): Promise<void> {
    this.socket.stop();
    this.state.account = null;
    this.state.notice = notice;
    await Promise.all([saveAccount(null), saveNotice(notice)]);
    await this.alerts.withdrawAll();
    await this.windows.closeAll();
    for (const timer of this.typing.values()) clearTimeout(timer);
    this.typing.clear();
    this.transcripts.clear();
    this.state.live = structuredClone(EMPTY_LIVE);
    this.windows.replaceMap(this.state.live.windows);
    await clearLive();
    this.updateBadge();
    this.pushView();
  }

  /** New own settings or a new policy: recompute what is in force and tell every page. */
  applySettings(stored: Settings, policy: ManagedPolicy = this.state.policy): void {
    this.state.storedSettings = stored;
    this.state.policy = policy;
    this.state.effective = applyPolicy(stored, policy);
    this.ports.push({ type: 'settings', effective: this.state.effective });
    this.pushView();
  }

  // ------------------------------------------------------------------ views

  connection(): ConnectionView {
    if (!this.state.account) return 'signed_out';
    const s: SocketState = this.socket.state;
    if (s === 'ready') return 'online';
    if (s === 'retry_wait') return 'offline';
    return 'connecting';
  }

  view(): AgentView {
    const { account, live, policy, lastServer, notice } = this.state;
    return {
      connection: this.connection(),
      serverOrigin: policy.serverUrl ?? account?.origin ?? lastServer,
      serverLocked: policy.serverUrl !== undefined,
      statusUrl: policy.statusUrl ?? null,
      agent: account?.agent ?? null,
      role: account?.role ?? null,
      presence: live.presence,
      features: live.features,
      queue: [...live.queue].sort((a, b) => a.queuedAt - b.queuedAt),
      sessions: live.sessions,
      windows: this.windows.sessionIds(),
      notice,
      waitingForSeat: live.waitingForSeat,
    };
  }

  /** The chat window's picture of one session, or null when this agent has no such session. */
  detail(sessionId: string): SessionDetail | null {
    const { live } = this.state;
    const active = live.sessions.find((s) => s.id === sessionId);
    const closed = live.closed[sessionId];
    const session = active ?? closed?.session;
    if (!session) return null;
    return {
      session,
      transcript: this.transcripts.get(sessionId) ?? [],
      customerTyping: this.typing.has(sessionId),
      deliveredSeq: live.delivered[sessionId] ?? 0,
      screen: live.screens[sessionId] ?? { joinCode: null, expiresAt: null, helper: null },
      closed: active ? null : (closed?.reason ?? null),
      returned: live.returned[sessionId] ?? null,
      files: [...(this.chatFiles.get(sessionId)?.values() ?? [])],
    };
  }

  /** A chat file appeared or changed: the chat window shows it as it is now. */
  updateFile(sessionId: string, file: ChatFileView): void {
    let files = this.chatFiles.get(sessionId);
    if (!files) {
      files = new Map();
      this.chatFiles.set(sessionId, files);
    }
    files.set(file.id, file);
    this.pushSession(sessionId);
  }

  /** Loads a session's transcript (storage first, else the server) before its detail is shown. */
  async ensureTranscript(sessionId: string): Promise<void> {
    if (this.transcripts.has(sessionId)) return;
    const stored = await loadTranscript(sessionId);
    if (stored) {
      this.transcripts.set(sessionId, stored);
      return;
    }
    if (!this.state.live.sessions.some((s) => s.id === sessionId)) return;
    const opened = await this.socket.request({ type: 'session.open', sessionId });
    this.upsertSession(opened.session);
    this.setTranscript(sessionId, opened.transcript);
  }

  pushView(): void {
    this.ports.push({ type: 'view', view: this.view() });
  }

  pushSession(sessionId: string): void {
    const detail = this.detail(sessionId);
    if (!detail) return;
    const name = chatPortName(sessionId);
    this.ports.push({ type: 'session', detail }, (n) => n === name);
  }

  // ------------------------------------------------------------------ local changes the UI asks for

  upsertSession(session: SessionView): void {
    const { live } = this.state;
    const i = live.sessions.findIndex((s) => s.id === session.id);
    if (session.state === 'ended') {
      this.closeSession(session.id, 'ended_by_system', session);
      return;
    }
    if (i >= 0) live.sessions[i] = session;
    else live.sessions.push(session);
    delete live.closed[session.id];
    this.persist();
  }

  /** The session left this agent (ended, transferred); its window stays readable. */
  closeSession(sessionId: string, reason: ClosedReason, latest?: SessionView): void {
    const { live } = this.state;
    const session =
      latest ?? live.sessions.find((s) => s.id === sessionId) ?? live.closed[sessionId]?.session;
    live.sessions = live.sessions.filter((s) => s.id !== sessionId);
    this.clearTyping(sessionId);
    delete live.returned[sessionId];
    if (session && this.windows.has(sessionId)) live.closed[sessionId] = { reason, session };
    else {
      delete live.closed[sessionId];
      this.transcripts.delete(sessionId);
      void forgetTranscripts([sessionId]);
    }
    this.persist();
    this.pushView();
    this.pushSession(sessionId);
  }

  removeFromQueue(sessionId: string): void {
    const { live } = this.state;
    live.queue = live.queue.filter((q) => q.sessionId !== sessionId);
    live.alerted = live.alerted.filter((id) => id !== sessionId);
    void this.alerts.withdraw(sessionId);
    this.updateBadge();
    this.persist();
  }

  setTranscript(sessionId: string, lines: readonly ChatLine[]): void {
    const sorted = [...lines].sort((a, b) => a.seq - b.seq);
    this.transcripts.set(sessionId, sorted);
    void saveTranscript(sessionId, sorted);
  }

  appendLine(line: ChatLine): void {
    const lines = this.transcripts.get(line.sessionId) ?? [];
    if (lines.some((l) => l.seq === line.seq)) return;
    const last = lines[lines.length - 1];
    if (!last || last.seq < line.seq) lines.push(line);
    else {
      lines.push(line);
      lines.sort((a, b) => a.seq - b.seq);
    }
    this.transcripts.set(line.sessionId, lines);
    void saveTranscript(line.sessionId, lines);
  }

  /** A chat window closed: a closed session it showed is forgotten. */
  onWindowClosed(windowId: number): void {
    const before = new Set(this.windows.sessionIds());
    if (!this.windows.forgetWindow(windowId)) return;
    for (const sessionId of before) {
      if (this.windows.has(sessionId)) continue;
      if (this.state.live.closed[sessionId]) {
        delete this.state.live.closed[sessionId];
        this.transcripts.delete(sessionId);
        void forgetTranscripts([sessionId]);
        this.persist();
      }
    }
  }

  // ------------------------------------------------------------------ server pushes

  private onPush(message: ServerPush): void {
    const handler = this.handlers[message.type] as (m: ServerPush, ctx: undefined) => void;
    handler(message, undefined);
  }

  private readonly handlers: HandlerMap<ServerPush, undefined> = {
    'chat.file': (m) => this.updateFile(m.sessionId, m.file),
    'agent.welcome': (m) => {
      const { live } = this.state;
      if (this.state.account) {
        this.state.account = { ...this.state.account, agent: m.agent, role: m.role };
        void saveAccount(this.state.account);
      }
      live.presence = m.status;
      live.features = m.features;
      live.queue = m.queue;
      live.waitingForSeat = m.waitingForSeat === true;
      const stillOpen = new Set(m.sessions.map((s) => s.id));
      for (const s of live.sessions) {
        if (!stillOpen.has(s.id)) this.closeSession(s.id, 'ended_by_system', s);
      }
      live.sessions = m.sessions;
      // Catch up on lines missed while offline, for the sessions on screen.
      for (const s of m.sessions) {
        if (this.windows.has(s.id)) void this.refreshTranscript(s.id);
      }
      const queued = new Set(m.queue.map((q) => q.sessionId));
      for (const id of live.alerted) if (!queued.has(id)) void this.alerts.withdraw(id);
      live.alerted = live.alerted.filter((id) => queued.has(id));
      for (const entry of m.queue) void this.alert(entry);
      this.persist();
      this.updateBadge();
      this.pushView();
    },
    'seat.granted': () => {
      // The server closes this socket next (4010); the reconnect's welcome brings the queue.
      this.state.live.waitingForSeat = false;
      this.persist();
      this.pushView();
    },
    'agent.features': (m) => {
      this.state.live.features = m.features;
      this.persist();
      this.pushView();
    },
    'presence.changed': (m) => {
      this.state.live.presence = m.status;
      this.persist();
      this.pushView();
    },
    'queue.added': (m) => {
      const { live } = this.state;
      live.queue = [...live.queue.filter((q) => q.sessionId !== m.entry.sessionId), m.entry];
      this.persist();
      this.updateBadge();
      this.pushView();
      void this.alert(m.entry);
    },
    'queue.removed': (m) => {
      this.removeFromQueue(m.sessionId);
      this.pushView();
    },
    'session.assigned': (m) => {
      this.removeFromQueue(m.session.id);
      this.upsertSession(m.session);
      this.setTranscript(m.session.id, m.transcript);
      this.pushView();
      this.pushSession(m.session.id);
      void this.windows.open(m.session.id);
    },
    'session.updated': (m) => {
      const me = this.state.account?.agent.id;
      const mine = m.session.agent?.id === me && m.session.state === 'accepted';
      if (!mine && m.session.state !== 'ended') this.closeSession(m.session.id, 'transferred', m.session);
      else this.upsertSession(m.session);
      this.pushView();
      this.pushSession(m.session.id);
    },
    'session.ended': (m) => {
      this.closeSession(m.sessionId, `ended_by_${m.by}`);
    },
    'customer.presence': (m) => {
      const { live } = this.state;
      const mark = <T extends { customer?: unknown }>(x: T): T => {
        const { customer: _was, ...rest } = x;
        return (m.customer.state === 'here' ? rest : { ...rest, customer: m.customer }) as T;
      };
      live.queue = live.queue.map((q) => (q.sessionId === m.sessionId ? mark(q) : q));
      live.sessions = live.sessions.map((s) => (s.id === m.sessionId ? mark(s) : s));
      const closed = live.closed[m.sessionId];
      if (closed) live.closed[m.sessionId] = { ...closed, session: mark(closed.session) };
      this.persist();
      this.pushView();
      this.pushSession(m.sessionId);
    },
    'transfer.returned': (m) => {
      this.state.live.returned[m.sessionId] = {
        reason: m.reason,
        ...(m.by !== undefined ? { by: m.by } : {}),
        ...(m.comment !== undefined ? { comment: m.comment } : {}),
        at: Date.now(),
      };
      this.persist();
      // session.assigned follows: it reopens the session and its window.
    },
    'chat.message': (m) => {
      this.appendLine(m.line);
      if (m.line.from.kind === 'customer') this.clearTyping(m.line.sessionId);
      this.pushSession(m.line.sessionId);
    },
    'chat.typing': (m) => {
      if (m.from.kind !== 'customer') return;
      this.clearTyping(m.sessionId);
      if (m.typing) {
        this.typing.set(
          m.sessionId,
          setTimeout(() => {
            this.typing.delete(m.sessionId);
            this.pushSession(m.sessionId);
          }, CUSTOMER_TYPING_EXPIRE_MS),
        );
      }
      this.pushSession(m.sessionId);
    },
    'chat.delivered': (m) => {
      const { delivered } = this.state.live;
      delivered[m.sessionId] = Math.max(delivered[m.sessionId] ?? 0, m.seq);
      this.persist();
      this.pushSession(m.sessionId);
    },
    'helper.status': (m) => {
      const { screens } = this.state.live;
      const screen = screens[m.sessionId] ?? { joinCode: null, expiresAt: null, helper: null };
      screens[m.sessionId] = {
        ...screen,
        helper: {
          connected: m.connected,
          grants: m.grants,
          ...(m.os !== undefined ? { os: m.os } : {}),
          ...(m.error !== undefined ? { error: m.error } : {}),
          ...(m.ended !== undefined ? { ended: m.ended } : {}),
        },
      };
      this.persist();
      this.pushSession(m.sessionId);
    },
    'helper.downloaded': (m) => {
      const { screens } = this.state.live;
      const screen = screens[m.sessionId] ?? { joinCode: null, expiresAt: null, helper: null };
      screens[m.sessionId] = { ...screen, downloaded: true };
      this.persist();
      this.pushSession(m.sessionId);
    },
    signed_out: (m) => {
      const notice: SignedOutNotice | null =
        m.reason === 'logout'
          ? null
          : { reason: m.reason, ...(m.byName !== undefined ? { byName: m.byName } : {}) };
      void this.signOutLocally(notice);
    },
  };

  private async refreshTranscript(sessionId: string): Promise<void> {
    try {
      const opened = await this.socket.request({ type: 'session.open', sessionId });
      this.upsertSession(opened.session);
      this.setTranscript(sessionId, opened.transcript);
      this.pushSession(sessionId);
    } catch {
      // the next welcome tries again
    }
  }

  private clearTyping(sessionId: string): void {
    const timer = this.typing.get(sessionId);
    if (timer !== undefined) clearTimeout(timer);
    this.typing.delete(sessionId);
  }

  private async alert(entry: QueueEntry): Promise<void> {
    const { live, account, effective } = this.state;
    if (!account || live.alerted.includes(entry.sessionId)) return;
    const decision = decideAlert(entry, effective.settings, {
      myAgentId: account.agent.id,
      available: live.presence === 'available',
      inSession: live.sessions.length > 0,
    });
    // Not "alerted" when skipped for being busy: the server sends it again when the agent is back.
    if (decision.skippedBusy) return;
    live.alerted.push(entry.sessionId);
    this.persist();
    if (decision.sound) playAlertSound().catch((err: unknown) => console.warn('lifeline: sound failed', err));
    if (decision.show) {
      await this.alerts
        .show(entry, effective.settings.alertSeconds)
        .catch((err: unknown) => console.warn('lifeline: notification failed', err));
    }
  }

  private onSocketState(state: SocketState): void {
    this.tracer?.socket(state, this.socket.lastClose);
    this.updateBadge();
    this.pushView();
  }

  updateBadge(): void {
    const count = this.state.account ? this.state.live.queue.length : 0;
    const online = this.socket.state === 'ready';
    void browser.action.setBadgeText({ text: count > 0 ? String(count) : '' });
    void browser.action.setBadgeBackgroundColor({ color: online ? BADGE_ONLINE : BADGE_OFFLINE });
  }

  /** Saves the live picture once per turn of the event loop, however many changes it had. */
  persist(): void {
    if (this.saveQueued) return;
    this.saveQueued = true;
    queueMicrotask(() => {
      this.saveQueued = false;
      void saveLive(this.state.live);
    });
  }
}
