/** The SQLite store (the embedded default) against the store conformance suite. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../server/store/sqlite/sqlite-store';
import { describeStoreConformance } from './store-conformance';

describeStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-store-'));
  const store = openSqliteStore(dir);
  return {
    store,
    // A second connection to the same file, as the CLI has while the server runs.
    openPeer: async () => openSqliteStore(dir),
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
