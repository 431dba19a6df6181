/**
 * The ephemeral store (../ephemeral-store.ts) in the SQLite file: table `ephemeral` (migration
 * 20). Each operation is one statement, so it is atomic against other connections to the same
 * file; `take` is a DELETE ... RETURNING, so two helpers spending the same code cannot both win.
 */
import type { EphemeralEntry, EphemeralSpace, EphemeralStore } from '../ephemeral-store';
import type { Db } from './open-database';

interface Row {
  value: string;
  expires_at: number | null;
}

const entry = (r: Row): EphemeralEntry => ({ value: r.value, expiresAt: r.expires_at });

export function sqliteEphemeralStore(db: Db): EphemeralStore {
  const put = db.prepare(
    `INSERT INTO ephemeral (space, key, value, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (space, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const add = db.prepare(
    `INSERT INTO ephemeral (space, key, value, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (space, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
     WHERE ephemeral.expires_at IS NOT NULL AND ephemeral.expires_at <= ?`,
  );
  const get = db.prepare('SELECT value, expires_at FROM ephemeral WHERE space = ? AND key = ?');
  const take = db.prepare('DELETE FROM ephemeral WHERE space = ? AND key = ? RETURNING value, expires_at');
  const del = db.prepare('DELETE FROM ephemeral WHERE space = ? AND key = ?');
  const count = db.prepare(
    'SELECT COUNT(*) AS n FROM ephemeral WHERE space = ? AND (expires_at IS NULL OR expires_at > ?)',
  );
  const all = db.prepare('SELECT key, value, expires_at FROM ephemeral WHERE space = ?');
  const sweep = db.prepare('DELETE FROM ephemeral WHERE expires_at IS NOT NULL AND expires_at <= ?');
  return {
    async put(space: EphemeralSpace, key: string, value: string, expiresAt: number | null) {
      put.run(space, key, value, expiresAt);
    },
    async add(space, key, value, expiresAt, now) {
      return add.run(space, key, value, expiresAt, now).changes === 1;
    },
    async get(space, key) {
      const r = get.get(space, key) as Row | undefined;
      return r ? entry(r) : null;
    },
    async take(space, key) {
      const r = take.get(space, key) as Row | undefined;
      return r ? entry(r) : null;
    },
    async delete(space, key) {
      del.run(space, key);
    },
    async count(space, now) {
      return (count.get(space, now) as { n: number }).n;
    },
    async entries(space) {
      return (all.all(space) as (Row & { key: string })[]).map((r) => ({ key: r.key, entry: entry(r) }));
    },
    async sweep(now) {
      sweep.run(now);
    },
  };
}
