/**
 * The support workflow on the server: a customer's request joins its portal's queue and is
 * pushed at once to every available agent serving that portal; the first accept wins (the
 * store's compare-and-set decides, so 100 parallel accepts give exactly one winner); the agent
 * and the customer chat (chat-service.ts); the agent saves comments and may transfer the session
 * to a colleague or back to a portal queue with a comment; either side ends it. Sessions never
 * end by inactivity and have no duration limit; an agent may hold any number
 * (unless their manager switched `multiChat` off: then one at a time).
 *
 * Every state change asks session-machine.ts, then the store (atomically), then tells the
 * parties: agents through Presence, customers through CustomerLinks, screen sharing and the
 * relay through `events`. The store is the truth; the queue index is rebuilt from it at start-up.
 * Who hears about the queue is queue-alerts.ts; transfers (and their return: declined, recalled,
 * not taken in time) session-transfer.ts; "continue with the same agent" session-continuation.ts.
 *
 * The turns of a session beside the happy path: a customer whose page closed is `away`, and past
 * the grace period (customer-presence.ts) their waiting request is withdrawn and the agent of a
 * live session sees they left; a customer who leaves their details makes a callback request,
 * which stays queued until an agent marks it handled; requests waiting for one agent have a
 * deadline (answer-deadlines.ts, the manager's transfer timeout, 2 minutes by default).
 */
import type { TransferTarget } from '../../protocol/agent-channel';
import type { AgentRef, ChatLine, CustomerPresence, QueueEntry, SessionView } from '../../protocol/common';
import type { CustomerSessionView, NewRequest } from '../../protocol/customer-channel';
import type { Language } from '../../protocol/i18n/language';
import { ProtocolError } from '../../protocol/errors';
import { agentRef } from '../auth/auth-service';
import { hashToken, newId, newToken } from '../auth/tokens';
import type { ServerContext } from '../context';
import type { Presence } from '../presence/presence';
import { DEFAULT_TRANSFER_TIMEOUT_SECONDS } from '../store/sqlite/lifecycle-migrations';
import type { SessionEndReason, SessionRecord, UserRecord } from '../store/store';
import { AnswerDeadlines } from './answer-deadlines';
import { CUSTOMER_GRACE_MS, CustomerPresenceTracker } from './customer-presence';
import { CustomerLinks } from './customer-links';
import { QueueIndex } from './queue';
import { QueueAlerts } from './queue-alerts';
import { RequestLimit, REQUESTS_PER_ADDRESS } from './request-limit';
import { QueueCaps, type QueueCapLimits } from './queue-caps';
import { isSharedAddress } from '../http/client-address';
import { notInSession, sessionEnded } from './session-errors';
import { SessionEvents, type SessionEndedBy } from './session-events';
import { canTransition, fromStatesOf, nextSessionState } from './session-machine';
import { SessionContinuation } from './session-continuation';
import { SessionTransfer, type TransferDirectory } from './session-transfer';
import { customerView, queueEntry, sessionView, type LiveFacts, type PortalRef } from './session-views';

/** Who asks for an end: an agent (who must hold the session) or the session's customer. */
export type EndActor =
  { kind: 'agent'; user: UserRecord; address?: string } | { kind: 'customer'; address?: string };

export interface NewRequestResult {
  requestToken: string;
  session: CustomerSessionView;
  notice?: 'no_agents_online';
  record: SessionRecord;
}

export interface SessionWithTranscript {
  session: SessionView;
  transcript: ChatLine[];
}

export interface SessionServiceOptions {
  /** New support requests one client address may open per 10 minutes. */
  requestsPerAddress: number;
  /** How long a customer's page may stay closed before their waiting request is withdrawn, in ms. */
  customerGraceMs: number;
}

export const DEFAULT_SESSION_OPTIONS: SessionServiceOptions = {
  requestsPerAddress: REQUESTS_PER_ADDRESS,
  customerGraceMs: CUSTOMER_GRACE_MS,
};

/** How a session leaves the queue or ends, beyond the event: what agents and reports are told. */
interface FinishHow {
  reason?: SessionEndReason;
  /** The queue.removed reason agents get (default: cancelled or ended, from the event and actor). */
  removed?: 'cancelled' | 'ended' | 'left' | 'handled';
  /** Fields written with the end (the agent who handled a callback, their note). */
  patch?: Partial<SessionRecord>;
  /** The compare-and-set's agent guard (default: the acting agent must hold it). */
  expectAgentId?: string | null;
}

