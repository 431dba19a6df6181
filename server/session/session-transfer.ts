/**
 * Transfers: an agent hands a session they hold to one colleague (only they are alerted, busy
 * or not) or to a portal's queue (its available agents are alerted), with a comment that travels
 * in the queue entry; the chat history follows (the new agent's `session.assigned` carries the
 * transcript). A transfer nobody takes does not hang: the colleague may decline it with a reason,
 * the sender may recall it, and past the manager's transfer timeout (2 minutes by default) it
 * returns to the sender by itself, each time with a message saying why (`transfer.returned`). A
 * sender who is no longer signed in cannot take it back: it then waits in the portal's queue it
 * came from, for anyone there. Also the directory the transfer picker lists. The session service
 * owns the records and the queue; this module only asks it through `SessionParts`.
 */
import type { TransferTarget } from '../../protocol/agent-channel';
import type { AgentRef, QueueEntry, SessionView, TransferInfo } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import { agentRef } from '../auth/auth-service';
import type { ServerContext } from '../context';
import type { Presence } from '../presence/presence';
import type { SessionRecord, UserRecord } from '../store/store';
import type { AnswerDeadlines } from './answer-deadlines';
import type { CustomerLinks } from './customer-links';
import type { QueueIndex } from './queue';
import type { QueueAlerts } from './queue-alerts';
import { notInSession, sessionEnded } from './session-errors';
import type { SessionEvents } from './session-events';
import { fromStatesOf, nextSessionState } from './session-machine';
import type { LiveFacts, PortalRef } from './session-views';

/** What transfers and continuations read and tell: the session service's parts. */
export interface SessionParts {
  readonly ctx: ServerContext;
  readonly presence: Presence;
  readonly queue: QueueIndex;
  readonly customers: CustomerLinks;
  readonly events: SessionEvents;
  readonly alerts: QueueAlerts;
  readonly deadlines: AnswerDeadlines;
  record(sessionId: string): Promise<SessionRecord>;
  held(user: UserRecord, sessionId: string): Promise<SessionRecord>;
  portal(slug: string): Promise<PortalRef>;
  /** The session left its agent: still in progress, held by nobody. */
  released(sessionId: string): void;
  /** The session is held by this agent now. */
  assigned(sessionId: string, userId: string): void;
  /** Queue entry and agent's view with what the server knows live (presence, deadline). */
  entryOf(s: SessionRecord): Promise<QueueEntry>;
  /** Takes the session out of the queue (`s`: its record before the change); the entry it had. */
  takeFromQueue(s: SessionRecord): Promise<QueueEntry | undefined>;
  viewOf(s: SessionRecord, agent: AgentRef | undefined, live?: LiveFacts): Promise<SessionView>;
  /** The manager's transfer timeout, in ms. */
  answerTimeoutMs(): Promise<number>;
}

/** Why a transfer came back to its sender. */
export type ReturnReason = 'declined' | 'timeout' | 'recalled';

/** Agents and portals, for the transfer picker. */
export interface TransferDirectory {
  agents: { id: string; name: string; email: string; online: boolean; status?: 'available' | 'busy' }[];
  portals: PortalRef[];
}

export class SessionTransfer {
  constructor(private readonly parts: SessionParts) {}

