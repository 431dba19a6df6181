/**
 * SQLite implementations of the portal, session and transcript repositories (audit: audit-repo.ts).
 * `transition` is a compare-and-set (UPDATE ... WHERE state IN (...)), which is what makes
 * "first accept wins" exact under any number of parallel accepts.
 */
import type { ChatLine } from '../../../protocol/common';
import type { PortalRepo, SessionRecord, SessionRepo, TranscriptRepo } from '../store';
import type { Db } from './open-database';
import {
  lineFromRow,
  SESSION_COLUMNS,
  selectSessions,
  sessionColumnValue,
  sessionFromRow,
  type SessionRow,
} from '../rows';

interface PortalRow {
  slug: string;
  name: string;
  colour: string | null;
  created_at: number;
}

function portalFromRow(r: PortalRow) {
  return { slug: r.slug, name: r.name, colour: r.colour, createdAt: r.created_at };
}

export function portalRepo(db: Db): PortalRepo {
  return {
    async get(slug) {
      const r = db.prepare('SELECT slug, name, colour, created_at FROM portals WHERE slug = ?').get(slug) as
        PortalRow | undefined;
      return r ? portalFromRow(r) : null;
    },
    async list() {
      return (
        db.prepare('SELECT slug, name, colour, created_at FROM portals ORDER BY slug').all() as PortalRow[]
      ).map(portalFromRow);
    },
    async insert(p) {
      db.prepare('INSERT INTO portals (slug, name, colour, created_at) VALUES (?, ?, ?, ?)').run(
        p.slug,
        p.name,
        p.colour ?? null,
        p.createdAt,
      );
    },
    async update(slug, patch) {
      if (patch.name !== undefined)
        db.prepare('UPDATE portals SET name = ? WHERE slug = ?').run(patch.name, slug);
      if (patch.colour !== undefined)
        db.prepare('UPDATE portals SET colour = ? WHERE slug = ?').run(patch.colour, slug);
    },
    async assign(slug, userId) {
      db.prepare('INSERT OR IGNORE INTO portal_agents (portal_slug, user_id) VALUES (?, ?)').run(
        slug,
        userId,
      );
    },
    async unassign(slug, userId) {
      db.prepare('DELETE FROM portal_agents WHERE portal_slug = ? AND user_id = ?').run(slug, userId);
    },
    async agentsOf(slug) {
      return (
        db.prepare('SELECT user_id FROM portal_agents WHERE portal_slug = ?').all(slug) as {
          user_id: string;
        }[]
      ).map((r) => r.user_id);
    },
    async portalsOf(userId) {
      return (
        db
          .prepare('SELECT portal_slug FROM portal_agents WHERE user_id = ? ORDER BY portal_slug')
          .all(userId) as {
          portal_slug: string;
        }[]
      ).map((r) => r.portal_slug);
    },
  };
}

const SESSION_SELECT = selectSessions();

function setClause(patch: Partial<SessionRecord>): { sql: string; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in SESSION_COLUMNS) || value === undefined) continue;
    const k = key as keyof typeof SESSION_COLUMNS;
    sets.push(`${SESSION_COLUMNS[k]} = ?`);
    values.push(sessionColumnValue(k, value));
  }
  return { sql: sets.join(', '), values };
}

export function sessionRepo(db: Db): SessionRepo {
  const byId = db.prepare(`${SESSION_SELECT} WHERE id = ?`);
  return {
    async insert(s, requestTokenHash) {
      db.prepare(
        `INSERT INTO sessions (id, portal_slug, customer_name, customer_email, problem, request_token_hash, state, screen,
          agent_id, target_agent_id, comment, transfer, created_at, queued_at, accepted_at, ended_at, ended_by,
          customer_language, customer_client, callback_at, end_reason, continuation)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        s.id,
        s.portalSlug,
        s.customerName,
        s.customerEmail,
        s.problem,
        requestTokenHash,
        s.state,
        s.screen,
        s.agentId,
        s.targetAgentId,
        s.comment,
        s.transfer ? JSON.stringify(s.transfer) : null,
        s.createdAt,
        s.queuedAt,
        s.acceptedAt,
        s.endedAt,
        s.endedBy,
        s.customerLanguage,
        s.customerClient ? JSON.stringify(s.customerClient) : null,
        s.callbackAt,
        s.endReason,
        s.continuation ? JSON.stringify(s.continuation) : null,
      );
    },
    async byId(id) {
      const r = byId.get(id) as SessionRow | undefined;
      return r ? sessionFromRow(r) : null;
    },
    async byRequestTokenHash(hash) {
      const r = db.prepare(`${SESSION_SELECT} WHERE request_token_hash = ?`).get(hash) as
        SessionRow | undefined;
      return r ? sessionFromRow(r) : null;
    },
    async open() {
      return (
        db.prepare(`${SESSION_SELECT} WHERE state != 'ended' ORDER BY queued_at`).all() as SessionRow[]
      ).map(sessionFromRow);
    },
    async transition(id, fromStates, patch, expectAgentId) {
      const { sql, values } = setClause(patch);
      if (fromStates.length === 0) return null;
      const placeholders = fromStates.map(() => '?').join(', ');
      let where = `id = ? AND state IN (${placeholders})`;
      const whereValues: unknown[] = [id, ...fromStates];
      if (expectAgentId !== undefined) {
        where += expectAgentId === null ? ' AND agent_id IS NULL' : ' AND agent_id = ?';
        if (expectAgentId !== null) whereValues.push(expectAgentId);
      }
      const changed = db
        .prepare(`UPDATE sessions SET ${sql || 'id = id'} WHERE ${where}`)
        .run(...values, ...whereValues);
      if (changed.changes !== 1) return null;
      return sessionFromRow(byId.get(id) as SessionRow);
    },
    async update(id, patch) {
      const { sql, values } = setClause(patch);
      if (!sql) return;
      db.prepare(`UPDATE sessions SET ${sql} WHERE id = ?`).run(...values, id);
    },
    async list({ from, to, limit }) {
      return (
        db
          .prepare(
            `${SESSION_SELECT} WHERE created_at >= ? AND created_at < ? ORDER BY created_at DESC LIMIT ?`,
          )
          .all(from ?? 0, to ?? Number.MAX_SAFE_INTEGER, limit) as SessionRow[]
      ).map(sessionFromRow);
    },
  };
}

export function transcriptRepo(db: Db): TranscriptRepo {
  const next = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM chat_lines WHERE session_id = ?');
  const insert = db.prepare(
    'INSERT INTO chat_lines (session_id, seq, author, text, at, file) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const appendTx = db.transaction(
    (sessionId: string, author: string, text: string, at: number, file: string | null): number => {
      const { seq } = next.get(sessionId) as { seq: number };
      insert.run(sessionId, seq, author, text, at, file);
      return seq;
    },
  );
  return {
    async append(sessionId, from, text, at, file) {
      const seq = appendTx.immediate(
        sessionId,
        JSON.stringify(from),
        text,
        at,
        file ? JSON.stringify(file) : null,
      );
      return { sessionId, seq, from, text, at, ...(file ? { file } : {}) } satisfies ChatLine;
    },
    async lines(sessionId, afterSeq = 0) {
      return (
        db
          .prepare(
            'SELECT seq, author, text, at, file FROM chat_lines WHERE session_id = ? AND seq > ? ORDER BY seq',
          )
          .all(sessionId, afterSeq) as {
          seq: number;
          author: string;
          text: string;
          at: number;
          file: string | null;
        }[]
      ).map((r) => lineFromRow(sessionId, r));
    },
  };
}