export class SessionService {
  readonly queue = new QueueIndex();
  readonly customers = new CustomerLinks();
  readonly events = new SessionEvents();
  /**
   * Accepted or transferring sessions (what the status page calls "in progress"), with the
   * agent holding each (null while transferring).
   */
  private readonly inProgress = new Map<string, string | null>();
  /** Part of a deployment of several nodes (mirrorTo). */
  private joined = false;
  /** True while applying another node's change (not to be told back). */
  private applyingElsewhere = false;
  /** Refreshes from the store under way, per session (kept in order). */
  private readonly refreshing = new Map<string, Promise<void>>();

  /** Whether each session's customer is still on the support page. */
  readonly customerPresence: CustomerPresenceTracker;
  /** Transfers and requests for one agent, waiting for an answer by a deadline. */
  readonly deadlines: AnswerDeadlines;

  private readonly requestLimit: RequestLimit;
  private readonly queueCaps: QueueCaps;
  private readonly alerts: QueueAlerts;
  private readonly transfers: SessionTransfer;
  private readonly continuations: SessionContinuation;

  constructor(
    private readonly ctx: ServerContext,
    private readonly presence: Presence,
    options: Partial<SessionServiceOptions> = {},
    queueLimits?: QueueCapLimits,
  ) {
    const o = { ...DEFAULT_SESSION_OPTIONS, ...options };
    const exempt = (address: string) => isSharedAddress(address, ctx.proxies);
    this.requestLimit = new RequestLimit(ctx.now, o.requestsPerAddress, undefined, exempt);
    this.queueCaps = new QueueCaps(
      (id) => this.queue.get(id) !== undefined,
      () => this.queue.size,
      exempt,
      queueLimits,
    );
    this.alerts = new QueueAlerts(ctx, presence, this.queue, this.customers);
    this.customerPresence = new CustomerPresenceTracker(ctx.now, o.customerGraceMs, (id, p) =>
      this.background('customer_presence_failed', this.onCustomerPresence(id, p)),
    );
    this.deadlines = new AnswerDeadlines(ctx.now, (id) =>
      this.background('answer_deadline_failed', this.onDeadline(id)),
    );
    const parts = {
      ctx,
      presence,
      queue: this.queue,
      customers: this.customers,
      events: this.events,
      alerts: this.alerts,
      deadlines: this.deadlines,
      record: (sessionId: string) => this.record(sessionId),
      held: (user: UserRecord, sessionId: string) => this.held(user, sessionId),
      portal: (slug: string) => this.portal(slug),
      released: (sessionId: string) => this.inProgress.set(sessionId, null),
      assigned: (sessionId: string, userId: string) => this.inProgress.set(sessionId, userId),
      entryOf: (s: SessionRecord) => this.entryOf(s),
      takeFromQueue: (s: SessionRecord) => this.takeFromQueue(s),
      viewOf: (s: SessionRecord, agent: AgentRef | undefined, live?: LiveFacts) =>
        this.viewOf(s, agent, live),
      answerTimeoutMs: () => this.answerTimeoutMs(),
    };
    this.transfers = new SessionTransfer(parts);
    this.continuations = new SessionContinuation(parts);
    this.customers.onChange((sessionId, connected) => {
      if (connected) this.customerPresence.back(sessionId);
      else if (this.waitsForCustomer(sessionId)) this.customerPresence.gone(sessionId);
    });
    this.events.on('ended', ({ sessionId }) => {
      this.customerPresence.forget(sessionId);
      this.deadlines.clear(sessionId);
    });
    presence.onChange((userId, before, after) => {
      this.alerts
        .onPresenceChange(userId, before, after)
        .catch((err: unknown) => ctx.log.error('presence_fanout_failed', { error: String(err) }));
    });
  }

  /** One of several nodes (mirrorTo was called). */
  get clustered(): boolean {
    return this.joined;
  }

  /**
   * Several nodes (`--bus`): `changed` hears every session whose queue entry or holder changed
   * on this node (cluster/session-mirror.ts tells the other nodes, which call `changedElsewhere`).
   */
  mirrorTo(changed: (sessionId: string) => void): void {
    this.joined = true;
    this.queue.onChange = (sessionId) => {
      if (this.applyingElsewhere) return;
      changed(sessionId);
      // A refresh of this session may have read the store before this change and would apply
      // that older read after it (a taken request back in the queue): read once more after it.
      if (this.refreshing.has(sessionId)) void this.changedElsewhere(sessionId);
    };
  }

  /**
   * Takes a session out of this node's queue; `s` is its record as read before the change. With
   * several nodes, a request made on another node a moment ago may not be in this node's index
   * yet (its refresh still reading the store): the entry is then rebuilt from `s`, so the agents
   * it was shown to are still told it is gone.
   */
  private async takeFromQueue(s: SessionRecord): Promise<QueueEntry | undefined> {
    const entry = this.queue.remove(s.id);
    if (entry || !this.joined || (s.state !== 'queued' && s.state !== 'transferring')) return entry;
    return this.entryOf(s);
  }