  async transfer(
    user: UserRecord,
    sessionId: string,
    target: TransferTarget,
    comment: string,
    address?: string,
  ): Promise<void> {
    const { ctx, presence } = this.parts;
    if (!user.features.transfer) {
      throw new ProtocolError('feature_disabled', 'your manager has not enabled transfers for your account');
    }
    const s = await this.parts.held(user, sessionId);
    nextSessionState(s.state, 'transfer');
    let portalSlug = s.portalSlug;
    let targetAgentId: string | null = null;
    let targetName: string;
    if (target.kind === 'agent') {
      if (target.agentId === user.id) throw new ProtocolError('bad_request', 'you already hold this session');
      const other = await ctx.store.users.byId(target.agentId);
      if (!other) throw new ProtocolError('agent_not_found', 'no such agent');
      if (other.state !== 'active' || !presence.isOnline(other.id)) {
        throw new ProtocolError('agent_unavailable', `${other.name} is not signed in`);
      }
      targetAgentId = other.id;
      targetName = other.name;
    } else {
      const portal = await ctx.store.portals.get(target.slug);
      if (!portal) throw new ProtocolError('portal_not_found', `there is no portal "${target.slug}"`);
      portalSlug = portal.slug;
      targetName = portal.name;
    }
    const now = ctx.now();
    const transfer: TransferInfo = {
      fromAgent: agentRef(user),
      comment,
      at: now,
      ...(portalSlug !== s.portalSlug ? { fromPortal: s.portalSlug } : {}),
    };
    const after = await ctx.store.sessions.transition(
      sessionId,
      fromStatesOf('transfer'),
      { state: 'transferring', agentId: null, targetAgentId, portalSlug, transfer, queuedAt: now },
      user.id,
    );
    if (!after) throw await this.lostHold(sessionId);
    this.parts.released(sessionId);
    this.parts.deadlines.set(sessionId, now + (await this.parts.answerTimeoutMs()));
    const portal = await this.parts.portal(after.portalSlug);
    const entry = await this.parts.entryOf(after);
    this.parts.queue.put(entry);
    await this.parts.alerts.alert(entry);
    presence.send(user.id, {
      type: 'session.updated',
      session: await this.parts.viewOf(after, undefined, {
        transferTo: { kind: target.kind, name: targetName },
      }),
    });
    this.parts.customers.send(
      sessionId,
      target.kind === 'portal'
        ? { type: 'session.transferred', portalName: portal.name }
        : { type: 'session.transferred' },
    );
    if (target.kind === 'portal') await this.parts.alerts.pushPositions(portalSlug);
    this.parts.events.emit('released', { sessionId, formerAgentId: user.id });
    this.parts.events.emit('transferred', {
      sessionId,
      fromAgentId: user.id,
      to:
        target.kind === 'agent' && targetAgentId
          ? { kind: 'agent', agentId: targetAgentId, name: targetName }
          : { kind: 'portal', slug: portalSlug, name: targetName },
      comment,
      at: now,
    });
    await ctx.audit({
      actor: user.id,
      action: 'session.transfer',
      target: sessionId,
      details: {
        to: target.kind === 'agent' ? { agentId: targetAgentId, name: targetName } : { portal: portalSlug },
        hasComment: comment.length > 0,
      },
      ...(address ? { address } : {}),
    });
  }

  /** The sender takes back a transfer nobody has accepted yet. */
  async recall(
    user: UserRecord,
    sessionId: string,
    address?: string,
  ): Promise<{
    session: SessionView;
    transcript: Awaited<ReturnType<ServerContext['store']['transcripts']['lines']>>;
  }> {
    const s = await this.parts.record(sessionId);
    if (s.state === 'ended') throw sessionEnded();
    if (s.transfer?.fromAgent.id !== user.id) throw notInSession();
    if (s.state !== 'transferring') {
      throw new ProtocolError('already_accepted', 'your colleague has accepted this session already', {
        state: s.state,
      });
    }
    const back = await this.returnTo(s, user, 'recalled', {}, address);
    if (!back)
      throw new ProtocolError('already_accepted', 'your colleague has accepted this session already');
    return back;
  }

  /** The agent the transfer names declines it, with a reason the sender reads. */
  async decline(user: UserRecord, s: SessionRecord, reason: string, address?: string): Promise<void> {
    await this.sendBack(
      s,
      'declined',
      { by: user.name, ...(reason ? { comment: reason } : {}) },
      address,
      user.id,
    );
  }

  /** Past the transfer timeout: back to the sender ("nobody took it"). */
  async expire(s: SessionRecord): Promise<void> {
    const by = s.targetAgentId
      ? (await this.parts.ctx.store.users.byId(s.targetAgentId))?.name
      : (await this.parts.portal(s.portalSlug)).name;
    await this.sendBack(s, 'timeout', by ? { by } : {});
  }

