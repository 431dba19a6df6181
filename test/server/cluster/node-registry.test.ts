/**
 * Node ids and advertised addresses on a real Redis 7: a second live process with a node id
 * already running is refused at start (DuplicateNodeError, whatever the order of the starts);
 * the key a killed process leaves behind is taken over after one refresh period without waiting
 * its TTL; addresses are found while a node lives, and gone once it stops or dies.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateNodeError, NodeRegistry } from '../../../server/cluster/node-registry';
import { connectRedis } from '../../../server/cluster/redis-client';
import { startRedis, type RedisServer } from '../../support/redis';

/** Short timings: a killed node's key lapses in 1.5 s; a start watches 0.5 s for a beat. */
const TIMINGS = { ttlMs: 1_500, refreshMs: 150, staleCheckMs: 400 };

let redis: RedisServer;
const clients: Redis[] = [];
const live: NodeRegistry[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(live.splice(0).map((r) => r.close()));
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  await redis?.stop();
});

function process_(id: string, timings = TIMINGS): { registry: NodeRegistry; kill(): void } {
  const client = connectRedis(redis.url, id);
  clients.push(client);
  const registry = new NodeRegistry(client, id, timings);
  live.push(registry);
  return {
    registry,
    // kill -9: the process stops talking to Redis and never says goodbye.
    kill: () => {
      client.disconnect();
      live.splice(live.indexOf(registry), 1);
    },
  };
}

describe('node registry on Redis', () => {
  it('refuses a second live process with the same node id, and finds the first one by its address', async () => {
    const first = process_('node-1');
    await first.registry.register();
    await first.registry.advertise('http://10.0.0.1:8200');
    const second = process_('node-1');
    await expect(second.registry.register()).rejects.toBeInstanceOf(DuplicateNodeError);
    await expect(second.registry.register()).rejects.toThrow(
      'another running node already uses --node-id node-1',
    );
    // The refused start changed nothing: the first node is still found where it is.
    expect(await second.registry.addressOf('node-1')).toBe('http://10.0.0.1:8200');
    const other = process_('node-2');
    await other.registry.register();
    expect(await other.registry.addressOf('node-1')).toBe('http://10.0.0.1:8200');
    expect(await other.registry.addressOf('node-9')).toBeNull();
  });

  it('takes over the id a killed process left behind after one refresh period, well before its TTL', async () => {
    // A TTL longer than the test: the restart can only succeed by taking the stale key over.
    const long = { ...TIMINGS, ttlMs: 120_000 };
    const first = process_('node-k', long);
    await first.registry.register();
    await first.registry.advertise('http://10.0.0.2:8200');
    first.kill();
    const restarted = process_('node-k', long);
    await restarted.registry.register();
    await restarted.registry.advertise('http://10.0.0.3:8200');
    expect(await restarted.registry.addressOf('node-k')).toBe('http://10.0.0.3:8200');
  });

  it("forgets a node's address when it stops, and when it dies (after the TTL)", async () => {
    const observer = process_('observer');
    await observer.registry.register();
    const stopping = process_('node-s');
    await stopping.registry.register();
    await stopping.registry.advertise('http://10.0.0.4:8200');
    await stopping.registry.close();
    live.splice(live.indexOf(stopping.registry), 1);
    expect(await observer.registry.addressOf('node-s')).toBeNull();

    const dying = process_('node-d');
    await dying.registry.register();
    await dying.registry.advertise('http://10.0.0.5:8200');
    dying.kill();
    expect(await observer.registry.addressOf('node-d')).toBe('http://10.0.0.5:8200');
    await new Promise((r) => setTimeout(r, TIMINGS.ttlMs + 200));
    expect(await observer.registry.addressOf('node-d')).toBeNull();
  });
});