  /**
   * Another node changed this session: this node's queue index and counters follow the store,
   * which that node wrote before it said so. One session's refreshes run in order.
   */
  changedElsewhere(sessionId: string): Promise<void> {
    const previous = this.refreshing.get(sessionId) ?? Promise.resolve();
    const next = previous
      .then(() => this.refreshFromStore(sessionId))
      .catch((err: unknown) =>
        this.ctx.log.error('session_refresh_failed', { session: sessionId, error: String(err) }),
      )
      .finally(() => {
        if (this.refreshing.get(sessionId) === next) this.refreshing.delete(sessionId);
      });
    this.refreshing.set(sessionId, next);
    return next;
  }

  /** The customer's page connected to another node: an absence counted here ends. */
  customerBackElsewhere(sessionId: string): void {
    this.customerPresence.back(sessionId);
  }

  private async refreshFromStore(sessionId: string): Promise<void> {
    // Read before the session, so no wait stands between reading it and applying it (a refresh
    // for an older change must not land after a newer one's).
    const timeoutMs = await this.answerTimeoutMs();
    const s = await this.ctx.store.sessions.byId(sessionId);
    const waiting = s && (s.state === 'queued' || s.state === 'transferring');
    // Every node keeps the deadlines the store implies, so one node's death loses none; the
    // gate lets one node act on each (gateDeadlinesWith). Armed first: the entry shows it.
    const at = waiting ? answerDeadlineOf(s, timeoutMs) : undefined;
    if (at === undefined) this.deadlines.clear(sessionId);
    else if (this.deadlines.of(sessionId) !== at) this.deadlines.set(sessionId, at);
    const entry = waiting ? await this.entryOf(s) : null;
    this.applyingElsewhere = true;
    try {
      if (entry) this.queue.put(entry);
      else this.queue.remove(sessionId);
    } finally {
      this.applyingElsewhere = false;
    }
    if (s && (s.state === 'accepted' || s.state === 'transferring'))
      this.inProgress.set(sessionId, s.agentId);
    else this.inProgress.delete(sessionId);
    if (!s || s.state === 'ended') this.customerPresence.forget(sessionId);
  }

  /** Rebuilds the queue, counters and deadlines from the store (start-up). */
  async load(): Promise<void> {
    const timeoutMs = await this.answerTimeoutMs();
    const open = await this.ctx.store.sessions.open();
    for (const s of open) {
      const at = answerDeadlineOf(s, timeoutMs);
      if (at !== undefined) this.deadlines.set(s.id, at);
      if (s.state === 'queued' || s.state === 'transferring') this.queue.put(await this.entryOf(s));
      if (s.state === 'accepted' || s.state === 'transferring') this.inProgress.set(s.id, s.agentId);
    }
    // No customer page survives a restart: each has the grace period to come back. (With other
    // nodes running, the pages may be there: their grace starts where they close.)
    if (!this.joined) for (const s of open) if (s.callbackAt === null) this.customerPresence.gone(s.id);
  }

  /** Stops the timers (server shutdown). */
  close(): void {
    this.customerPresence.close();
    this.deadlines.close();
  }

  counts(): { queued: number; inProgress: number } {
    return { queued: this.queue.size, inProgress: this.inProgress.size };
  }

  // ------------------------------------------------------------------ customers

