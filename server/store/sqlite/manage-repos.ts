/**
 * SQLite implementations of the management center's repositories (manage-store.ts): account
 * links (a link is used by one conditional UPDATE, so two tabs cannot both use it), API tokens,
 * webhooks with their delivery log, and the session history the reports read.
 */
import type {
  AccountLinkRecord,
  AccountLinkRepo,
  ApiTokenRepo,
  FileRecord,
  ManageStore,
  SessionHistoryRepo,
  TransferRecord,
  WebhookRepo,
} from '../manage-store';
import {
  DELIVERY_COLUMNS,
  DELIVERY_SELECT_COLUMNS,
  deliveryOf,
  fileOf,
  grouped,
  HOOK_COLUMNS,
  hookOf,
  LINK_COLUMNS,
  linkOf,
  marks,
  SESSION_SELECT,
  sessionSearchWhere,
  TOKEN_COLUMNS,
  tokenOf,
  transferOf,
  type DeliveryRow,
  type FileRow,
  type HookRow,
  type LinkRow,
  type TokenRow,
  type TransferRow,
} from '../manage-rows';
import type { Db } from './open-database';
import { sessionFromRow, type SessionRow } from '../rows';

function linkRepo(db: Db): AccountLinkRepo {
  const cols = LINK_COLUMNS;
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

function apiTokenRepo(db: Db): ApiTokenRepo {
  const cols = TOKEN_COLUMNS;
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

function webhookRepo(db: Db): WebhookRepo {
  const hookCols = HOOK_COLUMNS;
  const deliveryCols = DELIVERY_SELECT_COLUMNS;
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

function historyRepo(db: Db): SessionHistoryRepo {
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
        .all(...ids) as TransferRow[];
      return grouped(rows, transferOf);
    },
    async filesOf(ids) {
      if (ids.length === 0) return new Map();
      const rows = db
        .prepare(
          `SELECT session_id, at, agent_id, direction, name, size, sha256 FROM session_files
           WHERE session_id IN (${marks(ids)}) ORDER BY at, rowid`,
        )
        .all(...ids) as FileRow[];
      return grouped(rows, fileOf);
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
      const { clause, values } = sessionSearchWhere(q);
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
