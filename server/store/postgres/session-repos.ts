/**
 * PostgreSQL implementations of the portal, session and transcript repositories (audit: audit-repo.ts).
 * `transition` is one conditional UPDATE ... RETURNING: under READ COMMITTED a second writer
 * waits for the first one's row lock, then re-checks the WHERE against the committed row, so
 * exactly one of any number of parallel accepts on any number of nodes wins. Chat lines take a
 * per-session advisory lock for their next sequence number (gapless, as the SQLite store).
 */
import type pg from 'pg';
import type { ChatLine } from '../../../protocol/common';
import type { PortalRepo, SessionRecord, SessionRepo, TranscriptRepo } from '../store';
import {
  lineFromRow,
  SESSION_COLUMNS,
  SESSION_ROW_COLUMNS,
  sessionColumnValue,
  sessionFromRow,
  type SessionRow,
} from '../rows';
import { inTransaction, LOCKS, placeholders } from './pg-pool';

interface PortalRow {
  slug: string;
  name: string;
  colour: string | null;
  created_at: number;
}

const portalFromRow = (r: PortalRow) => ({
  slug: r.slug,
  name: r.name,
  colour: r.colour,
  createdAt: r.created_at,
});

export function portalRepo(pool: pg.Pool): PortalRepo {
  return {
    async get(slug) {
      const r = await pool.query<PortalRow>(
        'SELECT slug, name, colour, created_at FROM portals WHERE slug = $1',
        [slug],
      );
      return r.rows[0] ? portalFromRow(r.rows[0]) : null;
    },
    async list() {
      const r = await pool.query<PortalRow>(
        'SELECT slug, name, colour, created_at FROM portals ORDER BY slug COLLATE "C"',
      );
      return r.rows.map(portalFromRow);
    },
    async insert(p) {
      await pool.query('INSERT INTO portals (slug, name, colour, created_at) VALUES ($1, $2, $3, $4)', [
        p.slug,
        p.name,
        p.colour ?? null,
        p.createdAt,
      ]);
    },
    async update(slug, patch) {
      if (patch.name !== undefined)
        await pool.query('UPDATE portals SET name = $1 WHERE slug = $2', [patch.name, slug]);
      if (patch.colour !== undefined)
        await pool.query('UPDATE portals SET colour = $1 WHERE slug = $2', [patch.colour, slug]);
    },
    async assign(slug, userId) {
      await pool.query(
        'INSERT INTO portal_agents (portal_slug, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [slug, userId],
      );
    },
    async unassign(slug, userId) {
      await pool.query('DELETE FROM portal_agents WHERE portal_slug = $1 AND user_id = $2', [slug, userId]);
    },
    async agentsOf(slug) {
      const r = await pool.query<{ user_id: string }>(
        'SELECT user_id FROM portal_agents WHERE portal_slug = $1',
        [slug],
      );
      return r.rows.map((row) => row.user_id);
    },
    async portalsOf(userId) {
      const r = await pool.query<{ portal_slug: string }>(
        'SELECT portal_slug FROM portal_agents WHERE user_id = $1 ORDER BY portal_slug COLLATE "C"',
        [userId],
      );
      return r.rows.map((row) => row.portal_slug);
    },
  };
}

const SESSION_FIELDS = SESSION_ROW_COLUMNS.join(', ');

/** `col = $n, ...` for the patch's known fields, numbering placeholders from `start`. */
function setClause(patch: Partial<SessionRecord>, start: number): { sql: string; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in SESSION_COLUMNS) || value === undefined) continue;
    const k = key as keyof typeof SESSION_COLUMNS;
    values.push(sessionColumnValue(k, value));
    sets.push(`${SESSION_COLUMNS[k]} = $${start + values.length - 1}`);
  }
  return { sql: sets.join(', '), values };
}

export function sessionRepo(pool: pg.Pool): SessionRepo {
  const select = async (where: string, values: unknown[]) =>
    (await pool.query<SessionRow>(`SELECT ${SESSION_FIELDS} FROM sessions ${where}`, values)).rows.map(
      sessionFromRow,
    );
  return {
    async insert(s, requestTokenHash) {
      await pool.query(
        `INSERT INTO sessions (id, portal_slug, customer_name, customer_email, problem, request_token_hash, state, screen,
          agent_id, target_agent_id, comment, transfer, created_at, queued_at, accepted_at, ended_at, ended_by,
          customer_language, customer_client, callback_at, end_reason, continuation)
         VALUES (${placeholders(22)})`,
        [
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
        ],
      );
    },
    async byId(id) {
      return (await select('WHERE id = $1', [id]))[0] ?? null;
    },
    async byRequestTokenHash(hash) {
      return (await select('WHERE request_token_hash = $1', [hash]))[0] ?? null;
    },
    async open() {
      return select("WHERE state <> 'ended' ORDER BY queued_at, created_at", []);
    },
    async transition(id, fromStates, patch, expectAgentId) {
      if (fromStates.length === 0) return null;
      const { sql, values } = setClause(patch, 1);
      const where = [`id = $${values.length + 1}`, `state = ANY($${values.length + 2}::text[])`];
      const whereValues: unknown[] = [id, [...fromStates]];
      if (expectAgentId === null) where.push('agent_id IS NULL');
      else if (expectAgentId !== undefined) {
        whereValues.push(expectAgentId);
        where.push(`agent_id = $${values.length + whereValues.length}`);
      }
      const r = await pool.query<SessionRow>(
        `UPDATE sessions SET ${sql || 'id = id'} WHERE ${where.join(' AND ')} RETURNING ${SESSION_FIELDS}`,
        [...values, ...whereValues],
      );
      return r.rows[0] ? sessionFromRow(r.rows[0]) : null;
    },
    async update(id, patch) {
      const { sql, values } = setClause(patch, 1);
      if (!sql) return;
      await pool.query(`UPDATE sessions SET ${sql} WHERE id = $${values.length + 1}`, [...values, id]);
    },
    async list({ from, to, limit }) {
      return select('WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at DESC LIMIT $3', [
        from ?? 0,
        to ?? Number.MAX_SAFE_INTEGER,
        limit,
      ]);
    },
  };
}

export function transcriptRepo(pool: pg.Pool): TranscriptRepo {
  return {
    async append(sessionId, from, text, at, file) {
      const seq = await inTransaction(pool, async (db) => {
        await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCKS.transcript, sessionId]);
        const r = await db.query<{ seq: number }>(
          `INSERT INTO chat_lines (session_id, seq, author, text, at, file)
           SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM chat_lines WHERE session_id = $1
           RETURNING seq`,
          [sessionId, JSON.stringify(from), text, at, file ? JSON.stringify(file) : null],
        );
        return r.rows[0]!.seq;
      });
      return { sessionId, seq, from, text, at, ...(file ? { file } : {}) } satisfies ChatLine;
    },
    async lines(sessionId, afterSeq = 0) {
      const r = await pool.query<{
        seq: number;
        author: string;
        text: string;
        at: number;
        file: string | null;
      }>(
        'SELECT seq, author, text, at, file FROM chat_lines WHERE session_id = $1 AND seq > $2 ORDER BY seq',
        [sessionId, afterSeq],
      );
      return r.rows.map((row) => lineFromRow(sessionId, row));
    },
  };
}
