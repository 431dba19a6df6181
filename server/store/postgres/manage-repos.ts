/**
 * PostgreSQL implementations of the management center's repositories (../manage-store.ts), with
 * the SQLite store's behaviour: a link is used by one conditional UPDATE ... RETURNING (two tabs,
 * or two nodes, cannot both use it); a new link revokes the user's earlier ones in the same
 * transaction. Row conversions and the session search are shared (../manage-rows.ts); the SQL is
 * written with `?` and numbered (pg-pool.ts `numbered`).
 */
import type pg from 'pg';
import type {
  AccountLinkRepo,
  ApiTokenRepo,
  ManageStore,
  SessionHistoryRepo,
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
import { sessionFromRow, type SessionRow } from '../rows';
import { inTransaction, numbered, type Queryable } from './pg-pool';

/** One statement with `?` placeholders; its rows. */
async function rows<R extends pg.QueryResultRow>(db: Queryable, sql: string, values: unknown[] = []) {
  return (await db.query<R>(numbered(sql), values)).rows;
}

async function changed(db: Queryable, sql: string, values: unknown[]): Promise<number> {
  return (await db.query(numbered(sql), values)).rowCount ?? 0;
}

function linkRepo(pool: pg.Pool): AccountLinkRepo {
  return {
    async insert(l) {
      await inTransaction(pool, async (db) => {
        await changed(
          db,
          'UPDATE account_links SET revoked_at = ? WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL',
          [l.createdAt, l.userId],
        );
        await changed(
          db,
          `INSERT INTO account_links (${LINK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)`,
          [l.tokenHash, l.userId, l.purpose, l.createdBy, l.createdAt, l.expiresAt],
        );
      });
    },
    async byTokenHash(hash) {
      const [r] = await rows<LinkRow>(
        pool,
        `SELECT ${LINK_COLUMNS} FROM account_links WHERE token_hash = ?`,
        [hash],
      );
      return r ? linkOf(r) : null;
    },
    async consume(hash, now) {
      const [r] = await rows<LinkRow>(
        pool,
        `UPDATE account_links SET used_at = ?
         WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
         RETURNING ${LINK_COLUMNS}`,
        [now, hash, now],
      );
      return r ? linkOf(r) : null;
    },
    async liveFor(userId, now) {
      const [r] = await rows<LinkRow>(
        pool,
        `SELECT ${LINK_COLUMNS} FROM account_links
         WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
         ORDER BY created_at DESC LIMIT 1`,
        [userId, now],
      );
      return r ? linkOf(r) : null;
    },
  };
}

function apiTokenRepo(pool: pg.Pool): ApiTokenRepo {
  return {
    async insert(t, tokenHash) {
      await changed(
        pool,
        `INSERT INTO api_tokens (${TOKEN_COLUMNS}, token_hash) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?)`,
        [t.id, t.name, t.scope, t.createdBy, t.createdAt, t.expiresAt, tokenHash],
      );
    },
    async byTokenHash(hash) {
      const [r] = await rows<TokenRow>(pool, `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ?`, [
        hash,
      ]);
      return r ? tokenOf(r) : null;
    },
    async list() {
      return (
        await rows<TokenRow>(pool, `SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at DESC`)
      ).map(tokenOf);
    },
    async revoke(id, now) {
      return (
        (await changed(pool, 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [
          now,
          id,
        ])) === 1
      );
    },
    async touch(id, now) {
      await changed(pool, 'UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [now, id]);
    },
  };
}

function webhookRepo(pool: pg.Pool): WebhookRepo {
  return {
    async insert(h) {
      await changed(pool, `INSERT INTO webhooks (${HOOK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        h.id,
        h.url,
        h.secret,
        JSON.stringify(h.events),
        h.active ? 1 : 0,
        h.createdBy,
        h.createdAt,
      ]);
    },
    async list() {
      return (await rows<HookRow>(pool, `SELECT ${HOOK_COLUMNS} FROM webhooks ORDER BY created_at`)).map(
        hookOf,
      );
    },
    async byId(id) {
      const [r] = await rows<HookRow>(pool, `SELECT ${HOOK_COLUMNS} FROM webhooks WHERE id = ?`, [id]);
      return r ? hookOf(r) : null;
    },
    async update(id, patch) {
      if (patch.url !== undefined)
        await changed(pool, 'UPDATE webhooks SET url = ? WHERE id = ?', [patch.url, id]);
      if (patch.events !== undefined)
        await changed(pool, 'UPDATE webhooks SET events = ? WHERE id = ?', [
          JSON.stringify(patch.events),
          id,
        ]);
      if (patch.active !== undefined)
        await changed(pool, 'UPDATE webhooks SET active = ? WHERE id = ?', [patch.active ? 1 : 0, id]);
    },
    async remove(id) {
      return (await changed(pool, 'DELETE FROM webhooks WHERE id = ?', [id])) === 1;
    },
    async insertDelivery(d) {
      await changed(
        pool,
        `INSERT INTO webhook_deliveries (${DELIVERY_SELECT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
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
        ],
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
        await changed(pool, `UPDATE webhook_deliveries SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
    },
    async dueDeliveries(now, limit) {
      return (
        await rows<DeliveryRow>(
          pool,
          `SELECT ${DELIVERY_SELECT_COLUMNS} FROM webhook_deliveries
           WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
          [now, limit],
        )
      ).map(deliveryOf);
    },
    async deliveries(webhookId, limit) {
      return (
        await rows<DeliveryRow>(
          pool,
          `SELECT ${DELIVERY_SELECT_COLUMNS} FROM webhook_deliveries WHERE webhook_id = ?
           ORDER BY created_at DESC, rowid DESC LIMIT ?`,
          [webhookId, limit],
        )
      ).map(deliveryOf);
    },
  };
}

function historyRepo(pool: pg.Pool): SessionHistoryRepo {
  return {
    async addAgent(sessionId, userId, at) {
      await changed(
        pool,
        'INSERT INTO session_agents (session_id, user_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        [sessionId, userId, at],
      );
    },
    async addTransfer(t) {
      await changed(
        pool,
        `INSERT INTO session_transfers (session_id, at, from_agent_id, to_kind, to_ref, to_name, comment)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [t.sessionId, t.at, t.fromAgentId, t.toKind, t.toRef, t.toName, t.comment],
      );
    },
    async addFile(f) {
      await changed(
        pool,
        `INSERT INTO session_files (session_id, at, agent_id, direction, name, size, sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [f.sessionId, f.at, f.agentId, f.direction, f.name, f.size, f.sha256],
      );
    },
    async setSystem(sessionId, system) {
      await changed(pool, 'UPDATE sessions SET customer_system = ? WHERE id = ?', [system, sessionId]);
    },
    async agentsOf(ids) {
      if (ids.length === 0) return new Map();
      const found = await rows<{ session_id: string; user_id: string }>(
        pool,
        `SELECT session_id, user_id FROM session_agents WHERE session_id IN (${marks(ids)}) ORDER BY at`,
        [...ids],
      );
      return grouped(found, (r) => r.user_id);
    },
    async transfersOf(ids) {
      if (ids.length === 0) return new Map();
      const found = await rows<TransferRow>(
        pool,
        `SELECT session_id, at, from_agent_id, to_kind, to_ref, to_name, comment FROM session_transfers
         WHERE session_id IN (${marks(ids)}) ORDER BY at, rowid`,
        [...ids],
      );
      return grouped(found, transferOf);
    },
    async filesOf(ids) {
      if (ids.length === 0) return new Map();
      const found = await rows<FileRow>(
        pool,
        `SELECT session_id, at, agent_id, direction, name, size, sha256 FROM session_files
         WHERE session_id IN (${marks(ids)}) ORDER BY at, rowid`,
        [...ids],
      );
      return grouped(found, fileOf);
    },
    async systemsOf(ids) {
      const out = new Map<string, string>();
      if (ids.length === 0) return out;
      const found = await rows<{ id: string; customer_system: string }>(
        pool,
        `SELECT id, customer_system FROM sessions WHERE id IN (${marks(ids)}) AND customer_system IS NOT NULL`,
        [...ids],
      );
      for (const r of found) out.set(r.id, r.customer_system);
      return out;
    },
    async search(q) {
      const { clause, values } = sessionSearchWhere(q, 'ILIKE');
      const [total] = await rows<{ n: number }>(
        pool,
        `SELECT COUNT(*) AS n FROM sessions s ${clause}`,
        values,
      );
      const found = await rows<SessionRow>(
        pool,
        `${SESSION_SELECT} ${clause} ORDER BY s.created_at DESC, s.rowid DESC LIMIT ? OFFSET ?`,
        [...values, q.limit, q.offset],
      );
      return { total: total!.n, sessions: found.map(sessionFromRow) };
    },
    async createdBetween(from, to, limit) {
      return (
        await rows<SessionRow>(
          pool,
          `${SESSION_SELECT} WHERE s.created_at >= ? AND s.created_at < ? ORDER BY s.created_at LIMIT ?`,
          [from, to, limit],
        )
      ).map(sessionFromRow);
    },
  };
}

export function postgresManageStore(pool: pg.Pool): ManageStore {
  return {
    links: linkRepo(pool),
    apiTokens: apiTokenRepo(pool),
    webhooks: webhookRepo(pool),
    history: historyRepo(pool),
  };
}
