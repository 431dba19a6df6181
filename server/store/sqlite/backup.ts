/**
 * Online backup and restore of the SQLite database (`lifeline backup` / `lifeline restore`).
 *
 * Backup uses SQLite's online backup API (better-sqlite3 `db.backup`) from a connection of its
 * own: it copies the database page by page while the server keeps reading and writing, and
 * restarts the copy when a write lands in a page already copied, so the result is one consistent
 * moment of the database, never a torn mix (copying lifeline.sqlite with `cp` while the server
 * runs can give that, and misses what is still in the -wal file). The copy is written under a
 * temporary name, switched to a self-contained file (rollback journal, no -wal beside it),
 * checked with `PRAGMA integrity_check`, then renamed into place.
 *
 * Restore replaces the database of a data folder with a backup, with the server stopped: it
 * refuses while lifeline.pid names a running server, checks the backup (a SQLite file that passes
 * integrity_check, with a schema no newer than this Lifeline's), keeps the current database as
 * lifeline.sqlite.before-restore-<time>, copies the backup in, and migrates it forward.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './migrations';
import { DATABASE_FILE, openDatabase, schemaVersion, type Db } from './open-database';
import { runningServerPid } from './server-pid';

export class BackupError extends Error {}

export interface BackupResult {
  file: string;
  bytes: number;
  schemaVersion: number;
}

/** Pages copied per step; between steps the server's writes go on (SQLite's default is all at once). */
const PAGES_PER_STEP = 256;

function latestSchemaVersion(): number {
  return Math.max(...MIGRATIONS.map((m) => m.version));
}

function checkIntegrity(db: Db, what: string): void {
  let rows: { integrity_check: string }[];
  try {
    rows = db.pragma('integrity_check') as { integrity_check: string }[];
  } catch (err) {
    throw new BackupError(
      `${what} is not a readable SQLite database (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  if (rows.length !== 1 || rows[0]?.integrity_check !== 'ok') {
    throw new BackupError(
      `${what} is damaged (integrity_check: ${rows.map((r) => r.integrity_check).join('; ')})`,
    );
  }
}

function openExisting(file: string, readonly: boolean): Db {
  try {
    return new Database(file, { readonly, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`cannot open ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function backupDatabase(dataDir: string, toFile: string): Promise<BackupResult> {
  const source = join(dataDir, DATABASE_FILE);
  if (!existsSync(source))
    throw new BackupError(`there is no database in ${dataDir} (looked for ${DATABASE_FILE})`);
  if (existsSync(toFile)) throw new BackupError(`${toFile} exists already: choose a new file name`);
  const partial = `${toFile}.partial`;
  rmSync(partial, { force: true });
  const db = openExisting(source, false);
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(partial, { progress: () => PAGES_PER_STEP });
  } catch (err) {
    rmSync(partial, { force: true });
    throw err instanceof BackupError ? err : new BackupError(`the backup failed: ${String(err)}`);
  } finally {
    db.close();
  }
  const copy = openExisting(partial, false);
  let version: number;
  try {
    // The copy inherits WAL mode; a backup is one file, so switch it to a rollback journal.
    copy.pragma('journal_mode = DELETE');
    checkIntegrity(copy, 'the backup');
    version = schemaVersion(copy);
  } finally {
    copy.close();
  }
  renameSync(partial, toFile);
  return { file: toFile, bytes: statSync(toFile).size, schemaVersion: version };
}

export interface RestoreResult {
  /** Where the database that was replaced is kept (none when the folder had no database). */
  previous: string | null;
  /** Schema version of the backup, and after migrating it forward. */
  fromVersion: number;
  toVersion: number;
}

export function restoreDatabase(
  dataDir: string,
  fromFile: string,
  now: () => Date = () => new Date(),
): RestoreResult {
  const pid = runningServerPid(dataDir);
  if (pid !== null) {
    throw new BackupError(
      `a Lifeline server (process ${pid}) is running on ${dataDir}: stop it first (systemctl stop lifeline), then restore`,
    );
  }
  const backup = openExisting(fromFile, true);
  let fromVersion: number;
  try {
    checkIntegrity(backup, fromFile);
    const hasMigrations = backup
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    if (!hasMigrations) throw new BackupError(`${fromFile} is not a Lifeline database`);
    fromVersion = schemaVersion(backup);
  } finally {
    backup.close();
  }
  if (fromVersion > latestSchemaVersion()) {
    throw new BackupError(
      `${fromFile} was made by a newer Lifeline (schema ${fromVersion}, this one knows ${latestSchemaVersion()}): restore it with that version`,
    );
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const target = join(dataDir, DATABASE_FILE);
  let previous: string | null = null;
  if (existsSync(target)) {
    previous = `${target}.before-restore-${now().toISOString().replace(/[:.]/g, '-')}`;
    // Fold the -wal into the old database first, so the kept copy is complete on its own.
    const old = openExisting(target, false);
    try {
      old.pragma('wal_checkpoint(TRUNCATE)');
      old.pragma('journal_mode = DELETE');
    } finally {
      old.close();
    }
    renameSync(target, previous);
  }
  for (const leftover of ['-wal', '-shm']) rmSync(`${target}${leftover}`, { force: true });
  copyFileSync(fromFile, `${target}.restoring`);
  renameSync(`${target}.restoring`, target);
  const db = openDatabase(dataDir);
  try {
    return { previous, fromVersion, toVersion: schemaVersion(db) };
  } finally {
    db.close();
  }
}
