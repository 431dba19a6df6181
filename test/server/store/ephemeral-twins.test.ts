/**
 * The PostgreSQL and Redis implementations of the ephemeral store (join codes and resume tokens,
 * hashed, with expiry) and PostgreSQL's screen grants, on real PostgreSQL 15 and Redis 7, held to
 * the contract of the SQLite store's (expired told apart from absent, claim-if-free, single-use
 * take under parallel takers, per-space listing and counting, sweeping).
 */
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../../server/cluster/redis-client';
import { redisEphemeralStore } from '../../../server/cluster/redis-ephemeral-store';
import {
  EPHEMERAL_TABLES_SQL,
  postgresEphemeralStore,
  postgresScreenGrantRepo,
} from '../../../server/store/postgres/ephemeral-repos';
import { createPool } from '../../../server/store/postgres/pg-pool';
import { openPostgresStore } from '../../../server/store/postgres/postgres-store';
import { startPostgres, type PostgresServer } from '../../support/postgres';
import { startRedis, type RedisServer } from '../../support/redis';

let postgres: PostgresServer;
let redisServer: RedisServer;
const pools: pg.Pool[] = [];
const redisClients: Redis[] = [];

beforeAll(async () => {
  [postgres, redisServer] = await Promise.all([startPostgres(), startRedis()]);
}, 60_000);
afterAll(async () => {
  for (const p of pools) await p.end();
  for (const r of redisClients) r.disconnect();
  await Promise.all([postgres?.stop(), redisServer?.stop()]);
});

async function pgPool(): Promise<pg.Pool> {
  const url = await postgres.createSchema();
  await (await openPostgresStore(url)).close();
  const pool = createPool(url);
  pools.push(pool);
  await pool.query(EPHEMERAL_TABLES_SQL);
  return pool;
}

let redisDb = 0;
async function redisStore() {
  // A database of its own per test (Redis has 16): no key from another test is seen.
  const client = connectRedis(`${redisServer.url}/${++redisDb % 16}`, 'test');
  redisClients.push(client);
  await client.flushdb();
  return redisEphemeralStore(client);
}

type Ephemeral = ReturnType<typeof redisEphemeralStore> | ReturnType<typeof postgresEphemeralStore>;
const IMPLEMENTATIONS: [string, () => Promise<Ephemeral>][] = [
  ['postgres', async () => postgresEphemeralStore(await pgPool())],
  ['redis', redisStore],
];

describe.each(IMPLEMENTATIONS)('ephemeral store (%s)', (_name, make) => {
  it('puts, gets, replaces and deletes, each space apart', async () => {
    const s = await make();
    // Real times: Redis's own clock drops entries expired long ago (EXPIRED_KEPT_MS).
    const t = Date.now() + 60_000;
    await s.put('resume', 'k', 'v1', t);
    await s.put('resume_of', 'k', 'other', null);
    expect(await s.get('resume', 'k')).toEqual({ value: 'v1', expiresAt: t });
    await s.put('resume', 'k', 'v2', null);
    expect(await s.get('resume', 'k')).toEqual({ value: 'v2', expiresAt: null });
    expect(await s.get('resume_of', 'k')).toEqual({ value: 'other', expiresAt: null });
    await s.delete('resume', 'k');
    expect(await s.get('resume', 'k')).toBeNull();
    expect(await s.get('resume_of', 'k')).not.toBeNull();
  });

  it('returns an expired entry with its expiry (expired is not absent) until swept', async () => {
    const s = await make();
    const t = Date.now();
    await s.put('join_code', 'h', 's1', t + 50);
    await s.put('join_code', 'forever', 's2', null);
    expect(await s.get('join_code', 'h')).toEqual({ value: 's1', expiresAt: t + 50 });
    expect(await s.count('join_code', t + 49)).toBe(2);
    expect(await s.count('join_code', t + 50)).toBe(1);
    await s.sweep(t + 49);
    expect(await s.get('join_code', 'h')).not.toBeNull();
    await s.sweep(t + 50);
    expect(await s.get('join_code', 'h')).toBeNull();
    expect(await s.get('join_code', 'forever')).not.toBeNull();
  });

  it('adds only when the key is free or expired', async () => {
    const s = await make();
    const t = Date.now();
    expect(await s.add('join_code', 'h', 's1', t + 100, t)).toBe(true);
    expect(await s.add('join_code', 'h', 's2', t + 200, t + 99)).toBe(false);
    expect((await s.get('join_code', 'h'))!.value).toBe('s1');
    expect(await s.add('join_code', 'h', 's3', t + 300, t + 100)).toBe(true);
    expect(await s.get('join_code', 'h')).toEqual({ value: 's3', expiresAt: t + 300 });
    await s.put('resume', 'x', 'y', null);
    expect(await s.add('resume', 'x', 'z', null, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('claims a fresh key for exactly one of 50 parallel adds', async () => {
    const s = await make();
    const t = Date.now();
    const won = await Promise.all(
      Array.from({ length: 50 }, (_, i) => s.add('join_code', 'race', `s${i}`, t + 60_000, t)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('takes once: of many takers at the same time, exactly one gets the entry', async () => {
    const s = await make();
    const t = Date.now() + 60_000;
    await s.put('join_code', 'h', 's1', t);
    const got = await Promise.all(Array.from({ length: 20 }, () => s.take('join_code', 'h')));
    expect(got.filter((g) => g !== null)).toEqual([{ value: 's1', expiresAt: t }]);
    expect(await s.get('join_code', 'h')).toBeNull();
    expect(await s.count('join_code', 0)).toBe(0);
  });

  it('lists the entries of one space', async () => {
    const s = await make();
    const t = Date.now() + 5;
    await s.put('resume_of', 'a', '1', null);
    await s.put('resume_of', 'b', '2', t);
    await s.put('resume', 'c', '3', null);
    const listed = (await s.entries('resume_of')).sort((x, y) => x.key.localeCompare(y.key));
    expect(listed).toEqual([
      { key: 'a', entry: { value: '1', expiresAt: null } },
      { key: 'b', entry: { value: '2', expiresAt: t } },
    ]);
  });
});

describe('screen grants (postgres)', () => {
  it('keeps the last grants per session, replaces and clears them, and grants nothing from a damaged row', async () => {
    const pool = await pgPool();
    await pool.query(`INSERT INTO portals (slug, name, created_at) VALUES ('p', 'P', 1)`);
    await pool.query(
      `INSERT INTO sessions (id, portal_slug, customer_name, problem, request_token_hash, state, screen, created_at, queued_at)
       VALUES ('s1', 'p', 'C', 'x', 'h1', 'accepted', 'none', 1, 1), ('s2', 'p', 'C', 'x', 'h2', 'accepted', 'none', 1, 1)`,
    );
    const grants = postgresScreenGrantRepo(pool);
    const all = { view: true, control: true, clipboard: true, files: true, reboot: false };
    expect(await grants.get('s1')).toBeNull();
    await grants.set('s1', all, 10);
    await grants.set('s1', { ...all, control: false }, 11);
    expect(await grants.get('s1')).toEqual({ ...all, control: false });
    await grants.clear('s1');
    expect(await grants.get('s1')).toBeNull();
    await pool.query(
      `INSERT INTO screen_grants (session_id, grants, updated_at) VALUES ('s2', '{"view": "yes"', 1)`,
    );
    expect(await grants.get('s2')).toBeNull();
  });
});
