/**
 * One node of a test deployment: a real in-process server on the shared PostgreSQL store and the
 * Redis bus, with its own data folder holding the join-code key every node shares (as
 * docs/deployment.md asks of a real deployment), short presence timings so a test need not wait.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOIN_CODE_KEY_FILE } from '../../server/screen/join-code-key';
import type { StartOptions } from '../../server/app';
import type { ServerConfig } from '../../server/config';
import { makeDataDir, startTestServer, type TestServer } from './test-server';

export interface ClusterPlace {
  storeUrl: string;
  busUrl: string;
  joinKey: Buffer;
}

export async function startClusterNode(
  place: ClusterPlace,
  nodeId: string,
  overrides: Partial<ServerConfig> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const dataDir = makeDataDir();
  writeFileSync(join(dataDir, JOIN_CODE_KEY_FILE), place.joinKey, { mode: 0o600 });
  return startTestServer(
    { store: place.storeUrl, bus: place.busUrl, nodeId, dataDir, ...overrides },
    { presence: { presenceTtlMs: 1_500, presenceRefreshMs: 300 }, ...options },
  );
}
