/**
 * The views of a session each party gets, built from the store's record: the agent's
 * SessionView, the alert list's QueueEntry and the customer's CustomerSessionView. Built to the
 * protocol's types (`satisfies`), never by spreading a record, so no internal field leaks.
 */
import type { CustomerSessionView } from '../../protocol/customer-channel';
import type { AgentRef, QueueEntry, SessionView } from '../../protocol/common';
import type { SessionRecord } from '../store/store';

export interface PortalRef {
  slug: string;
  name: string;
}

export function sessionView(s: SessionRecord, portal: PortalRef, agent: AgentRef | undefined): SessionView {
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
  } satisfies SessionView;
}

export function queueEntry(s: SessionRecord, portal: PortalRef): QueueEntry {
  return {
    sessionId: s.id,
    portal: { slug: portal.slug, name: portal.name },
    customerName: s.customerName,
    ...(s.customerEmail ? { customerEmail: s.customerEmail } : {}),
    problem: s.problem,
    queuedAt: s.queuedAt,
    ...(s.transfer ? { transfer: s.transfer } : {}),
    ...(s.targetAgentId ? { targetAgentId: s.targetAgentId } : {}),
  } satisfies QueueEntry;
}

export function customerView(
  s: SessionRecord,
  portal: PortalRef,
  live: { agentName?: string; position?: number; agentsAvailable: number },
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
  } satisfies CustomerSessionView;
}
