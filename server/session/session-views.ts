/**
 * The views of a session each party gets, built from the store's record: the agent's
 * SessionView, the alert list's QueueEntry and the customer's CustomerSessionView. Built to the
 * protocol's types (`satisfies`), never by spreading a record, so no internal field leaks.
 */
import type { CustomerSessionView } from '../../protocol/customer-channel';
import type { AgentRef, CustomerPresence, QueueEntry, SessionView } from '../../protocol/common';
import type { Routing } from '../../protocol/customer-channel';
import type { SessionRecord } from '../store/store';

export interface PortalRef {
  slug: string;
  name: string;
}

/** What the server knows of a session beyond its record, right now (session-service.ts). */
export interface LiveFacts {
  /** Absent while the customer is here. */
  customer?: CustomerPresence;
  /** The deadline of a transfer or of a request waiting for one agent. */
  answerBy?: number;
  /** While transferring: where to, for the sender's window. */
  transferTo?: { kind: 'agent' | 'portal'; name: string };
}

export function sessionView(
  s: SessionRecord,
  portal: PortalRef,
  agent: AgentRef | undefined,
  live: LiveFacts = {},
): SessionView {
  return {
    id: s.id,
    state: s.state,
    screen: s.screen,
    portal: { slug: portal.slug, name: portal.name },
    customerName: s.customerName,
    ...(s.customerEmail ? { customerEmail: s.customerEmail } : {}),
    problem: s.problem,
    ...(agent ? { agent } : {}),
    comment: s.comment,
    ...(s.transfer ? { transfer: s.transfer } : {}),
    createdAt: s.createdAt,
    ...(s.acceptedAt !== null ? { acceptedAt: s.acceptedAt } : {}),
    ...(s.endedAt !== null ? { endedAt: s.endedAt } : {}),
    ...(s.customerClient ? { customerClient: s.customerClient } : {}),
    ...(live.customer ? { customer: live.customer } : {}),
    ...(s.state === 'transferring' && live.transferTo ? { transferTo: live.transferTo } : {}),
    ...(s.state === 'transferring' && live.answerBy !== undefined ? { answerBy: live.answerBy } : {}),
  } satisfies SessionView;
}

export function queueEntry(s: SessionRecord, portal: PortalRef, live: LiveFacts = {}): QueueEntry {
  return {
    sessionId: s.id,
    portal: { slug: portal.slug, name: portal.name },
    customerName: s.customerName,
    ...(s.customerEmail ? { customerEmail: s.customerEmail } : {}),
    problem: s.problem,
    queuedAt: s.queuedAt,
    ...(s.transfer ? { transfer: s.transfer } : {}),
    ...(s.targetAgentId ? { targetAgentId: s.targetAgentId } : {}),
    ...(live.answerBy !== undefined ? { answerBy: live.answerBy } : {}),
    ...(s.callbackAt !== null && s.customerEmail
      ? { callback: { email: s.customerEmail, at: s.callbackAt } }
      : {}),
    ...(s.continuation ? { continuation: { previousSessionId: s.continuation.previousSessionId } } : {}),
    ...(live.customer && s.callbackAt === null ? { customer: live.customer } : {}),
  } satisfies QueueEntry;
}

export function customerView(
  s: SessionRecord,
  portal: PortalRef,
  live: { agentName?: string; position?: number; agentsAvailable: number; routing?: Routing },
): CustomerSessionView {
  return {
    sessionId: s.id,
    state: s.state,
    screen: s.screen,
    portal: { slug: portal.slug, name: portal.name },
    customerName: s.customerName,
    ...(live.agentName ? { agentName: live.agentName } : {}),
    ...(live.position !== undefined ? { position: live.position } : {}),
    agentsAvailable: live.agentsAvailable,
    queuedAt: s.queuedAt,
    ...(s.callbackAt !== null && s.customerEmail ? { callback: { email: s.customerEmail } } : {}),
    ...(live.routing ? { routing: live.routing } : {}),
  } satisfies CustomerSessionView;
}
