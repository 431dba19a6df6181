/**
 * The ephemeral store conformance suite (ephemeral-conformance.ts) on the in-memory reference and
 * the SQLite one the server uses by default. PostgreSQL runs it in postgres-store.test.ts, Redis
 * in redis-ephemeral-store.test.ts (each with its real engine).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { MemoryEphemeralStore } from '../../../server/store/memory-ephemeral-store';
import { openSqliteStore } from '../../../server/store/sqlite/sqlite-store';
import type { Store } from '../../../server/store/store';
import { describeEphemeralConformance } from './ephemeral-conformance';

const opened: Store[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describeEphemeralConformance('memory', async () => new MemoryEphemeralStore());
describeEphemeralConformance('sqlite', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-eph-'));
  dirs.push(dir);
  const store = openSqliteStore(dir);
  opened.push(store);
  return store.ephemeral;
});
