/**
 * The presence directory on a real Redis 7, two nodes in one process: an agent who connects on
 * node A while node B's refresh is reading Redis must be online in B's view once that refresh
 * ends. B's refresh read A's hash before the agent was in it; the bus told B of the agent while
 * the refresh was still reading. Applying the refresh's older read over the newer bus message
 * left the agent offline on B until the next refresh (5 s), and B's pushes skipped them: the
 * race two-nodes' "exactly one of the agents racing" once lost a queue.removed to.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../../../server/cluster/bus';
import { PresenceDirectory } from '../../../server/cluster/presence-directory';
import { connectRedis } from '../../../server/cluster/redis-client';
import type { Log } from '../../../server/log';
import { Presence, type AgentLink } from '../../../server/presence/presence';
import type { Connection } from '../../../server/ws/connection';
import { until } from '../../support/polling';
import { startRedis, type RedisServer } from '../../support/redis';

/** Long enough that only the refreshes the test starts run. */
const NO_TIMED_REFRESH = { presenceTtlMs: 600_000, presenceRefreshMs: 600_000 };

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

let redis: RedisServer;
const clients: Redis[] = [];
const directories: PresenceDirectory[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const d of directories) await d.close();
  for (const c of clients) c.disconnect();
  await redis?.stop();
});

function client(name: string): Redis {
  const c = connectRedis(redis.url, name);
  clients.push(c);
  return c;
}

function node(
  id: string,
  data: Redis = client(`${id}-data`),
): { presence: Presence; directory: PresenceDirectory } {
  const presence = new Presence();
  const bus = new RedisBus(client(`${id}-pub`), client(`${id}-sub`), quiet);
  const directory = new PresenceDirectory(presence, bus, data, id, quiet, NO_TIMED_REFRESH);
  directories.push(directory);
  return { presence, directory };
}

function link(userId: string): AgentLink {
  const conn = { sendText() {} } as unknown as Connection;
  return { conn, userId, loginId: `${userId}-login` };
}

describe('presence directory on Redis', () => {
  it('keeps an agent who connected elsewhere during a refresh online once the refresh ends', async () => {
    const a = node('node-a');
    await a.directory.start();
    // Someone already on A, so B's refresh has A's hash to read.
    a.presence.add(link('early'));
    const probe = client('probe');
    await until("A's hash holds the first agent", () => probe.hget('lifeline:presence:node-a', 'early'));

    // B's refresh reads A's hash, then is held until the bus has told B of the newcomer.
    const data = client('node-b-data');
    const read = data.hgetall.bind(data);
    let heldRead: (() => void) | null = null;
    const released = new Promise<void>((resolve) => (heldRead = resolve));
    let readsOfA = 0;
    data.hgetall = (async (key: string) => {
      const answer = await read(key);
      if (key === 'lifeline:presence:node-a' && readsOfA++ === 0) await released;
      return answer;
    }) as typeof data.hgetall;
    const b = node('node-b', data);
    const started = b.directory.start();
    await until("B's refresh has read A's hash", () => readsOfA === 1);

    a.presence.add(link('newcomer'));
    await until('the bus told B of the newcomer', () => b.presence.isOnline('newcomer'));
    heldRead!();
    await started;

    expect(b.presence.isOnline('early')).toBe(true);
    expect(b.presence.isOnline('newcomer')).toBe(true);
    expect(b.presence.stateOf('newcomer')).toBe('available');
  });
});
