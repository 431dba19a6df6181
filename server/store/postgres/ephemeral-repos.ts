/**
 * The ephemeral store (../ephemeral-store.ts: join codes, resume tokens, hashed, with expiry) and
 * the customer's screen grants per session in PostgreSQL (migration 20), with the SQLite store's
 * semantics, each operation one statement: `add` claims a key only when it is free or expired
 * (INSERT ... ON CONFLICT DO UPDATE ... WHERE), `take` is a DELETE ... RETURNING so one caller
 * (on any node) gets a single-use value.
 */
import type pg from 'pg';
import { Grants } from '../../../protocol/common';
import type { EphemeralEntry, EphemeralSpace, EphemeralStore } from '../ephemeral-store';
import type { ScreenGrantRepo } from '../store';

interface Row {
  value: string;
  expires_at: number | null;
}

const entry = (r: Row): EphemeralEntry => ({ value: r.value, expiresAt: r.expires_at });

export function postgresEphemeralStore(pool: pg.Pool): EphemeralStore {
  return {
    async put(space: EphemeralSpace, key: string, value: string, expiresAt: number | null): Promise<void> {
      await pool.query(
        `INSERT INTO ephemeral (space, key, value, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (space, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
        [space, key, value, expiresAt],
      );
    },
    async add(
      space: EphemeralSpace,
      key: string,
      value: string,
      expiresAt: number | null,
      now: number,
    ): Promise<boolean> {
      const r = await pool.query(
        `INSERT INTO ephemeral (space, key, value, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (space, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
         WHERE ephemeral.expires_at IS NOT NULL AND ephemeral.expires_at <= $5`,
        [space, key, value, expiresAt, now],
      );
      return r.rowCount === 1;
    },
    async get(space: EphemeralSpace, key: string): Promise<EphemeralEntry | null> {
      const r = await pool.query<Row>(
        'SELECT value, expires_at FROM ephemeral WHERE space = $1 AND key = $2',
        [space, key],
      );
      return r.rows[0] ? entry(r.rows[0]) : null;
    },
    async take(space: EphemeralSpace, key: string): Promise<EphemeralEntry | null> {
      const r = await pool.query<Row>(
        'DELETE FROM ephemeral WHERE space = $1 AND key = $2 RETURNING value, expires_at',
        [space, key],
      );
      return r.rows[0] ? entry(r.rows[0]) : null;
    },
    async delete(space: EphemeralSpace, key: string): Promise<void> {
      await pool.query('DELETE FROM ephemeral WHERE space = $1 AND key = $2', [space, key]);
    },
    async count(space: EphemeralSpace, now: number): Promise<number> {
      const r = await pool.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM ephemeral WHERE space = $1 AND (expires_at IS NULL OR expires_at > $2)',
        [space, now],
      );
      return r.rows[0]!.n;
    },
    async entries(space: EphemeralSpace): Promise<{ key: string; entry: EphemeralEntry }[]> {
      const r = await pool.query<Row & { key: string }>(
        'SELECT key, value, expires_at FROM ephemeral WHERE space = $1',
        [space],
      );
      return r.rows.map((row) => ({ key: row.key, entry: entry(row) }));
    },
    async sweep(now: number): Promise<void> {
      await pool.query('DELETE FROM ephemeral WHERE expires_at IS NOT NULL AND expires_at <= $1', [now]);
    },
  };
}

export function postgresScreenGrantRepo(pool: pg.Pool): ScreenGrantRepo {
  return {
    async get(sessionId: string): Promise<Grants | null> {
      const r = await pool.query<{ grants: string }>(
        'SELECT grants FROM screen_grants WHERE session_id = $1',
        [sessionId],
      );
      if (!r.rows[0]) return null;
      // Validated on the way out, like every JSON column: a damaged row grants nothing.
      let raw: unknown;
      try {
        raw = JSON.parse(r.rows[0].grants);
      } catch {
        return null;
      }
      const parsed = Grants.safeParse(raw);
      return parsed.success ? parsed.data : null;
    },
    async set(sessionId: string, grants: Grants, at: number): Promise<void> {
      await pool.query(
        `INSERT INTO screen_grants (session_id, grants, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (session_id) DO UPDATE SET grants = EXCLUDED.grants, updated_at = EXCLUDED.updated_at`,
        [sessionId, JSON.stringify(Grants.parse(grants)), at],
      );
    },
    async clear(sessionId: string): Promise<void> {
      await pool.query('DELETE FROM screen_grants WHERE session_id = $1', [sessionId]);
    },
  };
}
