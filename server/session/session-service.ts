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
 * Who hears about the queue is queue-alerts.ts; transfers and their directory session-transfer.ts.
 */
import type { TransferTarget } from '../../protocol/agent-channel';
import type { ChatLine, QueueEntry, SessionView } from '../../protocol/common';
import type { CustomerSessionView, NewRequest } from '../../protocol/customer-channel';
import type { Language } from '../../protocol/i18n/language';
import { ProtocolError } from '../../protocol/errors';
import { agentRef } from '../auth/auth-service';
import { hashToken, newId, newToken } from '../auth/tokens';
import type { ServerContext } from '../context';
import type { Presence } from '../presence/presence';
import type { SessionRecord, UserRecord } from '../store/store';
import { CustomerLinks } from './customer-links';
import { QueueIndex } from './queue';
import { QueueAlerts } from './queue-alerts';
import { RequestLimit, REQUESTS_PER_ADDRESS } from './request-limit';
import { QueueCaps, type QueueCapLimits } from './queue-caps';
import { isSharedAddress } from '../http/client-address';
import { notInSession, sessionEnded } from './session-errors';
import { SessionEvents, type SessionEndedBy } from './session-events';
import { canTransition, fromStatesOf, nextSessionState } from './session-machine';
import { SessionTransfer, type TransferDirectory } from './session-transfer';
import { customerView, queueEntry, sessionView, type PortalRef } from './session-views';

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

export class SessionService {
  readonly queue = new QueueIndex();
  readonly customers = new CustomerLinks();
  readonly events = new SessionEvents();
  /**
   * Accepted or transferring sessions (what the status page calls "in progress"), with the
   * agent holding each (null while transferring).
   */
  private readonly inProgress = new Map<string, string | null>();

  private readonly requestLimit: RequestLimit;
  private readonly queueCaps: QueueCaps;
  private readonly alerts: QueueAlerts;
  private readonly transfers: SessionTransfer;

  constructor(
    private readonly ctx: ServerContext,
    private readonly presence: Presence,
    requestsPerAddress: number = REQUESTS_PER_ADDRESS,
    queueLimits?: QueueCapLimits,
  ) {
    const exempt = (address: string) => isSharedAddress(address, ctx.proxies);
    this.requestLimit = new RequestLimit(ctx.now, requestsPerAddress, undefined, exempt);
    this.queueCaps = new QueueCaps(
      (id) => this.queue.get(id) !== undefined,
      () => this.queue.size,
      exempt,
      queueLimits,
    );
    this.alerts = new QueueAlerts(ctx, presence, this.queue, this.customers);
    this.transfers = new SessionTransfer({
      ctx,
      presence,
      queue: this.queue,
      customers: this.customers,
      events: this.events,
      alerts: this.alerts,
      record: (sessionId) => this.record(sessionId),
      held: (user, sessionId) => this.held(user, sessionId),
      portal: (slug) => this.portal(slug),
      released: (sessionId) => this.inProgress.set(sessionId, null),
    });
    presence.onChange((userId, before, after) => {
      this.alerts
        .onPresenceChange(userId, before, after)
        .catch((err: unknown) => ctx.log.error('presence_fanout_failed', { error: String(err) }));
    });
  }

  /** Rebuilds the queue and counters from the store (start-up). */
  async load(): Promise<void> {
    for (const s of await this.ctx.store.sessions.open()) {
      if (s.state === 'queued' || s.state === 'transferring')
        this.queue.put(queueEntry(s, await this.portal(s.portalSlug)));
      if (s.state === 'accepted' || s.state === 'transferring') this.inProgress.set(s.id, s.agentId);
    }
  }

  counts(): { queued: number; inProgress: number } {
    return { queued: this.queue.size, inProgress: this.inProgress.size };
  }

  // ------------------------------------------------------------------ customers

