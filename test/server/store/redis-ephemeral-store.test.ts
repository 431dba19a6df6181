/**
 * The Redis ephemeral store (server/cluster/redis-ephemeral-store.ts: join codes and resume tokens
 * shared by several nodes) against the ephemeral store conformance suite, on a real Redis 7
 * started for this file. Times start from now: Redis's own clock drops entries expired long ago
 * (EXPIRED_KEPT_MS).
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { connectRedis } from '../../../server/cluster/redis-client';
import { redisEphemeralStore } from '../../../server/cluster/redis-ephemeral-store';
import { startRedis, type RedisServer } from '../../support/redis';
import { describeEphemeralConformance } from './ephemeral-conformance';

let redisServer: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  redisServer = await startRedis();
}, 60_000);
afterAll(async () => {
  for (const r of clients) r.disconnect();
  await redisServer?.stop();
});

let db = 0;
describeEphemeralConformance(
  'redis',
  async () => {
    // A database of its own per test (Redis has 16): no key from another test is seen.
    const client = connectRedis(`${redisServer.url}/${++db % 16}`, 'test');
    clients.push(client);
    await client.flushdb();
    return redisEphemeralStore(client);
  },
  () => Date.now(),
);
