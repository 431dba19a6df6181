// The tickets that bind a helper download to one request, on the SQLite store (the embedded
// default); postgres-store.test.ts runs the same suite on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../server/store/sqlite/sqlite-store';
import { describeDownloadTicketConformance } from '../store/download-ticket-conformance';

describeDownloadTicketConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-tickets-'));
  const store = openSqliteStore(dir);
  return {
    store,
    // A second connection to the same file, as a second process would have.
    openPeer: async () => openSqliteStore(dir),
    async exec() {
      throw new Error('not used by this suite');
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