  /** A new request on a portal: stored, queued, pushed to the portal's available agents. */
  async createRequest(slug: string, request: NewRequest, address: string): Promise<NewRequestResult> {
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
    };
    const requestToken = newToken();
    await this.ctx.store.sessions.insert(record, hashToken(requestToken));
    const entry = queueEntry(record, portal);
    this.queue.put(entry);
    this.queueCaps.add(address, record.id);
    const available = await this.alerts.alert(entry);
    this.ctx.log.info('request_created', { session: record.id, portal: portal.slug, alerted: available });
    this.events.emit('created', { sessionId: record.id, at: now });
    const session = customerView(record, portal, {
      position: this.queue.position(record.id) ?? 1,
      agentsAvailable: available,
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
    return customerView(s, await this.portal(s.portalSlug), {
      ...(agent ? { agentName: agent.name } : {}),
      ...(position !== undefined ? { position } : {}),
      agentsAvailable: await this.agentsAvailable(s.portalSlug),
    });
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

  // ------------------------------------------------------------------ agents

  /** Queue entries and held sessions for an agent's welcome. */
  async welcomeFor(userId: string): Promise<{ queue: QueueEntry[]; sessions: SessionView[] }> {
    const portals = new Set(await this.ctx.store.portals.portalsOf(userId));
    const user = await this.ctx.store.users.byId(userId);
    const held = (await this.ctx.store.sessions.open()).filter(
      (s) => s.state === 'accepted' && s.agentId === userId,
    );
    const sessions: SessionView[] = [];
    for (const s of held)
      sessions.push(sessionView(s, await this.portal(s.portalSlug), user ? agentRef(user) : undefined));
    return { queue: this.queue.visibleTo(userId, portals), sessions };
  }

  /** First accept wins; the others get `already_accepted` and everyone's alert is withdrawn. */
  async accept(user: UserRecord, sessionId: string, address?: string): Promise<SessionWithTranscript> {
    const before = await this.record(sessionId);
    if (before.state === 'ended') throw sessionEnded();
    if (before.state === 'accepted') throw await this.alreadyAccepted(before);
    nextSessionState(before.state, 'accept');
    if (before.targetAgentId !== null && before.targetAgentId !== user.id) {
      throw new ProtocolError('forbidden', 'this transfer is addressed to another agent');
    }
    if (before.targetAgentId === null) {
      const serving = await this.ctx.store.portals.agentsOf(before.portalSlug);
      if (!serving.includes(user.id)) {
        throw new ProtocolError('forbidden', `you do not serve the portal ${before.portalSlug}`);
      }
    }
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
    const entry = this.queue.remove(sessionId);
    this.inProgress.set(sessionId, user.id);
    const portal = await this.portal(after.portalSlug);
    const result: SessionWithTranscript = {
      session: sessionView(after, portal, agentRef(user)),
      transcript: await this.ctx.store.transcripts.lines(sessionId),
    };
    this.presence.send(user.id, { type: 'session.assigned', ...result });
    if (entry) {
      const removed = { type: 'queue.removed', sessionId, reason: 'accepted', by: user.name } as const;
      for (const id of await this.alerts.audienceOf(entry))
        if (id !== user.id) this.presence.send(id, removed);
    }
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
      session: sessionView(s, await this.portal(s.portalSlug), agentRef(user)),
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
      session: sessionView({ ...s, comment }, await this.portal(s.portalSlug), agentRef(user)),
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
      session: sessionView(s, await this.portal(s.portalSlug), user ? agentRef(user) : undefined),
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

  private async finish(s: SessionRecord, event: 'end' | 'cancel', actor: EndActor): Promise<void> {
    const by: SessionEndedBy = actor.kind;
    const after = await this.ctx.store.sessions.transition(
      s.id,
      fromStatesOf(event),
      { state: 'ended', endedAt: this.ctx.now(), endedBy: by, targetAgentId: null, screen: 'none' },
      actor.kind === 'agent' ? actor.user.id : undefined,
    );
    if (!after) {
      const now = await this.record(s.id);
      if (now.state === 'ended') throw sessionEnded();
      throw actor.kind === 'agent'
        ? notInSession()
        : new ProtocolError('illegal_transition', `a session that is ${now.state} cannot ${event}`);
    }
    const entry = this.queue.remove(s.id);
    this.inProgress.delete(s.id);
    if (entry) {
      const removed = {
        type: 'queue.removed',
        sessionId: s.id,
        reason: event === 'cancel' || by === 'customer' ? 'cancelled' : 'ended',
      } as const;
      for (const id of await this.alerts.audienceOf(entry)) this.presence.send(id, removed);
      await this.alerts.pushPositions(s.portalSlug);
    }
    this.customers.send(s.id, { type: 'session.ended', by });
    if (s.agentId) this.presence.send(s.agentId, { type: 'session.ended', sessionId: s.id, by });
    this.events.emit('ended', { sessionId: s.id, by });
    await this.ctx.audit({
      actor: actor.kind === 'agent' ? actor.user.id : `customer:${s.id}`,
      action: event === 'cancel' ? 'session.cancel' : 'session.end',
      target: s.id,
      details: { by, from: s.state },
      ...(actor.address ? { address: actor.address } : {}),
    });
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
