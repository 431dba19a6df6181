/**
 * Chooses and opens the store a server or CLI command runs on: the embedded SQLite file in the
 * data folder (the default), or PostgreSQL when `--store` (or LIFELINE_STORE) is a
 * `postgres://` / `postgresql://` URL, for several nodes sharing one system of record.
 * Opening migrates the schema in both cases (`lifeline migrate` does only that).
 */
import { openPostgresStore } from './postgres/postgres-store';
import { openSqliteStore } from './sqlite/sqlite-store';
import type { Store } from './store';

/** Environment variable read when `--store` is not given. */
export const STORE_ENV = 'LIFELINE_STORE';
export const SQLITE_STORE = 'sqlite';

export type StoreChoice = { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string };

/**
 * `spec` is `--store`'s value, else LIFELINE_STORE's (the CLI reads it), else undefined:
 * `sqlite`, or a PostgreSQL URL. Throws on anything else.
 */
export function chooseStore(spec: string | undefined, dataDir: string): StoreChoice {
  const value = (spec ?? SQLITE_STORE).trim();
  if (value === SQLITE_STORE || value === '') return { kind: 'sqlite', dataDir };
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new Error('the PostgreSQL URL does not parse: postgres://USER:PASSWORD@HOST:PORT/DATABASE');
    }
    return { kind: 'postgres', url: value };
  }
  throw new Error(
    `unknown store "${redact(value)}": use "sqlite" or a postgres://USER@HOST:PORT/DATABASE URL`,
  );
}

export async function openStore(choice: StoreChoice): Promise<Store> {
  return choice.kind === 'sqlite' ? openSqliteStore(choice.dataDir) : openPostgresStore(choice.url);
}

/** Where the store is, for messages: the password of a URL is never printed. */
export function describeStore(choice: StoreChoice): string {
  return choice.kind === 'sqlite' ? `SQLite in ${choice.dataDir}` : `PostgreSQL at ${redact(choice.url)}`;
}

function redact(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/:[^:@/]*@/, ':***@');
  }
}
