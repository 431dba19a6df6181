/**
 * The dashboard's figures over a period (GET /api/v1/manage/stats, and the charts of the
 * management center): requests per hour, time until a customer is answered (median and 90th
 * percentile, nearest rank), abandoned requests, sessions per agent, and screen-sharing use (the
 * audit log's `screen.consent` with view granted, and `share.start`, for sessions of the period).
 */
import type { AgentRef } from '../../protocol/common';
import type { Stats } from '../../protocol/manage-api';
import type { SessionRecord, Store } from '../store/store';

const HOUR_MS = 3_600_000;
/** Sessions read for one period, at most (a busy desk's year stays well under). */
export const STATS_MAX_SESSIONS = 500_000;

/** The q-quantile (0..1) of sorted values by nearest rank; null for none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Hour buckets from `from` (floored to the hour in the manager's time zone, `tzMinutes` east of UTC) to `to`. */
export function hourBuckets(
  sessions: readonly SessionRecord[],
  from: number,
  to: number,
  tzMinutes: number,
): { at: number; count: number }[] {
  const offset = tzMinutes * 60_000;
  const start = Math.floor((from + offset) / HOUR_MS) * HOUR_MS - offset;
  const buckets: { at: number; count: number }[] = [];
  for (let at = start; at < to; at += HOUR_MS) buckets.push({ at, count: 0 });
  for (const s of sessions) {
    const bucket = buckets[Math.floor((s.createdAt - start) / HOUR_MS)];
    if (bucket) bucket.count++;
  }
  return buckets;
}

async function sessionsWith(store: Store, action: string, from: number, ids: Set<string>, view: boolean) {
  const { entries } = await store.audit.query({ action, from, offset: 0, limit: STATS_MAX_SESSIONS });
  const found = new Set<string>();
  for (const e of entries) {
    if (e.target === null || !ids.has(e.target)) continue;
    const grants = e.details['grants'];
    if (view && !(typeof grants === 'object' && grants !== null && 'view' in grants && grants.view === true))
      continue;
    found.add(e.target);
  }
  return found.size;
}

export async function dashboardStats(
  store: Store,
  from: number,
  to: number,
  tzMinutes: number,
): Promise<Stats> {
  const sessions = await store.manage.history.createdBetween(from, to, STATS_MAX_SESSIONS);
  const ids = new Set(sessions.map((s) => s.id));
  const waits = sessions
    .filter((s) => s.acceptedAt !== null)
    .map((s) => s.acceptedAt! - s.createdAt)
    .sort((a, b) => a - b);
  const held = await store.manage.history.agentsOf([...ids]);
  const perAgent = new Map<string, number>();
  for (const s of sessions) {
    const agents = new Set(held.get(s.id) ?? []);
    if (s.agentId) agents.add(s.agentId);
    for (const a of agents) perAgent.set(a, (perAgent.get(a) ?? 0) + 1);
  }
  const sessionsPerAgent: { agent: AgentRef; sessions: number }[] = [];
  for (const [id, count] of perAgent) {
    const u = await store.users.byId(id);
    if (u) sessionsPerAgent.push({ agent: { id: u.id, name: u.name, email: u.email }, sessions: count });
  }
  sessionsPerAgent.sort((a, b) => b.sessions - a.sessions || a.agent.name.localeCompare(b.agent.name));
  return {
    from,
    to,
    requests: sessions.length,
    requestsPerHour: hourBuckets(sessions, from, to, tzMinutes),
    answered: waits.length,
    answerMedianMs: median(waits),
    answerP90Ms: quantile(waits, 0.9),
    abandoned: sessions.filter(
      (s) => s.state === 'ended' && s.acceptedAt === null && s.endReason !== 'handled',
    ).length,
    sessionsPerAgent,
    screenSharing: {
      sessions: sessions.length,
      customerScreen: await sessionsWith(store, 'screen.consent', from, ids, true),
      shareMyScreen: await sessionsWith(store, 'share.start', from, ids, false),
    },
  };
}
