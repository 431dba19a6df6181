/**
 * Transfers: an agent hands a session they hold to one colleague (only they are alerted, busy
 * or not) or to a portal's queue (its available agents are alerted), with a comment that travels
 * in the queue entry; the chat history follows (the new agent's `session.assigned` carries the
 * transcript). Also the directory the transfer picker lists. The session service owns the
 * records and the queue; this module only asks it through `TransferParts`.
 */
import type { TransferTarget } from '../../protocol/agent-channel';
import type { TransferInfo } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import { agentRef } from '../auth/auth-service';
import type { ServerContext } from '../context';
import type { Presence } from '../presence/presence';
import type { SessionRecord, UserRecord } from '../store/store';
import type { CustomerLinks } from './customer-links';
import type { QueueIndex } from './queue';
import type { QueueAlerts } from './queue-alerts';
import { notInSession, sessionEnded } from './session-errors';
import type { SessionEvents } from './session-events';
import { fromStatesOf, nextSessionState } from './session-machine';
import { queueEntry, sessionView, type PortalRef } from './session-views';

/** What a transfer reads and tells: the session service's parts. */
export interface TransferParts {
  readonly ctx: ServerContext;
  readonly presence: Presence;
  readonly queue: QueueIndex;
  readonly customers: CustomerLinks;
  readonly events: SessionEvents;
  readonly alerts: QueueAlerts;
  record(sessionId: string): Promise<SessionRecord>;
  held(user: UserRecord, sessionId: string): Promise<SessionRecord>;
  portal(slug: string): Promise<PortalRef>;
  /** The session left its agent: still in progress, held by nobody. */
  released(sessionId: string): void;
}

/** Agents and portals, for the transfer picker. */
export interface TransferDirectory {
  agents: { id: string; name: string; email: string; online: boolean; status?: 'available' | 'busy' }[];
  portals: PortalRef[];
}

export class SessionTransfer {
  constructor(private readonly parts: TransferParts) {}

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
    const transfer: TransferInfo = { fromAgent: agentRef(user), comment, at: now };
    const after = await ctx.store.sessions.transition(
      sessionId,
      fromStatesOf('transfer'),
      { state: 'transferring', agentId: null, targetAgentId, portalSlug, transfer, queuedAt: now },
      user.id,
    );
    if (!after) throw await this.lostHold(sessionId);
    this.parts.released(sessionId);
    const portal = await this.parts.portal(after.portalSlug);
    const entry = queueEntry(after, portal);
    this.parts.queue.put(entry);
    await this.parts.alerts.alert(entry);
    presence.send(user.id, { type: 'session.updated', session: sessionView(after, portal, undefined) });
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
