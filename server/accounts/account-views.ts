/**
 * Records -> the views the management API and the CLI show (protocol/http-api.ts). Password
 * hashes and token hashes never leave the store through here.
 */
import type { AgentRef } from '../../protocol/common';
import type { PortalView, SessionReport, UserView } from '../../protocol/http-api';
import type { PortalRecord, SessionRecord, Store, UserRecord } from '../store/store';

export function userView(user: UserRecord, portals: string[]): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    state: user.state,
    features: { ...user.features },
    portals: [...portals].sort(),
    createdAt: user.createdAt,
  };
}

export async function userViews(store: Store): Promise<UserView[]> {
  const out: UserView[] = [];
  for (const u of await store.users.list()) out.push(userView(u, await store.portals.portalsOf(u.id)));
  return out;
}

/** A portal as the API shows it; with `baseUrl`, its absolute support link. */
export async function portalView(store: Store, portal: PortalRecord, baseUrl?: string): Promise<PortalView> {
  const agents: AgentRef[] = [];
  for (const id of await store.portals.agentsOf(portal.slug)) {
    const u = await store.users.byId(id);
    if (u) agents.push({ id: u.id, name: u.name, email: u.email });
  }
  agents.sort((a, b) => a.email.localeCompare(b.email));
  return {
    slug: portal.slug,
    name: portal.name,
    agents,
    createdAt: portal.createdAt,
    colour: portal.colour ?? null,
    ...(baseUrl ? { link: `${baseUrl}/support/${portal.slug}` } : {}),
  };
}

export async function sessionReport(store: Store, s: SessionRecord): Promise<SessionReport> {
  const agent = s.agentId ? await store.users.byId(s.agentId) : null;
  return {
    id: s.id,
    portal: s.portalSlug,
    customerName: s.customerName,
    customerEmail: s.customerEmail,
    problem: s.problem,
    state: s.state,
    agent: agent ? { id: agent.id, name: agent.name, email: agent.email } : null,
    comment: s.comment,
    transfer: s.transfer,
    createdAt: s.createdAt,
    acceptedAt: s.acceptedAt,
    endedAt: s.endedAt,
    endedBy: s.endedBy,
  };
}