  /** Back to the sender when they are still signed in; else to the portal it came from, for anyone. */
  private async sendBack(
    s: SessionRecord,
    reason: ReturnReason,
    note: { by?: string; comment?: string },
    address?: string,
    actorId?: string,
  ): Promise<void> {
    const { ctx, presence } = this.parts;
    if (!s.transfer) return;
    const sender = await ctx.store.users.byId(s.transfer.fromAgent.id);
    if (sender && sender.state === 'active' && presence.isOnline(sender.id)) {
      await this.returnTo(s, sender, reason, note, address, actorId);
      return;
    }
    // Nobody to give it back to: it waits in its first portal's queue for whoever serves it.
    const portalSlug = s.transfer.fromPortal ?? s.portalSlug;
    const after = await ctx.store.sessions.transition(
      s.id,
      ['transferring'],
      { targetAgentId: null, portalSlug },
      null,
    );
    if (!after) return;
    this.parts.deadlines.clear(s.id);
    const before = await this.parts.takeFromQueue(s);
    if (before) {
      for (const id of await this.parts.alerts.audienceOf(before))
        presence.send(id, { type: 'queue.removed', sessionId: s.id, reason: 'moved' });
    }
    const entry = await this.parts.entryOf(after);
    this.parts.queue.put(entry);
    await this.parts.alerts.alert(entry);
    await this.parts.alerts.pushPositions(portalSlug);
    this.parts.customers.send(s.id, {
      type: 'session.transferred',
      portalName: (await this.parts.portal(portalSlug)).name,
    });
    await ctx.audit({
      actor: actorId ?? 'system',
      action: 'session.transfer_returned',
      target: s.id,
      details: { reason, to: { portal: portalSlug }, senderAway: true },
      ...(address ? { address } : {}),
    });
  }

  /** The session becomes the sender's again (compare-and-set on `transferring`: an accept may win). */
  private async returnTo(
    s: SessionRecord,
    sender: UserRecord,
    reason: ReturnReason,
    note: { by?: string; comment?: string },
    address?: string,
    actorId?: string,
  ) {
    const { ctx, presence } = this.parts;
    const portalSlug = s.transfer?.fromPortal ?? s.portalSlug;
    const after = await ctx.store.sessions.transition(
      s.id,
      fromStatesOf('return'),
      { state: 'accepted', agentId: sender.id, targetAgentId: null, portalSlug, transfer: null },
      null,
    );
    if (!after) return null;
    this.parts.deadlines.clear(s.id);
    this.parts.assigned(s.id, sender.id);
    const entry = await this.parts.takeFromQueue(s);
    if (entry) {
      for (const id of await this.parts.alerts.audienceOf(entry))
        presence.send(id, { type: 'queue.removed', sessionId: s.id, reason: 'returned' });
    }
    const result = {
      session: await this.parts.viewOf(after, agentRef(sender)),
      transcript: await ctx.store.transcripts.lines(s.id),
    };
    presence.send(sender.id, { type: 'transfer.returned', sessionId: s.id, reason, ...note });
    presence.send(sender.id, { type: 'session.assigned', ...result });
    this.parts.customers.send(s.id, { type: 'session.transferred', agentName: sender.name });
    if (s.portalSlug !== portalSlug || !s.targetAgentId) await this.parts.alerts.pushPositions(s.portalSlug);
    await ctx.audit({
      actor: actorId ?? (reason === 'recalled' ? sender.id : 'system'),
      action: 'session.transfer_returned',
      target: s.id,
      details: { reason, to: { agentId: sender.id }, ...(note.by ? { by: note.by } : {}) },
      ...(address ? { address } : {}),
    });
    return result;
  }

  async directory(): Promise<TransferDirectory> {
    const { ctx, presence } = this.parts;
    const users = (await ctx.store.users.list()).filter((u) => u.state === 'active');
    return {
      agents: users.map((u) => {
        const state = presence.stateOf(u.id);
        return {
          id: u.id,
          name: u.name,
          email: u.email,
          online: state !== null,
          ...(state ? { status: state } : {}),
        };
      }),
      portals: (await ctx.store.portals.list()).map((p) => ({ slug: p.slug, name: p.name })),
    };
  }

  /** Why the conditional write found the session no longer held by the agent. */
  private async lostHold(sessionId: string): Promise<ProtocolError> {
    const s = await this.parts.record(sessionId);
    return s.state === 'ended' ? sessionEnded() : notInSession();
  }
}