  /**
   * A new request on a portal: stored, queued, pushed to the portal's available agents. With
   * `previous` (the request token of an ended session on this portal) it goes to that session's
   * agent first (session-continuation.ts). `connected`: a page of the customer holds a socket
   * (the WebSocket path); a request made over HTTP starts its customer's grace period at once.
   */
  async createRequest(
    slug: string,
    request: NewRequest,
    address: string,
    options: { previous?: string; connected?: boolean } = {},
  ): Promise<NewRequestResult> {
    const portal = await this.ctx.store.portals.get(slug);
    if (!portal) throw new ProtocolError('portal_not_found', `there is no support portal "${slug}"`);
    this.queueCaps.check(address);
    this.requestLimit.take(address);
    const now = this.ctx.now();
    const record: SessionRecord = {
      id: newId(),
      portalSlug: portal.slug,
      customerName: request.name,
      customerEmail: request.email ?? null,
      problem: request.problem,
      state: 'queued',
      screen: 'none',
      agentId: null,
      targetAgentId: null,
      comment: '',
      transfer: null,
      createdAt: now,
      queuedAt: now,
      acceptedAt: null,
      endedAt: null,
      endedBy: null,
      customerLanguage: request.language ?? null,
      customerClient: request.client ?? null,
      callbackAt: null,
      endReason: null,
      continuation: null,
    };
    if (options.previous) await this.continuations.route(record, options.previous);
    const requestToken = newToken();
    await this.ctx.store.sessions.insert(record, hashToken(requestToken));
    if (record.continuation?.state === 'asked')
      this.deadlines.set(record.id, now + (await this.answerTimeoutMs()));
    const entry = await this.entryOf(record);
    this.queue.put(entry);
    this.queueCaps.add(address, record.id);
    const available = await this.alerts.alert(entry);
    this.ctx.log.info('request_created', { session: record.id, portal: portal.slug, alerted: available });
    this.events.emit('created', { sessionId: record.id, at: now });
    if (!options.connected) this.customerPresence.gone(record.id);
    const routing = await this.continuations.routingOf(record);
    const session = customerView(record, portal, {
      position: this.queue.position(record.id) ?? 1,
      agentsAvailable: available,
      ...(routing ? { routing } : {}),
    });
    return {
      requestToken,
      session,
      ...(available === 0 ? { notice: 'no_agents_online' as const } : {}),
      record,
    };
  }

  /** The session a customer's request token names. */
  async byRequestToken(requestToken: string): Promise<SessionRecord> {
    const s = await this.ctx.store.sessions.byRequestTokenHash(hashToken(requestToken));
    if (!s) throw new ProtocolError('request_not_found', 'this support request is unknown; start a new one');
    return s;
  }

  async record(sessionId: string): Promise<SessionRecord> {
    const s = await this.ctx.store.sessions.byId(sessionId);
    if (!s) throw new ProtocolError('session_not_found', 'no such session');
    return s;
  }

  /** The language the customer chose on the support page, null when unknown (or no such session). */
  async languageOf(sessionId: string): Promise<Language | null> {
    return (await this.ctx.store.sessions.byId(sessionId))?.customerLanguage ?? null;
  }

  /** The customer switched the page's language (what the helper speaks next follows it). */
  async setLanguage(sessionId: string, language: Language): Promise<void> {
    await this.ctx.store.sessions.update(sessionId, { customerLanguage: language });
  }

  async customerViewOf(s: SessionRecord): Promise<CustomerSessionView> {
    const agent = s.agentId && s.state === 'accepted' ? await this.ctx.store.users.byId(s.agentId) : null;
    const position = this.queue.position(s.id);
    const routing = s.state === 'queued' ? await this.continuations.routingOf(s) : null;
    return customerView(s, await this.portal(s.portalSlug), {
      ...(agent ? { agentName: agent.name } : {}),
      ...(position !== undefined ? { position } : {}),
      agentsAvailable: await this.agentsAvailable(s.portalSlug),
      ...(routing ? { routing } : {}),
    });
  }

  /** The name of the agent who last held an ended session ("continue with Ann"), if any. */
  async lastAgentName(s: SessionRecord): Promise<string | null> {
    if (s.state !== 'ended' || !s.agentId || s.callbackAt !== null) return null;
    return (await this.ctx.store.users.byId(s.agentId))?.name ?? null;
  }

  /** After `session_ended`: the same details, a new request, in one step. */
  async restart(sessionId: string, address: string): Promise<NewRequestResult> {
    const old = await this.record(sessionId);
    if (old.state !== 'ended') {
      throw new ProtocolError(
        'illegal_transition',
        'this request is still open; there is nothing to restart',
        {
          state: old.state,
        },
      );
    }
    return this.createRequest(
      old.portalSlug,
      {
        name: old.customerName,
        ...(old.customerEmail ? { email: old.customerEmail } : {}),
        problem: old.problem,
        ...(old.customerLanguage ? { language: old.customerLanguage } : {}),
        ...(old.customerClient ? { client: old.customerClient } : {}),
      },
      address,
      { connected: true },
    );
  }

  /** The customer withdraws a request nobody has taken yet. */
  async cancel(sessionId: string, address?: string): Promise<void> {
    const s = await this.record(sessionId);
    if (s.state === 'ended') throw sessionEnded();
    if (!canTransition(s.state, 'cancel')) {
      throw new ProtocolError(
        'illegal_transition',
        'an agent has this request already; end the session instead',
        {
          state: s.state,
        },
      );
    }
    await this.finish(s, 'cancel', { kind: 'customer', ...(address ? { address } : {}) });
  }

