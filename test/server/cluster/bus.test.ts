/**
 * The bus between nodes on a real Redis 7: a message published on one node reaches the
 * subscribers of every node, rebuilt through its topic's schema; a malformed message (wrong
 * shape, not JSON) is dropped with a warning and the bus goes on. LocalBus keeps the same
 * contract in one process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { LocalBus, RedisBus, topic } from '../../../server/cluster/bus';
import { connectRedis } from '../../../server/cluster/redis-client';
import type { Log } from '../../../server/log';
import { startRedis, type RedisServer } from '../../support/redis';

const ended = topic(
  'session.ended',
  z.object({ sessionId: z.string().max(64), by: z.enum(['customer', 'agent', 'system']) }),
);

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

function recordingLog() {
  const warnings: unknown[] = [];
  const log: Log = { debug() {}, info() {}, warn: (e, f) => void warnings.push([e, f]), error() {} };
  return { log, warnings };
}

function redisBus(log: Log) {
  return new RedisBus(connectRedis(redis.url, 'pub'), connectRedis(redis.url, 'sub'), log);
}

function until(pred: () => boolean, ms = 5000) {
  const start = Date.now();
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (pred()) resolve();
      else if (Date.now() - start > ms) reject(new Error('timed out'));
      else setTimeout(check, 10);
    };
    check();
  });
}

describe('bus on Redis', () => {
  it('delivers a message from one node to the subscribers of every node, in order', async () => {
    const { log } = recordingLog();
    const [a, b, c] = [redisBus(log), redisBus(log), redisBus(log)];
    const heard: Record<string, string[]> = { a: [], b: [], c: [] };
    a.subscribe(ended, (m) => heard.a!.push(m.sessionId));
    b.subscribe(ended, (m) => heard.b!.push(m.sessionId));
    c.subscribe(ended, (m) => heard.c!.push(m.sessionId));
    await Promise.all([a.ready(), b.ready(), c.ready()]);
    for (let i = 0; i < 20; i++) await a.publish(ended, { sessionId: `s${i}`, by: 'agent' });
    const expected = Array.from({ length: 20 }, (_, i) => `s${i}`);
    await until(() => Object.values(heard).every((h) => h.length === 20));
    expect(heard).toEqual({ a: expected, b: expected, c: expected });
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('drops messages that do not match the topic, with a warning, and goes on', async () => {
    const { log, warnings } = recordingLog();
    const a = redisBus(log);
    const heard: unknown[] = [];
    a.subscribe(ended, (m) => heard.push(m));
    await a.ready();
    const raw = connectRedis(redis.url, 'raw');
    await raw.publish('lifeline:bus:session.ended', 'not json');
    await raw.publish('lifeline:bus:session.ended', JSON.stringify({ sessionId: 'x', by: 'nobody' }));
    await raw.publish(
      'lifeline:bus:session.ended',
      JSON.stringify({ sessionId: 'ok', by: 'system', extra: 'dropped' }),
    );
    await until(() => heard.length === 1);
    expect(heard).toEqual([{ sessionId: 'ok', by: 'system' }]);
    expect(warnings.map((w) => (w as [string])[0])).toEqual(['bus_message_refused', 'bus_message_refused']);
    raw.disconnect();
    await a.close();
  });

  it('stops delivering to a handler once it unsubscribed', async () => {
    const { log } = recordingLog();
    const a = redisBus(log);
    const heard: string[] = [];
    const stop = a.subscribe(ended, (m) => heard.push(m.sessionId));
    const keep: string[] = [];
    a.subscribe(ended, (m) => keep.push(m.sessionId));
    await a.ready();
    await a.publish(ended, { sessionId: 'one', by: 'agent' });
    await until(() => heard.length === 1 && keep.length === 1);
    stop();
    await a.publish(ended, { sessionId: 'two', by: 'agent' });
    await until(() => keep.length === 2);
    expect(heard).toEqual(['one']);
    await a.close();
  });
});

describe('local bus', () => {
  it('delivers to its own subscribers asynchronously (never inside publish), as Redis does', async () => {
    const { log } = recordingLog();
    const bus = new LocalBus(log);
    const heard: unknown[] = [];
    bus.subscribe(ended, (m) => heard.push(m));
    const published = bus.publish(ended, { sessionId: 's', by: 'customer' });
    expect(heard).toEqual([]);
    await published;
    await Promise.resolve();
    expect(heard).toEqual([{ sessionId: 's', by: 'customer' }]);
  });
});
