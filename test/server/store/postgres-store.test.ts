/**
 * The PostgreSQL store against the store conformance suite, on a real PostgreSQL 15 started for
 * this file (test/support/postgres.ts): each test gets a schema of its own; the peer is a
 * second pool (another node).
 */
import { afterAll, beforeAll } from 'vitest';
import { openPostgresStore } from '../../../server/store/postgres/postgres-store';
import { startPostgres, type PostgresServer } from '../../support/postgres';
import { describeStoreConformance } from './store-conformance';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describeStoreConformance('postgres', async () => {
  const url = await server.createSchema();
  const store = await openPostgresStore(url);
  return {
    store,
    openPeer: () => openPostgresStore(url),
    async dispose() {
      await store.close();
    },
  };
});