  /**
   * "Leave my details": the customer gives an e-mail address and goes; the request stays in the
   * queue as a callback request (not withdrawn when the page closes) until an agent marks it
   * handled. Agents who list it see it change kind.
   */
  async leaveDetails(sessionId: string, email: string, address?: string): Promise<void> {
    const s = await this.record(sessionId);
    if (s.state === 'ended') throw sessionEnded();
    if (s.state !== 'queued') {
      throw new ProtocolError('illegal_transition', 'an agent has this request already', { state: s.state });
    }
    const after = await this.ctx.store.sessions.transition(
      sessionId,
      ['queued'],
      { callbackAt: this.ctx.now(), customerEmail: email },
      null,
    );
    if (!after) throw new ProtocolError('illegal_transition', 'an agent has this request already');
    this.customerPresence.forget(sessionId);
    const entry = await this.entryOf(after);
    this.queue.put(entry);
    for (const id of await this.alerts.audienceOf(entry))
      this.presence.send(id, { type: 'queue.added', entry });
    await this.ctx.audit({
      actor: `customer:${sessionId}`,
      action: 'session.callback_requested',
      target: sessionId,
      ...(address ? { address } : {}),
    });
  }

  /** An agent wrote or called back: the callback request leaves the queue, handled by them. */
  async handled(user: UserRecord, sessionId: string, note: string, address?: string): Promise<void> {
    const s = await this.record(sessionId);
    if (s.state === 'ended') throw sessionEnded();
    if (s.callbackAt === null || s.state !== 'queued') {
      throw new ProtocolError('illegal_transition', 'only a callback request can be marked handled', {
        state: s.state,
      });
    }
    await this.mayTake(user, s);
    await this.finish(
      s,
      'handle',
      { kind: 'agent', user, ...(address ? { address } : {}) },
      {
        reason: 'handled',
        removed: 'handled',
        patch: { agentId: user.id, ...(note ? { comment: note } : {}) },
        expectAgentId: null,
      },
    );
  }

  // ------------------------------------------------------------------ agents

  /** Queue entries and held sessions for an agent's welcome. */
  async welcomeFor(userId: string): Promise<{ queue: QueueEntry[]; sessions: SessionView[] }> {
    const portals = new Set(await this.ctx.store.portals.portalsOf(userId));
    const user = await this.ctx.store.users.byId(userId);
    const held = (await this.ctx.store.sessions.open()).filter(
      (s) => s.state === 'accepted' && s.agentId === userId,
    );
    const sessions: SessionView[] = [];
    for (const s of held) sessions.push(await this.viewOf(s, user ? agentRef(user) : undefined));
    return { queue: this.queue.visibleTo(userId, portals), sessions };
  }

  /** First accept wins; the others get `already_accepted` and everyone's alert is withdrawn. */
  async accept(user: UserRecord, sessionId: string, address?: string): Promise<SessionWithTranscript> {
    const before = await this.record(sessionId);
    if (before.state === 'ended') throw sessionEnded();
    if (before.state === 'accepted') throw await this.alreadyAccepted(before);
    nextSessionState(before.state, 'accept');
    if (before.callbackAt !== null) {
      throw new ProtocolError(
        'illegal_transition',
        'the customer left their details and is not on the page: write back, then mark it handled',
        { callback: true },
      );
    }
    await this.mayTake(user, before);
    if (!user.features.multiChat && [...this.inProgress.values()].includes(user.id)) {
      throw new ProtocolError(
        'feature_disabled',
        'your manager has not enabled several sessions at once for your account; end your session first',
      );
    }
    const now = this.ctx.now();
    // The decision: one conditional write; whoever loses sees null.
    const after = await this.ctx.store.sessions.transition(
      sessionId,
      fromStatesOf('accept'),
      { state: 'accepted', agentId: user.id, targetAgentId: null, acceptedAt: now },
      null,
    );
    if (!after) {
      const now2 = await this.record(sessionId);
      if (now2.state === 'ended') throw sessionEnded();
      throw await this.alreadyAccepted(now2);
    }
    const entry = await this.takeFromQueue(before);
    this.deadlines.clear(sessionId);
    this.inProgress.set(sessionId, user.id);
    const result: SessionWithTranscript = {
      session: await this.viewOf(after, agentRef(user)),
      transcript: await this.ctx.store.transcripts.lines(sessionId),
    };
    this.presence.send(user.id, { type: 'session.assigned', ...result });
    if (entry) {
      const removed = { type: 'queue.removed', sessionId, reason: 'accepted', by: user.name } as const;
      for (const id of await this.alerts.audienceOf(entry))
        if (id !== user.id) this.presence.send(id, removed);
    }
    // The sender of a transfer learns who took it (their window stops offering a recall).
    const sender = before.state === 'transferring' ? before.transfer?.fromAgent.id : undefined;
    if (sender && sender !== user.id)
      this.presence.send(sender, { type: 'session.updated', session: result.session });
    this.customers.send(
      sessionId,
      before.state === 'transferring'
        ? { type: 'session.transferred', agentName: user.name }
        : { type: 'session.accepted', agentName: user.name },
    );
    await this.alerts.pushPositions(after.portalSlug);
    this.events.emit('accepted', {
      sessionId,
      agentId: user.id,
      at: now,
      transfer: before.state === 'transferring',
    });
    await this.ctx.audit({
      actor: user.id,
      action: before.state === 'transferring' ? 'session.transfer_accepted' : 'session.accept',
      target: sessionId,
      details: { portal: after.portalSlug },
      ...(address ? { address } : {}),
    });
    return result;
  }

