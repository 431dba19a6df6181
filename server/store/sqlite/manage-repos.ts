/**
 * SQLite implementations of the management center's repositories (manage-store.ts): account
 * links (a link is used by one conditional UPDATE, so two tabs cannot both use it), API tokens,
 * webhooks with their delivery log, and the session history the reports read.
 */
import type { SessionOutcome } from '../../../protocol/manage-api';
import type {
  AccountLinkRecord,
  AccountLinkRepo,
  ApiTokenRecord,
  ApiTokenRepo,
  DeliveryRecord,
  FileRecord,
  ManageStore,
  SessionHistoryRepo,
  SessionSearch,
  TransferRecord,
  WebhookEvent,
  WebhookRecord,
  WebhookRepo,
} from '../manage-store';
import { WEBHOOK_EVENTS } from '../manage-store';
import type { Db } from './open-database';
import { selectSessions, sessionFromRow, type SessionRow } from './rows';

interface LinkRow {
  token_hash: string;
  user_id: string;
  purpose: 'invite' | 'reset';
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

const linkOf = (r: LinkRow): AccountLinkRecord => ({
  tokenHash: r.token_hash,
  userId: r.user_id,
  purpose: r.purpose,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  revokedAt: r.revoked_at,
});

function linkRepo(db: Db): AccountLinkRepo {
  const cols = 'token_hash, user_id, purpose, created_by, created_at, expires_at, used_at, revoked_at';
  const insertTx = db.transaction((l: AccountLinkRecord) => {
    db.prepare(
      'UPDATE account_links SET revoked_at = ? WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL',
    ).run(l.createdAt, l.userId);
    db.prepare(`INSERT INTO account_links (${cols}) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)`).run(
      l.tokenHash,
      l.userId,
      l.purpose,
      l.createdBy,
      l.createdAt,
      l.expiresAt,
    );
  });
  const byHash = db.prepare(`SELECT ${cols} FROM account_links WHERE token_hash = ?`);
  return {
    async insert(link) {
      insertTx.immediate(link);
    },
    async byTokenHash(hash) {
      const r = byHash.get(hash) as LinkRow | undefined;
      return r ? linkOf(r) : null;
    },
    async consume(hash, now) {
      const changed = db
        .prepare(
          `UPDATE account_links SET used_at = ?
           WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
        )
        .run(now, hash, now);
      if (changed.changes !== 1) return null;
      return linkOf(byHash.get(hash) as LinkRow);
    },
    async liveFor(userId, now) {
      const r = db
        .prepare(
          `SELECT ${cols} FROM account_links
           WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
           ORDER BY created_at DESC LIMIT 1`,
        )
        .get(userId, now) as LinkRow | undefined;
      return r ? linkOf(r) : null;
    },
  };
}

interface TokenRow {
  id: string;
  name: string;
  scope: 'read' | 'full';
  created_by: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

const tokenOf = (r: TokenRow): ApiTokenRecord => ({
  id: r.id,
  name: r.name,
  scope: r.scope,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

function apiTokenRepo(db: Db): ApiTokenRepo {
  const cols = 'id, name, scope, created_by, created_at, expires_at, revoked_at, last_used_at';
  return {
    async insert(t, tokenHash) {
      db.prepare(`INSERT INTO api_tokens (${cols}, token_hash) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?)`).run(
        t.id,
        t.name,
        t.scope,
        t.createdBy,
        t.createdAt,
        t.expiresAt,
        tokenHash,
      );
    },
    async byTokenHash(hash) {
      const r = db.prepare(`SELECT ${cols} FROM api_tokens WHERE token_hash = ?`).get(hash) as
        TokenRow | undefined;
      return r ? tokenOf(r) : null;
    },
    async list() {
      return (db.prepare(`SELECT ${cols} FROM api_tokens ORDER BY created_at DESC`).all() as TokenRow[]).map(
        tokenOf,
      );
    },
    async revoke(id, now) {
      return (
        db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id)
          .changes === 1
      );
    },
    async touch(id, now) {
      db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, id);
    },
  };
}

interface HookRow {
  id: string;
  url: string;
  secret: string;
  events: string;
  active: number;
  created_by: string;
  created_at: number;
}

function eventsOf(json: string): WebhookEvent[] {
  try {
    const raw: unknown = JSON.parse(json);
    return Array.isArray(raw) ? WEBHOOK_EVENTS.filter((e) => raw.includes(e)) : [];
  } catch {
    return [];
  }
}

const hookOf = (r: HookRow): WebhookRecord => ({
  id: r.id,
  url: r.url,
  secret: r.secret,
  events: eventsOf(r.events),
  active: r.active === 1,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

interface DeliveryRow {
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

const deliveryOf = (r: DeliveryRow): DeliveryRecord => ({
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

const DELIVERY_COLUMNS: Record<string, string> = {
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

function webhookRepo(db: Db): WebhookRepo {
  const hookCols = 'id, url, secret, events, active, created_by, created_at';
  const deliveryCols =
    'id, webhook_id, event, payload, state, attempts, last_status, last_error, created_at, next_attempt_at, delivered_at';
  return {
    async insert(h) {
      db.prepare(`INSERT INTO webhooks (${hookCols}) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
        h.id,
        h.url,
        h.secret,
        JSON.stringify(h.events),
        h.active ? 1 : 0,
        h.createdBy,
        h.createdAt,
      );
    },
    async list() {
      return (db.prepare(`SELECT ${hookCols} FROM webhooks ORDER BY created_at`).all() as HookRow[]).map(
        hookOf,
      );
    },
    async byId(id) {
      const r = db.prepare(`SELECT ${hookCols} FROM webhooks WHERE id = ?`).get(id) as HookRow | undefined;
      return r ? hookOf(r) : null;
    },
    async update(id, patch) {
      if (patch.url !== undefined) db.prepare('UPDATE webhooks SET url = ? WHERE id = ?').run(patch.url, id);
      if (patch.events !== undefined)
        db.prepare('UPDATE webhooks SET events = ? WHERE id = ?').run(JSON.stringify(patch.events), id);
      if (patch.active !== undefined)
        db.prepare('UPDATE webhooks SET active = ? WHERE id = ?').run(patch.active ? 1 : 0, id);
    },
    async remove(id) {
      return db.prepare('DELETE FROM webhooks WHERE id = ?').run(id).changes === 1;
    },
    async insertDelivery(d) {
      db.prepare(
        `INSERT INTO webhook_deliveries (${deliveryCols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        d.id,
        d.webhookId,
        d.event,
        d.payload,
        d.state,
        d.attempts,
        d.lastStatus,
        d.lastError,
        d.createdAt,
        d.nextAttemptAt,
        d.deliveredAt,
      );
    },
    async updateDelivery(id, patch) {
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [key, value] of Object.entries(patch)) {
        const column = DELIVERY_COLUMNS[key];
        if (!column || value === undefined) continue;
        sets.push(`${column} = ?`);
        values.push(value);
      }
      if (sets.length > 0)
        db.prepare(`UPDATE webhook_deliveries SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    },
    async dueDeliveries(now, limit) {
      return (
        db
          .prepare(
            `SELECT ${deliveryCols} FROM webhook_deliveries
             WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
          )
          .all(now, limit) as DeliveryRow[]
      ).map(deliveryOf);
    },
    async deliveries(webhookId, limit) {
      return (
        db
          .prepare(
            `SELECT ${deliveryCols} FROM webhook_deliveries WHERE webhook_id = ?
             ORDER BY created_at DESC, rowid DESC LIMIT ?`,
          )
          .all(webhookId, limit) as DeliveryRow[]
      ).map(deliveryOf);
    },
  };
}

const SESSION_SELECT = selectSessions('s');

/** Groups rows by session id, keeping their order. */
function grouped<R extends { session_id: string }, T>(rows: R[], map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.session_id) ?? [];
    list.push(map(r));
    out.set(r.session_id, list);
  }
  return out;
}

/** `?, ?, ?` for a list of ids (the callers pass a page of sessions: bounded). */
const marks = (ids: readonly string[]) => ids.map(() => '?').join(', ');

function historyRepo(db: Db): SessionHistoryRepo {
  const searchWhere = (q: SessionSearch): { clause: string; values: unknown[] } => {
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
    const outcome = {
      waiting: "s.state = 'queued' AND s.callback_at IS NULL",
      callback: "s.state = 'queued' AND s.callback_at IS NOT NULL",
      in_progress: "s.state IN ('accepted', 'transferring')",
      completed: "s.state = 'ended' AND s.accepted_at IS NOT NULL AND IFNULL(s.end_reason, '') != 'handled'",
      handled: "s.state = 'ended' AND s.end_reason = 'handled'",
      left: "s.state = 'ended' AND s.accepted_at IS NULL AND s.end_reason = 'customer_left'",
      abandoned:
        "s.state = 'ended' AND s.accepted_at IS NULL AND IFNULL(s.end_reason, '') NOT IN ('handled', 'customer_left')",
    } as const satisfies Record<SessionOutcome, string>;
    if (q.outcome !== undefined) where.push(outcome[q.outcome]);
    for (const word of (q.text ?? '').split(/\s+/).filter(Boolean).slice(0, 8)) {
      const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(
        `(s.customer_name LIKE ?1 ESCAPE '\\' OR IFNULL(s.customer_email, '') LIKE ?1 ESCAPE '\\'
        OR s.problem LIKE ?1 ESCAPE '\\' OR s.comment LIKE ?1 ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM session_transfers t WHERE t.session_id = s.id AND t.comment LIKE ?1 ESCAPE '\\')
        OR EXISTS (SELECT 1 FROM users u WHERE (u.id = s.agent_id
             OR u.id IN (SELECT a.user_id FROM session_agents a WHERE a.session_id = s.id))
           AND (u.name LIKE ?1 ESCAPE '\\' OR u.email LIKE ?1 ESCAPE '\\')))`.replaceAll('?1', '?'),
      );
      // The same word for each of the seven places it may be found.
      for (let i = 0; i < 7; i++) values.push(like);
    }
    return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', values };
  };

  return {
    async addAgent(sessionId, userId, at) {
      db.prepare('INSERT OR IGNORE INTO session_agents (session_id, user_id, at) VALUES (?, ?, ?)').run(
        sessionId,
        userId,
        at,
      );
    },
    async addTransfer(t: TransferRecord) {
      db.prepare(
        `INSERT INTO session_transfers (session_id, at, from_agent_id, to_kind, to_ref, to_name, comment)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(t.sessionId, t.at, t.fromAgentId, t.toKind, t.toRef, t.toName, t.comment);
    },
    async addFile(f: FileRecord) {
      db.prepare(
        `INSERT INTO session_files (session_id, at, agent_id, direction, name, size, sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(f.sessionId, f.at, f.agentId, f.direction, f.name, f.size, f.sha256);
    },
    async setSystem(sessionId, system) {
      db.prepare('UPDATE sessions SET customer_system = ? WHERE id = ?').run(system, sessionId);
    },
    async agentsOf(ids) {
      if (ids.length === 0) return new Map();
      const rows = db
        .prepare(
          `SELECT session_id, user_id FROM session_agents WHERE session_id IN (${marks(ids)}) ORDER BY at`,
        )
        .all(...ids) as { session_id: string; user_id: string }[];
      return grouped(rows, (r) => r.user_id);
    },
    async transfersOf(ids) {
      if (ids.length === 0) return new Map();
      const rows = db
        .prepare(
          `SELECT session_id, at, from_agent_id, to_kind, to_ref, to_name, comment FROM session_transfers
           WHERE session_id IN (${marks(ids)}) ORDER BY at, rowid`,
        )
        .all(...ids) as {
        session_id: string;
        at: number;
        from_agent_id: string;
        to_kind: 'agent' | 'portal';
        to_ref: string;
        to_name: string;
        comment: string;
      }[];
      return grouped(rows, (r) => ({
        sessionId: r.session_id,
        at: r.at,
        fromAgentId: r.from_agent_id,
        toKind: r.to_kind,
        toRef: r.to_ref,
        toName: r.to_name,
        comment: r.comment,
      }));
    },
    async filesOf(ids) {
      if (ids.length === 0) return new Map();
      const rows = db
        .prepare(
          `SELECT session_id, at, agent_id, direction, name, size, sha256 FROM session_files
           WHERE session_id IN (${marks(ids)}) ORDER BY at, rowid`,
        )
        .all(...ids) as {
        session_id: string;
        at: number;
        agent_id: string;
        direction: FileRecord['direction'];
        name: string;
        size: number;
        sha256: string;
      }[];
      return grouped(rows, (r) => ({
        sessionId: r.session_id,
        at: r.at,
        agentId: r.agent_id,
        direction: r.direction,
        name: r.name,
        size: r.size,
        sha256: r.sha256,
      }));
    },
    async systemsOf(ids) {
      const out = new Map<string, string>();
      if (ids.length === 0) return out;
      const rows = db
        .prepare(
          `SELECT id, customer_system FROM sessions WHERE id IN (${marks(ids)}) AND customer_system IS NOT NULL`,
        )
        .all(...ids) as { id: string; customer_system: string }[];
      for (const r of rows) out.set(r.id, r.customer_system);
      return out;
    },
    async search(q) {
      const { clause, values } = searchWhere(q);
      const total = (
        db.prepare(`SELECT COUNT(*) AS n FROM sessions s ${clause}`).get(...values) as { n: number }
      ).n;
      const rows = db
        .prepare(`${SESSION_SELECT} ${clause} ORDER BY s.created_at DESC, s.rowid DESC LIMIT ? OFFSET ?`)
        .all(...values, q.limit, q.offset) as SessionRow[];
      return { total, sessions: rows.map(sessionFromRow) };
    },
    async createdBetween(from, to, limit) {
      return (
        db
          .prepare(
            `${SESSION_SELECT} WHERE s.created_at >= ? AND s.created_at < ? ORDER BY s.created_at LIMIT ?`,
          )
          .all(from, to, limit) as SessionRow[]
      ).map(sessionFromRow);
    },
  };
}

export function manageStore(db: Db): ManageStore {
  return {
    links: linkRepo(db),
    apiTokens: apiTokenRepo(db),
    webhooks: webhookRepo(db),
    history: historyRepo(db),
  };
}
