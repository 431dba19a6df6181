/**
 * Session ownership on a real Redis 7: one owner per session however many nodes claim it at
 * once, renewals keep a lease, a node that stops renewing (killed) loses it within the TTL and
 * another node takes over, and nobody releases or renews a lease that is not theirs.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../../server/cluster/redis-client';
import { RedisSessionLeases } from '../../../server/cluster/session-leases';
import { startRedis, type RedisServer } from '../../support/redis';

/** Short timings so a lapse takes a fraction of a second, not LEASE_TTL_MS. */
const TTL_MS = 600;
const RENEW_MS = 150;

let redis: RedisServer;
const clients: Redis[] = [];
const leases: RedisSessionLeases[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(leases.splice(0).map((l) => l.close()));
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  await redis?.stop();
});

function node(id: string) {
  const client = connectRedis(redis.url, id);
  clients.push(client);
  const l = new RedisSessionLeases(client, id, TTL_MS, RENEW_MS);
  leases.push(l);
  return l;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('session leases on Redis', () => {
  it('gives each session exactly one owner when three nodes claim 100 sessions at once', async () => {
    const nodes = [node('a'), node('b'), node('c')];
    const sessions = Array.from({ length: 100 }, (_, i) => `s-${i}`);
    const answers = await Promise.all(
      sessions.flatMap((s) => nodes.map((n) => n.claim(s).then((owner) => ({ s, owner })))),
    );
    for (const s of sessions) {
      const owners = new Set(answers.filter((a) => a.s === s).map((a) => a.owner));
      expect(owners.size).toBe(1);
    }
    const held = nodes.flatMap((n) => n.held());
    expect(held.sort()).toEqual([...sessions].sort());
    // A claim of a session one already owns answers the same owner.
    expect(await nodes[0]!.claim('s-1')).toBe(await nodes[1]!.owner('s-1'));
  });

  it('keeps a lease while its node renews it, well past the TTL', async () => {
    const a = node('a');
    const b = node('b');
    expect(await a.claim('kept')).toBe('a');
    await sleep(TTL_MS * 3);
    expect(await b.claim('kept')).toBe('a');
  });

  it('lets another node take a session over once its owner stops renewing (killed)', async () => {
    const a = node('a');
    const b = node('b');
    expect(await a.claim('moved')).toBe('a');
    // Simulates kill -9: the owner's connection drops without releasing anything.
    clients[0]!.disconnect();
    const lost: string[] = [];
    a.onLost((id) => lost.push(id));
    const start = Date.now();
    while ((await b.claim('moved')) !== 'b') await sleep(50);
    expect(Date.now() - start).toBeLessThan(TTL_MS + 1000);
    expect(await b.owner('moved')).toBe('b');
  });

  it('gives a session back at release, and never releases or renews a lease held by another node', async () => {
    const a = node('a');
    const b = node('b');
    await a.claim('x');
    await b.release('x');
    expect(await b.owner('x')).toBe('a');
    await a.release('x');
    expect(await a.owner('x')).toBeNull();
    expect(await b.claim('x')).toBe('b');
    // a no longer believes it holds x: its renewals leave b's lease alone.
    await sleep(TTL_MS * 2);
    expect(await a.owner('x')).toBe('b');
  });

  it('tells a node when a lease it held passed to another node', async () => {
    const a = node('a');
    const b = node('b');
    const lost: string[] = [];
    a.onLost((id) => lost.push(id));
    await a.claim('stolen');
    // The lease is overwritten behind a's back (an operator, or a lapse during a long pause).
    await clients[1]!.set('lifeline:lease:stolen', 'b', 'PX', TTL_MS);
    await sleep(RENEW_MS * 3);
    expect(lost).toEqual(['stolen']);
    expect(a.held()).toEqual([]);
    expect(await b.owner('stolen')).toBe('b');
  });
});