  async transcript(sessionId: string): Promise<ChatLine[]> {
    return this.ctx.store.transcripts.lines(sessionId);
  }

  /** The session and its transcript, for the agent who holds (or last held) it. */
  async open(user: UserRecord, sessionId: string): Promise<SessionWithTranscript> {
    const s = await this.record(sessionId);
    if (s.agentId !== user.id) throw notInSession();
    return {
      session: await this.viewOf(s, agentRef(user)),
      transcript: await this.ctx.store.transcripts.lines(sessionId),
    };
  }

  /** Saves the agent's comments (for reports); allowed after the end too, when notes get written. */
  async comment(user: UserRecord, sessionId: string, comment: string): Promise<void> {
    const s = await this.record(sessionId);
    if (s.agentId !== user.id) throw notInSession();
    await this.ctx.store.sessions.update(sessionId, { comment });
    this.presence.send(user.id, {
      type: 'session.updated',
      session: await this.viewOf({ ...s, comment }, agentRef(user)),
    });
  }

  /**
   * Hands the session to one agent (only they are alerted, busy or not) or to a portal's queue
   * (its available agents are alerted), with the agent's comment (session-transfer.ts).
   */
  transfer(
    user: UserRecord,
    sessionId: string,
    target: TransferTarget,
    comment: string,
    address?: string,
  ): Promise<void> {
    return this.transfers.transfer(user, sessionId, target, comment, address);
  }

  /** The sender takes back a transfer nobody has accepted yet. */
  recall(user: UserRecord, sessionId: string, address?: string): Promise<SessionWithTranscript> {
    return this.transfers.recall(user, sessionId, address);
  }

  /**
   * The agent a request is addressed to declines it with a reason: a transfer goes back to its
   * sender, a "continue with me" to the portal's queue (the customer is told in words).
   */
  async decline(user: UserRecord, sessionId: string, reason: string, address?: string): Promise<void> {
    const s = await this.record(sessionId);
    if (s.state === 'ended') throw sessionEnded();
    if (s.targetAgentId !== user.id) {
      throw new ProtocolError('forbidden', 'only the agent a request is addressed to can decline it');
    }
    if (s.state === 'transferring') await this.transfers.decline(user, s, reason, address);
    else await this.continuations.moveToPortal(s, 'declined', user);
  }

  /** Either side ends the session (the agent only one they hold). */
  async end(sessionId: string, actor: EndActor): Promise<void> {
    const s = actor.kind === 'agent' ? await this.held(actor.user, sessionId) : await this.record(sessionId);
    if (s.state === 'ended') throw sessionEnded();
    await this.finish(s, 'end', actor);
  }

  /** Agents and portals, for the transfer picker. */
  directory(): Promise<TransferDirectory> {
    return this.transfers.directory();
  }

  /** The record of a session the agent holds right now (accepted, theirs), or why not. */
  async held(user: UserRecord, sessionId: string): Promise<SessionRecord> {
    const s = await this.record(sessionId);
    if (s.state === 'ended') throw sessionEnded();
    if (s.state !== 'accepted' || s.agentId !== user.id) throw notInSession();
    return s;
  }

  /** The agent holding an accepted session, from memory (no store round trip). */
  holderOf(sessionId: string): string | undefined {
    return this.inProgress.get(sessionId) ?? undefined;
  }

  /** Sends the holding agent a fresh view of the session (after a screen or comment change). */
  async pushUpdate(sessionId: string): Promise<void> {
    const s = await this.ctx.store.sessions.byId(sessionId);
    if (!s || s.state !== 'accepted' || !s.agentId) return;
    const user = await this.ctx.store.users.byId(s.agentId);
    this.presence.send(s.agentId, {
      type: 'session.updated',
      session: await this.viewOf(s, user ? agentRef(user) : undefined),
    });
  }

