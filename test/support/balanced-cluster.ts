/**
 * A help desk of several real `lifeline serve --store postgres://... --bus redis://... --node-id`
 * processes on one real PostgreSQL 15 and one real Redis 7, behind one real HAProxy configured
 * from docs/deployment.md's ```haproxy block (TLS terminated there, the nodes' addresses put in
 * its `server` lines). Clients use only the balancer's public URL; which node took a socket or a
 * request is read from the `X-Lifeline-Node` header the documented configuration adds (the
 * `server` name, here also the node's `--node-id`). A node killed with -9 is restarted on the
 * same port and id, as a supervisor (systemd) would, so the balancer's `server` line finds it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOIN_CODE_KEY_BYTES, JOIN_CODE_KEY_FILE } from '../../server/screen/join-code-key';
import { startServeProcess, type ServeProcess } from '../security/serve-process';
import { freePort } from './free-port';
import { startHaproxy, type Haproxy } from './haproxy';
import {
  certificatePem,
  documentedHaproxyConfig,
  documentedServerNames,
  serverStates,
} from './haproxy-config';
import { until } from './polling';
import { startPostgres, type PostgresServer } from './postgres';
import { startRedis, type RedisServer } from './redis';
import { startTestServer, type TestServer } from './test-server';
import { TestWsClient } from './ws-client';

/** The documented backend's name. */
const BACKEND = 'lifeline_nodes';
/** The header the documented configuration adds, naming the `server` that answered. */
export const NODE_HEADER = 'x-lifeline-node';
/** How long HAProxy's health check may take to mark a node up or down, in ms (inter 2s, rise/fall 2). */
export const HEALTH_CHECK_MS = 30_000;

export interface BalancedCluster {
  publicUrl: string;
  wsUrl: string;
  storeUrl: string;
  redisUrl: string;
  /** Node ids, the same as the documented `server` names (node1, node2, ...). */
  ids: string[];
  /** The node a socket reached through the balancer. */
  nodeOf(client: TestWsClient): string;
  /** Opens a socket through the balancer (with the public URL as Origin unless `origin` is false). */
  connect(origin?: boolean): Promise<TestWsClient>;
  /** An HTTP request through the balancer: status, JSON body and the node that answered. */
  http(
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown>; node: string }>;
  /**
   * A node's own /api/v1/status, asked at its address as the balancer's health check and a
   * monitor do (clients never use this address).
   */
  nodeStatus(id: string): Promise<Record<string, unknown>>;
  /** Every documented server's state in HAProxy (UP, DOWN, ...). */
  states(): Promise<Map<string, string>>;
  /** Waits until HAProxy holds `id` in `state` (bounded, naming the last states seen). */
  waitState(id: string, state: 'UP' | 'DOWN'): Promise<void>;
  kill9(id: string): Promise<void>;
  restart(id: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL, Redis, `nodes` serve processes and HAProxy in front of them. `prepare` runs
 * in an in-process server on the same database (accounts, portals) while the nodes start, and
 * that server stops before HAProxy starts (it is not one of the nodes).
 */
export async function startBalancedCluster(
  nodes: number,
  prepare: (admin: TestServer) => Promise<void>,
): Promise<BalancedCluster> {
  const ids = documentedServerNames().slice(0, nodes);
  if (ids.length < nodes) throw new Error(`docs/deployment.md's haproxy block names ${ids.length} servers`);
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-balanced-'));
  const joinKey = randomBytes(JOIN_CODE_KEY_BYTES);
  const [pg, redis]: [PostgresServer, RedisServer] = await Promise.all([startPostgres(), startRedis()]);
  const running = new Map<string, ServeProcess>();
  let haproxy: Haproxy | undefined;
  const stop = async () => {
    await haproxy?.stop();
    await Promise.all([...running.values()].map((node) => node.stop()));
    await redis.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const storeUrl = await pg.createDatabase();
    // Migrates the database before any node starts; accounts are made while the nodes start.
    const admin = await startTestServer({ store: storeUrl });
    const prepared = prepare(admin).finally(() => admin.stop());
    // Distinct free ports: the balancer's, then one per node (kept across the node's restarts).
    const taken = new Set<number>();
    while (taken.size < ids.length + 1) taken.add(await freePort());
    const [port, ...nodePortList] = [...taken];
    const publicUrl = `https://127.0.0.1:${port!}`;
    const ports = new Map(ids.map((id, i) => [id, nodePortList[i]!]));
    const start = async (id: string) => {
      const args = ['--store', storeUrl, '--bus', redis.url, '--node-id', id, '--public-url', publicUrl];
      const node = await startServeProcess(
        [...args, '--trust-proxy', '127.0.0.1'],
        async (data) => writeFileSync(join(data, JOIN_CODE_KEY_FILE), joinKey, { mode: 0o600 }),
        ports.get(id),
      );
      running.set(id, node);
    };
    await Promise.all([prepared, ...ids.map(start)]);
    const adminSocket = join(dir, 'haproxy.sock');
    const pem = certificatePem(dir);
    const nodePorts = ids.map((id) => ports.get(id)!);
    haproxy = await startHaproxy(
      documentedHaproxyConfig({ port: port!, pem, nodePorts, adminSocket }),
      port!,
    );
    const states = () => serverStates(adminSocket, BACKEND);
    const waitState = async (id: string, state: 'UP' | 'DOWN') => {
      let last = new Map<string, string>();
      await until(
        `HAProxy holding ${id} ${state}`,
        async () => (last = await states()).get(id) === state,
        HEALTH_CHECK_MS,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; last states: ${JSON.stringify([...last])}`);
      });
    };
    for (const id of ids) await waitState(id, 'UP');

    const cluster: BalancedCluster = {
      publicUrl,
      wsUrl: `wss://127.0.0.1:${port!}/ws`,
      storeUrl,
      redisUrl: redis.url,
      ids,
      nodeOf(client) {
        const node = client.upgradeHeaders[NODE_HEADER];
        if (typeof node !== 'string') throw new Error(`no ${NODE_HEADER} header on the upgrade`);
        return node;
      },
      connect(origin = true) {
        return TestWsClient.connect(cluster.wsUrl, origin ? publicUrl : undefined, {
          rejectUnauthorized: false,
        });
      },
      http(path, body) {
        return new Promise((resolve, reject) => {
          const req = request(
            `${publicUrl}${path}`,
            {
              method: body === undefined ? 'GET' : 'POST',
              rejectUnauthorized: false,
              headers: body === undefined ? {} : { 'content-type': 'application/json' },
            },
            (res) => {
              let text = '';
              res.on('data', (d: Buffer) => (text += d.toString()));
              res.on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
                  node: String(res.headers[NODE_HEADER]),
                }),
              );
            },
          );
          req.on('error', reject);
          req.end(body === undefined ? undefined : JSON.stringify(body));
        });
      },
      async nodeStatus(id) {
        const res = await fetch(`http://127.0.0.1:${ports.get(id)!}/api/v1/status`);
        return (await res.json()) as Record<string, unknown>;
      },
      states,
      waitState,
      async kill9(id) {
        const node = running.get(id);
        if (!node) throw new Error(`${id} is not running`);
        const gone = new Promise((r) => node.child.once('exit', r));
        process.kill(node.pid, 'SIGKILL');
        await gone;
        running.delete(id);
        rmSync(node.dataDir, { recursive: true, force: true, maxRetries: 5 });
      },
      restart: start,
      stop,
    };
    return cluster;
  } catch (err) {
    await stop();
    throw err;
  }
}
