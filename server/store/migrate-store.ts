/**
 * `lifeline migrate`'s work: brings the chosen store's schema up to date and says from which
 * version to which. Servers migrate when they open the store too; running this first lets a
 * deployment upgrade its schema once, before it rolls the nodes.
 */
import { migratePostgres, postgresSchemaVersion } from './postgres/migrate';
import { createPool } from './postgres/pg-pool';
import type { StoreChoice } from './open-store';
import { MIGRATIONS } from './sqlite/migrations';
import { migrate, openDatabase, schemaVersion } from './sqlite/open-database';

export interface MigrationReport {
  before: number;
  after: number;
}

export async function migrateStore(choice: StoreChoice): Promise<MigrationReport> {
  if (choice.kind === 'sqlite') {
    const db = openDatabase(choice.dataDir, []);
    try {
      const before = schemaVersion(db);
      migrate(db, MIGRATIONS);
      return { before, after: schemaVersion(db) };
    } finally {
      db.close();
    }
  }
  const pool = createPool(choice.url);
  try {
    const exists = await pool.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations') AS t`);
    const before = exists.rows[0]?.t ? await postgresSchemaVersion(pool) : 0;
    await migratePostgres(pool);
    return { before, after: await postgresSchemaVersion(pool) };
  } finally {
    await pool.end();
  }
}