  agentsAvailable(slug: string): Promise<number> {
    return this.alerts.agentsAvailable(slug);
  }

  /** The portal, or `portal_not_found`. */
  async portalRecord(slug: string): Promise<PortalRef> {
    const p = await this.ctx.store.portals.get(slug);
    if (!p) throw new ProtocolError('portal_not_found', `there is no support portal "${slug}"`);
    return { slug: p.slug, name: p.name };
  }

  async portal(slug: string): Promise<PortalRef> {
    const p = await this.ctx.store.portals.get(slug);
    return p ? { slug: p.slug, name: p.name } : { slug, name: slug };
  }

  // ------------------------------------------------------------------ internals

  private async finish(
    s: SessionRecord,
    event: 'end' | 'cancel' | 'handle',
    actor: EndActor,
    how: FinishHow = {},
  ): Promise<void> {
    const by: SessionEndedBy = actor.kind;
    const after = await this.ctx.store.sessions.transition(
      s.id,
      fromStatesOf(event),
      {
        state: 'ended',
        endedAt: this.ctx.now(),
        endedBy: by,
        targetAgentId: null,
        screen: 'none',
        ...(how.reason ? { endReason: how.reason } : {}),
        ...how.patch,
      },
      how.expectAgentId !== undefined
        ? how.expectAgentId
        : actor.kind === 'agent'
          ? actor.user.id
          : undefined,
    );
    if (!after) {
      const now = await this.record(s.id);
      if (now.state === 'ended') throw sessionEnded();
      throw actor.kind === 'agent' && event !== 'handle'
        ? notInSession()
        : new ProtocolError('illegal_transition', `a session that is ${now.state} cannot ${event}`);
    }
    const entry = await this.takeFromQueue(s);
    this.inProgress.delete(s.id);
    if (entry) {
      const removed = {
        type: 'queue.removed',
        sessionId: s.id,
        reason: how.removed ?? (event === 'cancel' || by === 'customer' ? 'cancelled' : 'ended'),
      } as const;
      for (const id of await this.alerts.audienceOf(entry)) this.presence.send(id, removed);
      await this.alerts.pushPositions(s.portalSlug);
    }
    this.customers.send(s.id, { type: 'session.ended', by });
    if (s.agentId) this.presence.send(s.agentId, { type: 'session.ended', sessionId: s.id, by });
    this.events.emit('ended', { sessionId: s.id, by });
    await this.ctx.audit({
      actor: actor.kind === 'agent' ? actor.user.id : `customer:${s.id}`,
      action: { cancel: 'session.cancel', end: 'session.end', handle: 'session.callback_handled' }[event],
      target: s.id,
      details: { by, from: s.state, ...(how.reason ? { reason: how.reason } : {}) },
      ...(actor.address ? { address: actor.address } : {}),
    });
  }

  /** Whether `user` may take this waiting request: it is addressed to them, or on a portal they serve. */
  private async mayTake(user: UserRecord, s: SessionRecord): Promise<void> {
    if (s.targetAgentId !== null && s.targetAgentId !== user.id) {
      throw new ProtocolError('forbidden', 'this request is addressed to another agent');
    }
    if (s.targetAgentId === null) {
      const serving = await this.ctx.store.portals.agentsOf(s.portalSlug);
      if (!serving.includes(user.id)) {
        throw new ProtocolError('forbidden', `you do not serve the portal ${s.portalSlug}`);
      }
    }
  }

  /** Is this session waiting on its customer's page (a live request or session, not a callback)? */
  private waitsForCustomer(sessionId: string): boolean {
    const entry = this.queue.get(sessionId);
    if (entry) return entry.callback === undefined;
    return this.inProgress.has(sessionId);
  }

  /**
   * The customer's page closed, came back, or stayed away past the grace period. Agents who list
   * the request or hold the session are told; a request still waiting for an agent is withdrawn
   * once the customer has left (nobody would be there to answer).
   */
  private async onCustomerPresence(sessionId: string, customer: CustomerPresence): Promise<void> {
    const note = { type: 'customer.presence', sessionId, customer } as const;
    const entry = this.queue.get(sessionId);
    if (entry) {
      if (entry.callback) return;
      const { customer: _was, ...rest } = entry;
      this.queue.put(customer.state === 'here' ? rest : { ...rest, customer });
      for (const id of await this.alerts.audienceOf(entry)) this.presence.send(id, note);
      if (customer.state !== 'left') return;
      const s = await this.record(sessionId);
      if (s.state !== 'queued' && s.state !== 'transferring') return;
      // The sender of a transfer hears it too: the session they handed on has nobody left in it.
      if (s.transfer) this.presence.send(s.transfer.fromAgent.id, note);
      await this.finish(
        s,
        'cancel',
        { kind: 'customer' },
        { reason: 'customer_left', removed: 'left' },
      ).catch((err: unknown) => {
        // Accepted meanwhile (the agent sees the customer left) or ended: nothing to withdraw.
        if (!(err instanceof ProtocolError)) throw err;
      });
      return;
    }
    const holder = this.inProgress.get(sessionId);
    if (holder) this.presence.send(holder, note);
  }

