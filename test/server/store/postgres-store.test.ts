/**
 * The PostgreSQL store against the store, manage store, download ticket and ephemeral store
 * conformance suites,
 * on a real PostgreSQL 15 started for this file (test/support/postgres.ts): each test gets a
 * schema of its own; the peer is a second pool (another node).
 */
import { afterAll, beforeAll } from 'vitest';
import { createPool } from '../../../server/store/postgres/pg-pool';
import { openPostgresStore } from '../../../server/store/postgres/postgres-store';
import type { Store } from '../../../server/store/store';
import { startPostgres, type PostgresServer } from '../../support/postgres';
import { describeDownloadTicketConformance } from './download-ticket-conformance';
import { describeEphemeralConformance } from './ephemeral-conformance';
import { describeManageConformance } from './manage-conformance';
import { describeStoreConformance, type StoreUnderTest } from './store-conformance';

let server: PostgresServer;
const opened: Store[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const s of opened) await s.close();
  await server?.stop();
});

async function open(): Promise<StoreUnderTest> {
  const url = await server.createSchema();
  const store = await openPostgresStore(url);
  return {
    store,
    openPeer: () => openPostgresStore(url),
    async exec(sql) {
      const pool = createPool(url);
      try {
        await pool.query(sql);
      } finally {
        await pool.end();
      }
    },
    async dispose() {
      await store.close();
    },
  };
}

describeStoreConformance('postgres', open);
describeManageConformance('postgres', open);
describeDownloadTicketConformance('postgres', open);
describeEphemeralConformance('postgres', async () => {
  const store = await openPostgresStore(await server.createSchema());
  opened.push(store);
  return store.ephemeral;
});
