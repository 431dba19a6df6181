/**
 * Opens (or creates) the SQLite database file and brings its schema up to date.
 * WAL mode so readers never wait for the writer; a busy timeout so a CLI command run while the
 * server holds the file waits briefly instead of failing.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations';

/** How long a write waits for another process's lock before failing, in ms. */
const BUSY_TIMEOUT_MS = 5_000;
export const DATABASE_FILE = 'lifeline.sqlite';

export type Db = Database.Database;

export function openDatabase(dataDir: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('synchronous = NORMAL');
  migrate(db, migrations);
  return db;
}

/**
 * Opens the database file read-only on a connection of its own and reads the schema version:
 * throws when the file is gone, unreadable or not a database any more (what the next start would
 * meet), which the serving connection's page cache would hide.
 */
export function checkDatabaseFile(dataDir: string): void {
  const probe = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    schemaVersion(probe);
  } finally {
    probe.close();
  }
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .all()
      .map((r) => (r as { version: number }).version),
  );
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    }).immediate();
  }
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