  /**
   * Several nodes: a deadline fires on every node that keeps it, and acts only where `gate`
   * says yes (once per session and deadline across the deployment, cluster/deadline-gate.ts).
   */
  gateDeadlinesWith(gate: (sessionId: string, at: number) => Promise<boolean>): void {
    this.deadlineGate = gate;
  }

  /**
   * A deadline passed: a transfer goes back to its sender, a "continue with Ann" to the portal.
   * The deadline is read again from the store and the current timeout (another node may have
   * answered, or a manager changed the timeout there), and acted on once (the gate).
   */
  private async onDeadline(sessionId: string): Promise<void> {
    const s = await this.ctx.store.sessions.byId(sessionId);
    if (!s) return;
    const at = answerDeadlineOf(s, await this.answerTimeoutMs());
    if (at === undefined) return;
    if (this.ctx.now() < at) {
      this.deadlines.set(sessionId, at);
      return;
    }
    if (!(await this.deadlineGate(sessionId, at))) return;
    if (s.state === 'transferring') await this.transfers.expire(s);
    else if (s.state === 'queued' && s.continuation?.state === 'asked' && s.targetAgentId)
      await this.continuations.moveToPortal(s, 'no_answer');
  }

  /** One node: every deadline is this node's to act on. */
  private deadlineGate: (sessionId: string, at: number) => Promise<boolean> = () => Promise.resolve(true);

  /** How long a transfer or a request for one agent waits for its answer (the manager's setting). */
  private async answerTimeoutMs(): Promise<number> {
    const company = await this.ctx.store.company.get();
    return (company?.transferTimeoutSeconds ?? DEFAULT_TRANSFER_TIMEOUT_SECONDS) * 1000;
  }

  /** The manager changed the transfer timeout: deadlines not yet passed follow it. */
  async retime(): Promise<void> {
    const timeoutMs = await this.answerTimeoutMs();
    for (const s of await this.ctx.store.sessions.open()) {
      if (this.deadlines.of(s.id) === undefined) continue;
      const since = s.state === 'transferring' && s.transfer ? s.transfer.at : s.queuedAt;
      this.deadlines.set(s.id, since + timeoutMs);
      const entry = this.queue.get(s.id);
      if (entry) this.queue.put({ ...entry, answerBy: since + timeoutMs });
    }
  }

  /** The queue entry of a waiting session, with what the server knows live. */
  private async entryOf(s: SessionRecord): Promise<QueueEntry> {
    return queueEntry(s, await this.portal(s.portalSlug), this.liveFacts(s));
  }

  /** The agent's view of a session, with what the server knows live. */
  private async viewOf(
    s: SessionRecord,
    agent: AgentRef | undefined,
    extra: LiveFacts = {},
  ): Promise<SessionView> {
    return sessionView(s, await this.portal(s.portalSlug), agent, { ...this.liveFacts(s), ...extra });
  }

  private liveFacts(s: SessionRecord): LiveFacts {
    const customer = this.customerPresence.of(s.id);
    const answerBy = this.deadlines.of(s.id);
    return { ...(customer ? { customer } : {}), ...(answerBy !== undefined ? { answerBy } : {}) };
  }

  private background(what: string, work: Promise<void>): void {
    work.catch((err: unknown) => this.ctx.log.error(what, { error: String(err) }));
  }

  private async alreadyAccepted(s: SessionRecord): Promise<ProtocolError> {
    const agent = s.agentId ? await this.ctx.store.users.byId(s.agentId) : null;
    return new ProtocolError(
      'already_accepted',
      agent ? `${agent.name} has accepted this request` : 'another agent has accepted this request',
      agent ? { by: agent.name } : undefined,
    );
  }
}

/** When a session's wait for one answer ends, from its record: a transfer's, or a "continue with Ann". */
function answerDeadlineOf(s: SessionRecord, timeoutMs: number): number | undefined {
  if (s.state === 'transferring' && s.transfer) return s.transfer.at + timeoutMs;
  if (s.state === 'queued' && s.continuation?.state === 'asked' && s.targetAgentId)
    return s.queuedAt + timeoutMs;
  return undefined;
}
