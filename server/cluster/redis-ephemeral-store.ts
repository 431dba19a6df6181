/**
 * The ephemeral store (join codes, resume tokens: hashed keys, expiring values) on Redis, shared
 * by every node, for a deployment with `--bus redis://`. Same contract as the SQLite and
 * PostgreSQL ones: an expired entry is still read back with its expiry (so "expired" is told
 * apart from "never existed") until swept, `add` claims a key only when it is free or expired,
 * `take` hands a single-use value to one caller. Each operation is one Lua script, atomic in
 * Redis. Layout: the entry at `lifeline:eph:<space>:<key>` as JSON {value, expiresAt}, and an
 * index per space, a sorted set scored by expiry (+inf for none), for count, entries and sweep.
 * Redis deletes an entry on its own EXPIRED_KEPT_MS after it expired, should nobody sweep.
 */
import type { Redis } from 'ioredis';
import type { EphemeralEntry, EphemeralStore } from '../store/ephemeral-store';

/** How long Redis keeps an expired entry (for the "expired" answer) before dropping it, in ms. */
export const EXPIRED_KEPT_MS = 60 * 60_000;
/** Entries an `entries` call reads at most per space (join codes and tokens are bounded far below). */
const MAX_ENTRIES = 100_000;

const PREFIX = 'lifeline:eph:';
const entryKey = (space: string, key: string) => `${PREFIX}${space}:${key}`;
const indexKey = (space: string) => `${PREFIX}index:${space}`;

/** KEYS: entry, index. ARGV: member, json, score ('+inf' or ms), pexpireat ('' for none). */
const PUT = `
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[4] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[4]) end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1`;
/** As PUT, only when the entry is absent or expired at ARGV[5]. */
const ADD = `
local old = redis.call('GET', KEYS[1])
if old then
  local e = cjson.decode(old)
  if e.expiresAt == cjson.null or tonumber(e.expiresAt) > tonumber(ARGV[5]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[4] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[4]) end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1`;
/** KEYS: entry, index. ARGV: member. Returns the entry's JSON, deleted. */
const TAKE = `
local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
return v`;

function parseEntry(text: string | null): EphemeralEntry | null {
  if (text === null) return null;
  try {
    const raw = JSON.parse(text) as { value?: unknown; expiresAt?: unknown };
    if (typeof raw.value !== 'string') return null;
    if (raw.expiresAt !== null && typeof raw.expiresAt !== 'number') return null;
    return { value: raw.value, expiresAt: raw.expiresAt };
  } catch {
    return null;
  }
}

export function redisEphemeralStore(redis: Redis): EphemeralStore {
  const args = (key: string, value: string, expiresAt: number | null) => [
    key,
    JSON.stringify({ value, expiresAt }),
    expiresAt === null ? '+inf' : String(expiresAt),
    expiresAt === null ? '' : String(expiresAt + EXPIRED_KEPT_MS),
  ];
  return {
    async put(space: string, key: string, value: string, expiresAt: number | null): Promise<void> {
      await redis.eval(PUT, 2, entryKey(space, key), indexKey(space), ...args(key, value, expiresAt));
    },
    async add(
      space: string,
      key: string,
      value: string,
      expiresAt: number | null,
      now: number,
    ): Promise<boolean> {
      const r = await redis.eval(
        ADD,
        2,
        entryKey(space, key),
        indexKey(space),
        ...args(key, value, expiresAt),
        String(now),
      );
      return r === 1;
    },
    async get(space: string, key: string): Promise<EphemeralEntry | null> {
      return parseEntry(await redis.get(entryKey(space, key)));
    },
    async take(space: string, key: string): Promise<EphemeralEntry | null> {
      const r = await redis.eval(TAKE, 2, entryKey(space, key), indexKey(space), key);
      return parseEntry(typeof r === 'string' ? r : null);
    },
    async delete(space: string, key: string): Promise<void> {
      await redis.multi().del(entryKey(space, key)).zrem(indexKey(space), key).exec();
    },
    async count(space: string, now: number): Promise<number> {
      return redis.zcount(indexKey(space), `(${now}`, '+inf');
    },
    async entries(space: string): Promise<{ key: string; entry: EphemeralEntry }[]> {
      const keys = await redis.zrange(indexKey(space), 0, MAX_ENTRIES - 1);
      if (keys.length === 0) return [];
      const values = await redis.mget(...keys.map((k) => entryKey(space, k)));
      const out: { key: string; entry: EphemeralEntry }[] = [];
      keys.forEach((key, i) => {
        const e = parseEntry(values[i] ?? null);
        if (e) out.push({ key, entry: e });
      });
      return out;
    },
    async sweep(now: number, spaces: readonly string[] = SPACES): Promise<void> {
      for (const space of spaces) {
        const expired = await redis.zrangebyscore(indexKey(space), '-inf', now);
        if (expired.length === 0) continue;
        const multi = redis.multi();
        for (const key of expired) multi.del(entryKey(space, key));
        multi.zremrangebyscore(indexKey(space), '-inf', now);
        await multi.exec();
      }
    },
  };
}

/** The key spaces the server uses (server/store/ephemeral-store.ts), swept together. */
export const SPACES = ['join_code', 'join_code_of', 'resume', 'resume_of', 'login_attempt'] as const;
