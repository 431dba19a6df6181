/**
 * Session records -> the rows of the session reports (protocol/manage-api.ts SessionRow): the
 * portal's name, every agent who held the session, the customer's system, duration, time until
 * answered, outcome, comments, transfers with their comments and files with their SHA-256. One
 * batch of queries per page of sessions, not one per session.
 */
import type { AgentRef } from '../../protocol/common';
import type { SessionOutcome, SessionRow } from '../../protocol/manage-api';
import type { SessionRecord, Store } from '../store/store';

export function outcomeOf(s: SessionRecord): SessionOutcome {
  if (s.state === 'queued') return s.callbackAt !== null ? 'callback' : 'waiting';
  if (s.state !== 'ended') return 'in_progress';
  if (s.endReason === 'handled') return 'handled';
  if (s.acceptedAt !== null) return 'completed';
  return s.endReason === 'customer_left' ? 'left' : 'abandoned';
}

export async function sessionRows(
  store: Store,
  sessions: SessionRecord[],
  now: number,
): Promise<SessionRow[]> {
  const ids = sessions.map((s) => s.id);
  const { history } = store.manage;
  const [agentIds, transfers, files, systems] = await Promise.all([
    history.agentsOf(ids),
    history.transfersOf(ids),
    history.filesOf(ids),
    history.systemsOf(ids),
  ]);
  const people = new Map<string, AgentRef | null>();
  const person = async (id: string): Promise<AgentRef | null> => {
    if (!people.has(id)) {
      const u = await store.users.byId(id);
      people.set(id, u ? { id: u.id, name: u.name, email: u.email } : null);
    }
    return people.get(id) ?? null;
  };
  const portals = new Map((await store.portals.list()).map((p) => [p.slug, p.name]));
  const rows: SessionRow[] = [];
  for (const s of sessions) {
    const held = [...(agentIds.get(s.id) ?? [])];
    if (s.agentId && !held.includes(s.agentId)) held.push(s.agentId);
    const agents: AgentRef[] = [];
    for (const id of held) {
      const a = await person(id);
      if (a) agents.push(a);
    }
    const transferRows = [];
    for (const t of transfers.get(s.id) ?? [])
      transferRows.push({
        at: t.at,
        from: await person(t.fromAgentId),
        to: { kind: t.toKind, ref: t.toRef, name: t.toName },
        comment: t.comment,
      });
    const fileRows = [];
    for (const f of files.get(s.id) ?? [])
      fileRows.push({
        at: f.at,
        agent: await person(f.agentId),
        direction: f.direction,
        name: f.name,
        size: f.size,
        sha256: f.sha256,
      });
    rows.push({
      id: s.id,
      createdAt: s.createdAt,
      portal: { slug: s.portalSlug, name: portals.get(s.portalSlug) ?? s.portalSlug },
      agents,
      customerName: s.customerName,
      customerEmail: s.customerEmail,
      problem: s.problem,
      system: systems.get(s.id) ?? null,
      state: s.state,
      kind: s.callbackAt !== null ? 'callback' : 'live',
      outcome: outcomeOf(s),
      acceptedAt: s.acceptedAt,
      endedAt: s.endedAt,
      endedBy: s.endedBy,
      durationMs: Math.max(0, (s.endedAt ?? now) - s.createdAt),
      waitMs: s.acceptedAt !== null ? Math.max(0, s.acceptedAt - s.createdAt) : null,
      comment: s.comment,
      transfers: transferRows,
      files: fileRows,
    });
  }
  return rows;
}
