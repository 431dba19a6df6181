/**
 * "Continue with the same agent": a customer whose session ended may open a new request that goes
 * to that session's agent first. The FAQ's "Representative not available" is answered in words
 * instead of a dead end: when the agent is not signed in the request goes to the portal's queue at
 * once (`unavailable`); otherwise only they are alerted, until they accept, decline (`declined`) or
 * let the manager's transfer timeout pass (`no_answer`), and then the request moves to the
 * portal's queue, keeping its place by time. The customer's page is told each step
 * (`request.routing`).
 *
 * The earlier session is named by its request token, which only that customer holds; it must be
 * an ended session of the same portal that an agent held.
 */
import type { Routing } from '../../protocol/customer-channel';
import { hashToken } from '../auth/tokens';
import type { SessionRecord, UserRecord } from '../store/store';
import type { SessionParts } from './session-transfer';

export class SessionContinuation {
  constructor(private readonly parts: SessionParts) {}

  /** Addresses a new request (not yet stored) to the agent of the customer's earlier session. */
  async route(record: SessionRecord, previousToken: string): Promise<void> {
    const { store } = this.parts.ctx;
    const previous = await store.sessions.byRequestTokenHash(hashToken(previousToken));
    if (!previous || previous.state !== 'ended' || previous.portalSlug !== record.portalSlug) return;
    if (!previous.agentId || previous.callbackAt !== null) return;
    const agent = await store.users.byId(previous.agentId);
    if (!agent) return;
    const available = agent.state === 'active' && this.parts.presence.isOnline(agent.id);
    record.continuation = {
      previousSessionId: previous.id,
      agentId: agent.id,
      state: available ? 'asked' : 'unavailable',
    };
    if (available) record.targetAgentId = agent.id;
  }

  /** What the customer's page shows of the routing, or null for an ordinary request. */
  async routingOf(s: SessionRecord): Promise<Routing | null> {
    if (!s.continuation) return null;
    const agent = await this.parts.ctx.store.users.byId(s.continuation.agentId);
    if (!agent) return null;
    const answerBy = this.parts.deadlines.of(s.id);
    return {
      agentName: agent.name,
      state: s.continuation.state,
      ...(s.continuation.state === 'asked' && answerBy !== undefined ? { answerBy } : {}),
    };
  }

  /** The agent declined or did not answer in time: the request goes to the portal's queue. */
  async moveToPortal(s: SessionRecord, why: 'declined' | 'no_answer', by?: UserRecord): Promise<void> {
    const { ctx, presence, queue, alerts } = this.parts;
    if (!s.continuation || s.state !== 'queued') return;
    const continuation = { ...s.continuation, state: why };
    const after = await ctx.store.sessions.transition(
      s.id,
      ['queued'],
      { targetAgentId: null, continuation },
      null,
    );
    if (!after) return;
    this.parts.deadlines.clear(s.id);
    const before = await this.parts.takeFromQueue(s);
    if (before) {
      for (const id of await alerts.audienceOf(before))
        presence.send(id, { type: 'queue.removed', sessionId: s.id, reason: 'moved' });
    }
    const entry = await this.parts.entryOf(after);
    queue.put(entry);
    await alerts.alert(entry);
    await alerts.pushPositions(after.portalSlug);
    const routing = await this.routingOf(after);
    if (routing) this.parts.customers.send(s.id, { type: 'request.routing', routing });
    await ctx.audit({
      actor: by?.id ?? 'system',
      action: 'session.continuation_moved',
      target: s.id,
      details: { why, agentId: s.continuation.agentId },
    });
  }
}
