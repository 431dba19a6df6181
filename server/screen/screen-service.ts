/**
 * Screen sharing around an accepted session: the agent asks (`screen.request` -> a join code the
 * customer's page shows or hands to the installed helper), the helper joins with that code
 * (`helper.hello` credential `join`) or comes back with its resume token (`resume`) after a
 * reboot or a network loss, the customer's consent travels from the helper's own prompt to the
 * agent and the page, and viewers (the agent's viewer windows) join the session's data plane.
 *
 * State lives here in memory (screen-machine.ts decides every change) and is mirrored into the
 * session record for reports and for the agent's SessionView. A helper that drops without
 * `helper.stop` leaves the screen `reconnecting`; it may resume within the grace period
 * (RECONNECT_GRACE_MS), after which sharing ends and the chat session goes on. Meanwhile the
 * agent may ask for a new code for another helper (a crashed one, a closed terminal): the old
 * one's resume token stops working then.
 *
 * What survives what: the customer's grants are kept across the helper's reconnects (it
 * re-confirms them at once; a revoke still applies at once), so viewers and transfers carry on.
 * Join codes, resume tokens (both hashed, in the ephemeral store), download tickets (hashed) and
 * the grants (in the store) survive a server restart: at start-up every screen that had a helper waits in `reconnecting`
 * for it, with a fresh grace period, and viewers come back with their agents' login tokens.
 */
import type { ServerToAgent } from '../../protocol/agent-channel';
import { NO_GRANTS, type Grants, type ScreenState, type SharingEnd } from '../../protocol/common';
import type { ServerToCustomer } from '../../protocol/customer-channel';
import { ProtocolError } from '../../protocol/errors';
import type { OsInfo, ServerToHelper } from '../../protocol/helper-channel';
import type { Language } from '../../protocol/i18n/language';
import { RECONNECT_GRACE_MS } from '../../protocol/limits';
import type { ServerToViewer } from '../../protocol/viewer-channel';
import { hashToken, newToken } from '../auth/tokens';
import type { ServerContext } from '../context';
import type { Presence } from '../presence/presence';
import { DEFAULT_FLOW_LIMITS, type FlowLimits } from '../relay/flow-control';
import { Relay } from '../relay/relay';
import type { RelayPeer } from '../relay/relay-peer';
import type { SessionEndedBy } from '../session/session-events';
import type { SessionService } from '../session/session-service';
import { isExpired } from '../store/ephemeral-store';
import type { UserRecord } from '../store/store';
import { CLOSE, type Connection } from '../ws/connection';
import { sendToHelper, sendToViewer } from '../ws/channels/typed-send';
import { describeOs } from './describe-os';
import { DownloadTickets } from './download-tickets';
import { loadJoinCodeKey } from './join-code-key';
import { JoinCodes } from './join-codes';
import { PacedQueue } from './paced-queue';
import { SlowLink } from './slow-link';
import { canScreen, nextScreenState, type ScreenEvent } from './screen-machine';

export interface ScreenTimings {
  /** How long a dropped helper may take to resume, in ms. */
  reconnectGraceMs: number;
}

export const DEFAULT_SCREEN_TIMINGS: ScreenTimings = { reconnectGraceMs: RECONNECT_GRACE_MS };

interface ScreenSession {
  readonly sessionId: string;
  state: ScreenState;
  helper: RelayPeer | null;
  grants: Grants;
  os: OsInfo | null;
  resumeHash: string | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
  /** The helper is the support page sharing from the browser: view only. */
  browser: boolean;
  /** Viewer peer -> the agent behind it. */
  readonly viewers: Map<RelayPeer, { userId: string; agentName: string }>;
  /** Which viewers find the link slow; the customer's page shows advice meanwhile. */
  readonly link: SlowLink<RelayPeer>;
}

export type HelperWelcome = Extract<ServerToHelper, { type: 'helper.welcome' }>;
export type ViewerWelcome = Extract<ServerToViewer, { type: 'viewer.welcome' }>;
type HelperPresenceView = NonNullable<ViewerWelcome['helper']>;

export interface HelperHello {
  os: OsInfo;
  supported: boolean;
}

