/**
 * The management center's rows and the parts of its queries both stores share
 * (sqlite/manage-repos.ts, postgres/manage-repos.ts): row -> record, and the session search as a
 * WHERE clause with `?` placeholders (PostgreSQL numbers them: postgres/pg-pool.ts `numbered`).
 */
import type {
  AccountLinkRecord,
  ApiTokenRecord,
  DeliveryRecord,
  FileRecord,
  SessionOutcome,
  SessionSearch,
  TransferRecord,
  WebhookEvent,
  WebhookRecord,
} from './manage-store';
import { WEBHOOK_EVENTS } from './manage-store';
import { escapeLike } from './audit-rows';
import { selectSessions } from './rows';

export interface LinkRow {
  token_hash: string;
  user_id: string;
  purpose: 'invite' | 'reset';
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

export const linkOf = (r: LinkRow): AccountLinkRecord => ({
  tokenHash: r.token_hash,
  userId: r.user_id,
  purpose: r.purpose,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  revokedAt: r.revoked_at,
});

export interface TokenRow {
  id: string;
  name: string;
  scope: 'read' | 'full';
  created_by: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export const tokenOf = (r: TokenRow): ApiTokenRecord => ({
  id: r.id,
  name: r.name,
  scope: r.scope,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

export interface HookRow {
  id: string;
  url: string;
  secret: string;
  events: string;
  active: number;
  created_by: string;
  created_at: number;
}

export function eventsOf(json: string): WebhookEvent[] {
  try {
    const raw: unknown = JSON.parse(json);
    return Array.isArray(raw) ? WEBHOOK_EVENTS.filter((e) => raw.includes(e)) : [];
  } catch {
    return [];
  }
}

export const hookOf = (r: HookRow): WebhookRecord => ({
  id: r.id,
  url: r.url,
  secret: r.secret,
  events: eventsOf(r.events),
  active: r.active === 1,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  event: WebhookEvent;
  payload: string;
  state: DeliveryRecord['state'];
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  next_attempt_at: number | null;
  delivered_at: number | null;
}

export const deliveryOf = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  webhookId: r.webhook_id,
  event: r.event,
  payload: r.payload,
  state: r.state,
  attempts: r.attempts,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  nextAttemptAt: r.next_attempt_at,
  deliveredAt: r.delivered_at,
});

export const DELIVERY_COLUMNS: Record<string, string> = {
  event: 'event',
  payload: 'payload',
  state: 'state',
  attempts: 'attempts',
  lastStatus: 'last_status',
  lastError: 'last_error',
  createdAt: 'created_at',
  nextAttemptAt: 'next_attempt_at',
  deliveredAt: 'delivered_at',
};

export const SESSION_SELECT = selectSessions('s');

/** Groups rows by session id, keeping their order. */
export function grouped<R extends { session_id: string }, T>(rows: R[], map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.session_id) ?? [];
    list.push(map(r));
    out.set(r.session_id, list);
  }
  return out;
}

/** `?, ?, ?` for a list of ids (the callers pass a page of sessions: bounded). */
export const marks = (ids: readonly string[]) => ids.map(() => '?').join(', ');

/**
 * The search as a WHERE clause over `sessions s` and its values. `like` is the engine's
 * case-insensitive LIKE: SQLite's LIKE is (for ASCII), PostgreSQL's ILIKE.
 */
export function sessionSearchWhere(
  q: SessionSearch,
  like: 'LIKE' | 'ILIKE' = 'LIKE',
): { clause: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  if (q.portal !== undefined) {
    where.push('s.portal_slug = ?');
    values.push(q.portal);
  }
  if (q.agentId !== undefined) {
    where.push(
      '(s.agent_id = ? OR EXISTS (SELECT 1 FROM session_agents a WHERE a.session_id = s.id AND a.user_id = ?))',
    );
    values.push(q.agentId, q.agentId);
  }
  if (q.from !== undefined) {
    where.push('s.created_at >= ?');
    values.push(q.from);
  }
  if (q.to !== undefined) {
    where.push('s.created_at < ?');
    values.push(q.to);
  }
  // COALESCE, not IFNULL: the same SQL runs on both engines.
  const outcome = {
    waiting: "s.state = 'queued' AND s.callback_at IS NULL",
    callback: "s.state = 'queued' AND s.callback_at IS NOT NULL",
    in_progress: "s.state IN ('accepted', 'transferring')",
    completed: "s.state = 'ended' AND s.accepted_at IS NOT NULL AND COALESCE(s.end_reason, '') != 'handled'",
    handled: "s.state = 'ended' AND s.end_reason = 'handled'",
    left: "s.state = 'ended' AND s.accepted_at IS NULL AND s.end_reason = 'customer_left'",
    abandoned:
      "s.state = 'ended' AND s.accepted_at IS NULL AND COALESCE(s.end_reason, '') NOT IN ('handled', 'customer_left')",
  } as const satisfies Record<SessionOutcome, string>;
  if (q.outcome !== undefined) where.push(outcome[q.outcome]);
  for (const word of (q.text ?? '').split(/\s+/).filter(Boolean).slice(0, 8)) {
    const pattern = `%${escapeLike(word)}%`;
    where.push(
      `(s.customer_name ${like} ?1 ESCAPE '\\' OR COALESCE(s.customer_email, '') ${like} ?1 ESCAPE '\\'
      OR s.problem ${like} ?1 ESCAPE '\\' OR s.comment ${like} ?1 ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM session_transfers t WHERE t.session_id = s.id AND t.comment ${like} ?1 ESCAPE '\\')
      OR EXISTS (SELECT 1 FROM users u WHERE (u.id = s.agent_id
           OR u.id IN (SELECT a.user_id FROM session_agents a WHERE a.session_id = s.id))
         AND (u.name ${like} ?1 ESCAPE '\\' OR u.email ${like} ?1 ESCAPE '\\')))`.replaceAll('?1', '?'),
    );
    // The same word for each of the seven places it may be found.
    for (let i = 0; i < 7; i++) values.push(pattern);
  }
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', values };
}

export interface TransferRow {
  session_id: string;
  at: number;
  from_agent_id: string;
  to_kind: 'agent' | 'portal';
  to_ref: string;
  to_name: string;
  comment: string;
}

export const transferOf = (r: TransferRow): TransferRecord => ({
  sessionId: r.session_id,
  at: r.at,
  fromAgentId: r.from_agent_id,
  toKind: r.to_kind,
  toRef: r.to_ref,
  toName: r.to_name,
  comment: r.comment,
});

export interface FileRow {
  session_id: string;
  at: number;
  agent_id: string;
  direction: FileRecord['direction'];
  name: string;
  size: number;
  sha256: string;
}

export const fileOf = (r: FileRow): FileRecord => ({
  sessionId: r.session_id,
  at: r.at,
  agentId: r.agent_id,
  direction: r.direction,
  name: r.name,
  size: r.size,
  sha256: r.sha256,
});

export const LINK_COLUMNS =
  'token_hash, user_id, purpose, created_by, created_at, expires_at, used_at, revoked_at';
export const TOKEN_COLUMNS = 'id, name, scope, created_by, created_at, expires_at, revoked_at, last_used_at';
export const HOOK_COLUMNS = 'id, url, secret, events, active, created_by, created_at';
export const DELIVERY_SELECT_COLUMNS =
  'id, webhook_id, event, payload, state, attempts, last_status, last_error, created_at, next_attempt_at, delivered_at';
