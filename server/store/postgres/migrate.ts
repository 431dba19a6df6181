/**
 * Applies the PostgreSQL migrations not yet applied, in order, each in its own transaction and
 * recorded in `schema_migrations`. An advisory lock makes nodes that start at once take turns:
 * the first applies, the others find the work done.
 */
import type pg from 'pg';
import type { Migration } from '../sqlite/migrations';
import { inTransaction, LOCKS } from './pg-pool';
import { POSTGRES_MIGRATIONS } from './migrations';

export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<number[]> {
  const applied: number[] = [];
  await pool
    .query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
    )
    .catch(async (err) => {
      // Two nodes creating the table at the same instant: one loses on the catalog; the table exists.
      const exists = await pool.query(`SELECT to_regclass('schema_migrations') AS t`);
      if (!(exists.rows[0] as { t: string | null }).t) throw err;
    });
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    await inTransaction(pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCKS.migrations]);
      const done = await db.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (done.rowCount) return;
      await db.query(m.sql);
      await db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
      applied.push(m.version);
    });
  }
  return applied;
}

export async function postgresSchemaVersion(pool: pg.Pool): Promise<number> {
  const r = await pool.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return r.rows[0]?.v ?? 0;
}
