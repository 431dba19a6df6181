/**
 * One node of a test deployment: a real in-process server on the shared PostgreSQL store and the
 * Redis bus, with its own data folder holding the join-code key every node shares (as
 * docs/deployment.md asks of a real deployment), short presence timings so a test need not wait.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOIN_CODE_KEY_BYTES, JOIN_CODE_KEY_FILE } from '../../server/screen/join-code-key';
import type { StartOptions } from '../../server/app';
import type { ServerConfig } from '../../server/config';
import { startPostgres } from './postgres';
import { startRedis } from './redis';
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

/** A test deployment of two nodes, node-a and node-b, on a fresh database of a real PostgreSQL and a real Redis. */
export interface TwoNodes {
  place: ClusterPlace;
  a: TestServer;
  b: TestServer;
  /** Stops the nodes (a node the test stopped already is left alone), Redis and PostgreSQL. */
  stop(): Promise<void>;
}

export async function startTwoNodes(): Promise<TwoNodes> {
  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const nodes: TestServer[] = [];
  const stop = async () => {
    for (const node of nodes) await node.stop();
    await redis.stop();
    await pg.stop();
  };
  try {
    const place: ClusterPlace = {
      storeUrl: await pg.createDatabase(),
      busUrl: redis.url,
      joinKey: randomBytes(JOIN_CODE_KEY_BYTES),
    };
    for (const id of ['node-a', 'node-b']) nodes.push(stoppedOnce(await startClusterNode(place, id)));
    return { place, a: nodes[0]!, b: nodes[1]!, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A second stop of the node does nothing (a test may stop a node to see the other carry on). */
function stoppedOnce(node: TestServer): TestServer {
  const first = node.stop.bind(node);
  let stopping: Promise<void> | null = null;
  node.stop = (keepData?: boolean) => (stopping ??= first(keepData));
  return node;
}
