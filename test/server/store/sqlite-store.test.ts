/** The SQLite store (the embedded default) against the store and manage store conformance suites. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../../server/store/sqlite/open-database';
import { openSqliteStore } from '../../../server/store/sqlite/sqlite-store';
import { describeManageConformance } from './manage-conformance';
import { describeStoreConformance, type StoreUnderTest } from './store-conformance';

async function open(): Promise<StoreUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-store-'));
  const store = openSqliteStore(dir);
  return {
    store,
    // A second connection to the same file, as the CLI has while the server runs.
    openPeer: async () => openSqliteStore(dir),
    async exec(sql) {
      const db = new Database(join(dir, DATABASE_FILE));
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeStoreConformance('sqlite', open);
describeManageConformance('sqlite', open);