export class ScreenService {
  readonly joinCodes: JoinCodes;
  /** Tickets of the helper downloads bound to a request (download-tickets.ts). */
  readonly tickets: DownloadTickets;
  /** What follows a first screen frame, paced across sessions (see onScreenFrame). */
  private readonly announcements: PacedQueue;
  readonly relay: Relay;
  private readonly screens = new Map<string, ScreenSession>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly sessions: SessionService,
    private readonly presence: Presence,
    private readonly timings: ScreenTimings = DEFAULT_SCREEN_TIMINGS,
    flowLimits: FlowLimits = DEFAULT_FLOW_LIMITS,
  ) {
    this.announcements = new PacedQueue(ctx.log);
    this.joinCodes = new JoinCodes(ctx.now, {
      store: ctx.store.ephemeral,
      key: loadJoinCodeKey(ctx.config.dataDir),
    });
    this.tickets = new DownloadTickets(ctx.store.downloadTickets, ctx.now);
    this.relay = new Relay(
      {
        grantsOf: (id) => this.screens.get(id)?.grants ?? NO_GRANTS,
        onScreenFrame: (id) => this.onScreenFrame(id),
      },
      ctx.log,
      flowLimits,
    );
    sessions.events.on('ended', ({ sessionId, by }) => this.onSessionEnded(sessionId, by));
    sessions.events.on('released', ({ sessionId, formerAgentId }) =>
      this.onReleased(sessionId, formerAgentId),
    );
  }

  /**
   * Start-up after a restart (or a crash): every screen whose helper held a resume token waits in
   * `reconnecting` for it, with the customer's grants and a fresh grace period (the restart is a
   * drop for every helper at once); a screen still waiting for its first helper keeps its join
   * code; anything else goes back to `none`.
   */
  async load(): Promise<void> {
    const { store } = this.ctx;
    const now = this.ctx.now();
    await store.ephemeral.sweep(now);
    const tokens = new Map<string, string>();
    for (const { key, entry } of await store.ephemeral.entries('resume_of')) tokens.set(key, entry.value);
    for (const s of await store.sessions.open()) {
      if (s.screen === 'none') continue;
      const hash = tokens.get(s.id);
      if (hash !== undefined) {
        const ss = this.screen(s.id, 'reconnecting');
        ss.grants = (await store.screenGrants.get(s.id)) ?? { ...NO_GRANTS };
        await this.setResume(ss, hash, now + this.timings.reconnectGraceMs);
        if (s.screen !== 'reconnecting') await store.sessions.update(s.id, { screen: 'reconnecting' });
        this.armGrace(ss);
        this.ctx.log.info('helper_awaited_after_restart', { session: s.id });
      } else if (s.screen === 'requested') {
        this.screen(s.id, 'requested');
      } else {
        await store.sessions.update(s.id, { screen: 'none' });
        await store.screenGrants.clear(s.id);
      }
    }
  }

  /** The agent asks to see the customer's screen: a fresh join code, shown on the customer's page. */
  async request(
    user: UserRecord,
    sessionId: string,
    address?: string,
  ): Promise<{ joinCode: string; expiresAt: number }> {
    if (!user.features.screenView) {
      throw new ProtocolError(
        'feature_disabled',
        'your manager has not enabled screen viewing for your account',
      );
    }
    await this.sessions.held(user, sessionId);
    const ss = this.screen(sessionId, 'none');
    if (ss.helper)
      throw new ProtocolError('illegal_transition', "the customer's helper is already connected");
    nextScreenState(ss.state, 'request');
    // A helper that is gone (crashed, closed, unreachable) is replaced at once: its resume token
    // and the consent it gave stop here; the next helper asks the customer again.
    const replacing = ss.state === 'reconnecting';
    await this.move(ss, 'request');
    if (replacing) {
      this.clearGrace(ss);
      await this.setResume(ss, null);
      await this.setGrants(ss, { ...NO_GRANTS });
      this.tellAgent(sessionId, this.helperStatus(ss));
      this.tellViewers(ss, { type: 'helper.left', reconnecting: false });
      this.ctx.log.info('helper_replaced', { session: sessionId });
    }
    const { code, expiresAt } = await this.joinCodes.issue(sessionId);
    const { ticket } = await this.tickets.issue(sessionId, user.id);
    this.sessions.customers.send(sessionId, {
      type: 'screen.requested',
      joinCode: code,
      expiresAt,
      agentName: user.name,
      download: ticket,
    });
    await this.ctx.audit({
      actor: user.id,
      action: 'screen.request',
      target: sessionId,
      ...(address ? { address } : {}),
    });
    return { joinCode: code, expiresAt };
  }

  /** The customer's browser is fetching the helper bound to this session: the agent is told. */
  downloaded(sessionId: string, system: string): void {
    if (system !== 'linux' && system !== 'windows') return;
    this.tellAgent(sessionId, { type: 'helper.downloaded', sessionId, system });
  }

  /** A helper arrives with a join code. Throws ProtocolError (the channel answers and closes). */
  async joinWithCode(
    conn: Connection,
    joinCode: string,
    hello: HelperHello,
  ): Promise<{ peer: RelayPeer; welcome: HelperWelcome }> {
    const sessionId = await this.joinCodes.redeem(joinCode, conn.address);
    return this.admit(conn, sessionId, hello);
  }

  /**
   * A helper arrives with the ticket of a download bound to the request (no code typed). The
   * ticket is spent as it is claimed (like a join code as it is redeemed), every other of the
   * request and its code once the helper is admitted.
   */
  async joinWithTicket(
    conn: Connection,
    ticket: string,
    hello: HelperHello,
  ): Promise<{ peer: RelayPeer; welcome: HelperWelcome }> {
    const sessionId = await this.tickets.claim(ticket, conn.address);
    return this.admit(conn, sessionId, hello);
  }

  /**
   * The support page shares the screen from the browser itself (getDisplayMedia), for a system
   * without a helper or where nothing may be installed: proven by the request token, admitted like
   * a helper, and held to view only (consent() refuses anything more).
   */
  async joinFromPage(
    conn: Connection,
    requestToken: string,
    hello: HelperHello,
  ): Promise<{ peer: RelayPeer; welcome: HelperWelcome }> {
    const s = await this.sessions.byRequestToken(requestToken);
    return this.admit(conn, s.id, hello, true);
  }

  /** A helper that proved which session it is for: attached if the session waits for one. */
  private async admit(
    conn: Connection,
    sessionId: string,
    hello: HelperHello,
    browser = false,
  ): Promise<{ peer: RelayPeer; welcome: HelperWelcome }> {
    const s = await this.sessions.record(sessionId);
    if (s.state === 'ended') throw new ProtocolError('session_ended', 'this support session has ended');
    const ss = this.screen(sessionId, s.screen);
    if (s.state !== 'accepted' || ss.state !== 'requested' || ss.helper) {
      throw new ProtocolError('illegal_transition', 'this session is not waiting for a helper');
    }
    // One helper per request: the code and every download of this request are spent now.
    await this.tickets.spendSession(sessionId);
    await this.joinCodes.revoke(sessionId);
    if (!hello.supported) {
      const os = describeOs(hello.os);
      ss.os = hello.os;
      await this.move(ss, 'stop', { error: 'os_not_supported', os });
      this.tellAgent(sessionId, {
        type: 'helper.status',
        sessionId,
        connected: false,
        grants: NO_GRANTS,
        os,
        error: 'os_not_supported',
      });
      throw new ProtocolError('os_not_supported', `screen sharing is not supported on ${os} yet`, { os });
    }
    ss.browser = browser;
    return this.attach(ss, conn, hello.os, s.customerName, s.customerLanguage, false);
  }

  /**
   * A helper comes back with the resume token of its last welcome, within the grace period:
   * after a network loss, a reboot, its own restart, or the server's. The customer's grants are
   * kept; the helper re-confirms them.
   */
  async resume(
    conn: Connection,
    resumeToken: string,
    hello: HelperHello,
  ): Promise<{ peer: RelayPeer; welcome: HelperWelcome }> {
    const hash = hashToken(resumeToken);
    const expired = () =>
      new ProtocolError('resume_expired', 'this helper can no longer resume; ask the agent for a new code');
    const entry = await this.ctx.store.ephemeral.get('resume', hash);
    if (!entry || isExpired(entry, this.ctx.now())) throw expired();
    const sessionId = entry.value;
    const ss = this.screens.get(sessionId);
    if (!ss || ss.resumeHash !== hash) throw expired();
    const s = await this.sessions.record(sessionId);
    if (s.state !== 'accepted') throw new ProtocolError('session_ended', 'this support session has ended');
    // Checked again after the await: another helper may have resumed or been asked for meanwhile.
    if (ss.resumeHash !== hash) throw expired();
    if (ss.helper) {
      // The old socket has not noticed it is dead yet (half-open TCP): this one replaces it.
      const old = ss.helper;
      await this.dropHelper(ss, old);
      old.conn.ws.terminate();
    }
    if (ss.state !== 'reconnecting')
      throw new ProtocolError('resume_expired', 'screen sharing has ended; ask for a new code');
    return this.attach(ss, conn, hello.os, s.customerName, s.customerLanguage, true);
  }

  /** Consent given or revoked in the helper's own prompt. */
  async consent(peer: RelayPeer, grants: Grants): Promise<void> {
    const ss = this.screens.get(peer.sessionId);
    if (!ss || ss.helper !== peer)
      throw new ProtocolError('helper_not_connected', 'this helper is not attached');
    if (ss.browser && (grants.control || grants.clipboard || grants.files || grants.reboot)) {
      throw new ProtocolError('forbidden', 'a screen shared from the browser is view only');
    }
    const event: ScreenEvent = grants.view ? 'consent' : 'revoke';
    nextScreenState(ss.state, event);
    await this.setGrants(ss, { ...grants });
    await this.move(ss, event);
    this.tellAgent(peer.sessionId, this.helperStatus(ss));
    this.tellViewers(ss, { type: 'helper.consent', grants: ss.grants });
    await this.ctx.audit({
      actor: `customer:${peer.sessionId}`,
      action: 'screen.consent',
      target: peer.sessionId,
      details: { grants: ss.grants },
      address: peer.conn.address,
    });
  }

  /** The helper says a reboot is starting: the drop that follows is expected (logged as such). */
  rebooting(peer: RelayPeer): void {
    const ss = this.screens.get(peer.sessionId);
    if (!ss || ss.helper !== peer)
      throw new ProtocolError('helper_not_connected', 'this helper is not attached');
    this.ctx.log.info('helper_rebooting', { session: peer.sessionId });
  }

  /** The customer pressed stop in the helper: sharing ends, the chat goes on. */
  async stop(peer: RelayPeer): Promise<void> {
    const ss = this.screens.get(peer.sessionId);
    if (!ss || ss.helper !== peer)
      throw new ProtocolError('helper_not_connected', 'this helper is not attached');
    await this.endSharing(ss, 'stopped');
    peer.conn.close(CLOSE.normal, 'screen sharing stopped');
  }

  /**
   * The customer declined in the consent window, or closed it, before sharing anything: sharing
   * ends and everyone is told why. Refused while something is shared (that is a revoke, or stop).
   */
  async declined(peer: RelayPeer, reason: 'declined' | 'closed'): Promise<void> {
    const ss = this.screens.get(peer.sessionId);
    if (!ss || ss.helper !== peer)
      throw new ProtocolError('helper_not_connected', 'this helper is not attached');
    if (Object.values(ss.grants).some(Boolean)) {
      throw new ProtocolError('illegal_transition', 'something is shared already: revoke or stop instead');
    }
    await this.endSharing(ss, reason);
    await this.ctx.audit({
      actor: `customer:${peer.sessionId}`,
      action: 'screen.declined',
      target: peer.sessionId,
      details: { reason },
      address: peer.conn.address,
    });
    peer.conn.close(CLOSE.normal, 'screen sharing declined');
  }

  /** The helper's socket closed. Without a stop first, the screen waits in `reconnecting`. */
  async helperClosed(peer: RelayPeer): Promise<void> {
    const ss = this.screens.get(peer.sessionId);
    if (!ss || ss.helper !== peer) {
      this.relay.remove(peer);
      return;
    }
    await this.dropHelper(ss, peer);
  }

  /**
   * An agent's viewer window joins the data plane of a session they hold. Refused without the
   * `screenView` feature; the welcome tells the viewer its features, and the relay holds it to
   * them (no input frames without `screenControl`).
   */
  async joinViewer(
    user: UserRecord,
    sessionId: string,
    conn: Connection,
  ): Promise<{ peer: RelayPeer; welcome: ViewerWelcome }> {
    if (!user.features.screenView) {
      throw new ProtocolError(
        'feature_disabled',
        'your manager has not enabled screen viewing for your account',
      );
    }
    const s = await this.sessions.held(user, sessionId);
    const ss = this.screen(sessionId, s.screen);
    const peer = this.relay.addViewer(sessionId, conn, user.features);
    if (!peer) throw new ProtocolError('unavailable', 'this session has as many viewers as it can take');
    ss.viewers.set(peer, { userId: user.id, agentName: user.name });
    if (ss.helper) {
      sendToHelper(ss.helper.conn, {
        type: 'peer.joined',
        peer: { peerId: peer.peerId, agentName: user.name },
      });
    }
    return {
      peer,
      welcome: {
        type: 'viewer.welcome',
        sessionId,
        peerId: peer.peerId,
        helper: this.helperPresence(ss),
        helperReconnecting: ss.helper === null && ss.state === 'reconnecting',
        // Read at this hello, like the relay's copy: a manager's change applies at the next one.
        features: { ...user.features },
      },
    };
  }

  viewerClosed(peer: RelayPeer): void {
    this.relay.remove(peer);
    const ss = this.screens.get(peer.sessionId);
    if (!ss || !ss.viewers.delete(peer)) return;
    if (ss.helper) sendToHelper(ss.helper.conn, { type: 'peer.left', peerId: peer.peerId });
    ss.link.drop(peer);
    this.tellLink(ss);
  }

  /** A viewer found the link slow or fine again (`viewer.link`): the customer's page follows. */
  linkReported(peer: RelayPeer, slow: boolean): void {
    const ss = this.screens.get(peer.sessionId);
    if (!ss || !ss.viewers.has(peer)) return;
    ss.link.report(peer, slow);
    this.tellLink(ss);
  }

  /** After a customer's welcome (a reload, a lost connection): advice in force is told again. */
  greetCustomer(sessionId: string, conn: Connection): void {
    if (!this.screens.get(sessionId)?.link.slowTold) return;
    const msg: ServerToCustomer = { type: 'screen.link', slow: true };
    conn.send(msg);
  }

  private tellLink(ss: ScreenSession): void {
    const slow = ss.link.change(ss.state === 'streaming');
    if (slow === null) return;
    this.sessions.customers.send(ss.sessionId, { type: 'screen.link', slow } satisfies ServerToCustomer);
  }

  /** Server shutdown: no grace timer may fire into a closed store. */
  close(): void {
    for (const ss of this.screens.values()) this.clearGrace(ss);
  }

  stateOf(sessionId: string): ScreenState {
    return this.screens.get(sessionId)?.state ?? 'none';
  }

  // ------------------------------------------------------------------ internals

  /**
   * Attaches a helper's socket. Everything that decides who holds the session (the helper, its
   * resume token) changes before the first await, so a racing resume sees it.
   */
  private async attach(
    ss: ScreenSession,
    conn: Connection,
    os: OsInfo,
    customerName: string,
    language: Language | null,
    resumed: boolean,
  ): Promise<{ peer: RelayPeer; welcome: HelperWelcome }> {
    this.clearGrace(ss);
    const peer = this.relay.attachHelper(ss.sessionId, conn);
    ss.helper = peer;
    ss.os = os;
    const resumeToken = newToken();
    const stored = this.setResume(ss, hashToken(resumeToken));
    // A helper that joins with a code has been asked nothing yet; one that resumes keeps the
    // customer's consent (it says it again at once, and a revoke still applies at once).
    const grants = resumed ? ss.grants : { ...NO_GRANTS };
    await stored;
    await this.setGrants(ss, grants);
    if (ss.state === 'reconnecting') await this.move(ss, 'resume');
    this.tellAgent(ss.sessionId, this.helperStatus(ss));
    const presence = this.helperPresence(ss);
    if (presence) this.tellViewers(ss, { type: 'helper.joined', helper: presence });
    return {
      peer,
      welcome: {
        type: 'helper.welcome',
        sessionId: ss.sessionId,
        resumeToken,
        peerId: 1,
        customerName,
        viewers: [...ss.viewers].map(([p, v]) => ({ peerId: p.peerId, agentName: v.agentName })),
        ...(language ? { language } : {}),
      },
    };
  }

  /** The helper's socket is gone without a stop: the screen waits for its resume (grants kept). */
  private async dropHelper(ss: ScreenSession, peer: RelayPeer): Promise<void> {
    this.relay.remove(peer);
    ss.helper = null;
    if (!canScreen(ss.state, 'drop')) return;
    await this.move(ss, 'drop');
    if (ss.resumeHash)
      await this.setResume(ss, ss.resumeHash, this.ctx.now() + this.timings.reconnectGraceMs);
    this.tellAgent(ss.sessionId, this.helperStatus(ss));
    this.tellViewers(ss, { type: 'helper.left', reconnecting: true });
    this.armGrace(ss);
  }

  /** Ends sharing if the helper has not resumed within the grace period. */
  private armGrace(ss: ScreenSession): void {
    this.clearGrace(ss);
    ss.graceTimer = setTimeout(() => {
      ss.graceTimer = null;
      if (ss.state !== 'reconnecting' || this.screens.get(ss.sessionId) !== ss) return;
      this.ctx.log.info('helper_resume_expired', { session: ss.sessionId });
      this.endSharing(ss).catch((err: unknown) =>
        this.ctx.log.error('screen_end_failed', { error: String(err) }),
      );
    }, this.timings.reconnectGraceMs);
    ss.graceTimer.unref();
  }

  /** Sharing is over (stop, declined, grace expired); the chat session goes on. */
  private async endSharing(ss: ScreenSession, ended?: SharingEnd): Promise<void> {
    const helper = ss.helper;
    if (helper) this.relay.remove(helper);
    ss.helper = null;
    this.clearGrace(ss);
    await this.setResume(ss, null);
    await this.setGrants(ss, { ...NO_GRANTS });
    if (canScreen(ss.state, 'stop')) await this.move(ss, 'stop', ended ? { ended } : {});
    this.tellAgent(ss.sessionId, { ...this.helperStatus(ss), ...(ended ? { ended } : {}) });
    this.tellViewers(ss, { type: 'helper.left', reconnecting: false, ...(ended ? { ended } : {}) });
  }

  /**
   * The first screen frame after consent: `streaming` at once in memory (the relay goes on
   * forwarding), and its announcement (store, customer, agent) paced with the other sessions'
   * (paced-queue.ts). If the state moved on before its turn came, the later move announced it.
   */
  private onScreenFrame(sessionId: string): void {
    const ss = this.screens.get(sessionId);
    if (!ss || ss.state !== 'consented') return;
    const next = nextScreenState(ss.state, 'stream');
    ss.state = next;
    this.announcements.push(async () => {
      if (this.screens.get(sessionId) === ss && ss.state === next) await this.announce(ss, next);
    });
  }

  private onSessionEnded(sessionId: string, by: SessionEndedBy): void {
    const forget = async () => {
      await this.tickets.expireSession(sessionId);
      await this.joinCodes.revoke(sessionId);
      await this.ctx.store.screenGrants.clear(sessionId);
    };
    forget().catch((err: unknown) => this.ctx.log.error('screen_forget_failed', { error: String(err) }));
    const ss = this.screens.get(sessionId);
    if (!ss) return;
    this.screens.delete(sessionId);
    this.clearGrace(ss);
    this.setResume(ss, null).catch((err: unknown) =>
      this.ctx.log.error('screen_forget_failed', { error: String(err) }),
    );
    const ended = { type: 'session.ended', by } as const;
    if (ss.helper) {
      sendToHelper(ss.helper.conn, ended);
      ss.helper.conn.close(CLOSE.sessionEnded, 'the support session has ended');
      this.relay.remove(ss.helper);
    }
    for (const peer of ss.viewers.keys()) {
      sendToViewer(peer.conn, ended);
      peer.conn.close(CLOSE.sessionEnded, 'the support session has ended');
      this.relay.remove(peer);
    }
  }

  /** The session went to a transfer queue: its former agent's viewers leave. */
  private onReleased(sessionId: string, formerAgentId: string): void {
    const ss = this.screens.get(sessionId);
    if (!ss) return;
    Promise.all([this.tickets.expireSession(sessionId), this.joinCodes.revoke(sessionId)]).catch(
      (err: unknown) => this.ctx.log.error('join_code_revoke_failed', { error: String(err) }),
    );
    for (const [peer, v] of ss.viewers) {
      if (v.userId !== formerAgentId) continue;
      peer.conn.error('not_in_session', 'the session was transferred; this viewer closes');
      peer.conn.close(CLOSE.normal, 'session transferred');
      this.viewerClosed(peer);
    }
  }

  private async move(
    ss: ScreenSession,
    event: ScreenEvent,
    extra: { error?: 'os_not_supported'; os?: string; ended?: SharingEnd } = {},
  ): Promise<void> {
    const next = nextScreenState(ss.state, event);
    const changed = next !== ss.state;
    ss.state = next;
    if (changed || extra.error || extra.ended) await this.announce(ss, next, extra, changed);
  }

  /** Mirrors the screen state into the session record and tells the customer and the agent. */
  private async announce(
    ss: ScreenSession,
    state: ScreenState,
    extra: { error?: 'os_not_supported'; os?: string; ended?: SharingEnd } = {},
    write = true,
  ): Promise<void> {
    if (write) await this.ctx.store.sessions.update(ss.sessionId, { screen: state });
    this.sessions.customers.send(ss.sessionId, {
      type: 'screen.status',
      state,
      ...extra,
    } satisfies ServerToCustomer);
    // Sharing paused or stopped takes the advice down; streaming again puts it back if still slow.
    this.tellLink(ss);
    await this.sessions.pushUpdate(ss.sessionId);
  }

  private screen(sessionId: string, state: ScreenState): ScreenSession {
    let ss = this.screens.get(sessionId);
    if (!ss) {
      ss = {
        sessionId,
        state,
        helper: null,
        grants: { ...NO_GRANTS },
        os: null,
        resumeHash: null,
        graceTimer: null,
        browser: false,
        viewers: new Map(),
        link: new SlowLink(),
      };
      this.screens.set(sessionId, ss);
    }
    return ss;
  }

  /**
   * Sets the session's resume token (its hash; null: none), in memory at once and in the
   * ephemeral store (so it survives a restart). `expiresAt` null while a helper holds it.
   */
  private async setResume(
    ss: ScreenSession,
    hash: string | null,
    expiresAt: number | null = null,
  ): Promise<void> {
    const old = ss.resumeHash;
    ss.resumeHash = hash;
    const eph = this.ctx.store.ephemeral;
    if (old && old !== hash) await eph.delete('resume', old);
    if (hash) {
      await eph.put('resume', hash, ss.sessionId, expiresAt);
      await eph.put('resume_of', ss.sessionId, hash, expiresAt);
    } else {
      await eph.delete('resume_of', ss.sessionId);
    }
  }

  /** The customer's grants, in memory and in the store (kept across reconnects and restarts). */
  private async setGrants(ss: ScreenSession, grants: Grants): Promise<void> {
    ss.grants = grants;
    const none = !Object.values(grants).some(Boolean);
    if (none) await this.ctx.store.screenGrants.clear(ss.sessionId);
    else await this.ctx.store.screenGrants.set(ss.sessionId, grants, this.ctx.now());
  }

  private clearGrace(ss: ScreenSession): void {
    if (ss.graceTimer) clearTimeout(ss.graceTimer);
    ss.graceTimer = null;
  }

  private helperStatus(ss: ScreenSession): Extract<ServerToAgent, { type: 'helper.status' }> {
    return {
      type: 'helper.status',
      sessionId: ss.sessionId,
      connected: ss.helper !== null,
      grants: ss.grants,
      ...(ss.os ? { os: describeOs(ss.os) } : {}),
      ...(ss.browser ? { browser: true } : {}),
    };
  }

  private helperPresence(ss: ScreenSession): HelperPresenceView | null {
    return ss.helper && ss.os
      ? { peerId: 1, grants: ss.grants, os: ss.os, ...(ss.browser ? { browser: true } : {}) }
      : null;
  }

  private tellAgent(sessionId: string, message: ServerToAgent): void {
    const agentId = this.sessions.holderOf(sessionId);
    if (agentId) this.presence.send(agentId, message);
  }

  private tellViewers(ss: ScreenSession, message: ServerToViewer): void {
    for (const peer of ss.viewers.keys()) sendToViewer(peer.conn, message);
  }
}
