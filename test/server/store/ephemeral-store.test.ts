/**
 * One conformance suite for every EphemeralStore: the in-memory reference and the SQLite one the
 * server uses by default (a Redis one would run it too). What join codes and resume tokens rely
 * on: expiry told apart from absence, claim-if-free, single-use take, sweeping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EphemeralStore } from '../../../server/store/ephemeral-store';
import { MemoryEphemeralStore } from '../../../server/store/memory-ephemeral-store';
import { openSqliteStore } from '../../../server/store/sqlite/sqlite-store';
import type { Store } from '../../../server/store/store';

const opened: Store[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function sqlite(): EphemeralStore {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-eph-'));
  dirs.push(dir);
  const store = openSqliteStore(dir);
  opened.push(store);
  return store.ephemeral;
}

const IMPLEMENTATIONS: [string, () => EphemeralStore][] = [
  ['memory', () => new MemoryEphemeralStore()],
  ['sqlite', sqlite],
];

describe.each(IMPLEMENTATIONS)('ephemeral store (%s)', (_name, make) => {
  it('puts, gets, replaces and deletes, each space apart', async () => {
    const s = make();
    await s.put('resume', 'k', 'v1', 100);
    await s.put('resume_of', 'k', 'other', null);
    expect(await s.get('resume', 'k')).toEqual({ value: 'v1', expiresAt: 100 });
    await s.put('resume', 'k', 'v2', null);
    expect(await s.get('resume', 'k')).toEqual({ value: 'v2', expiresAt: null });
    expect(await s.get('resume_of', 'k')).toEqual({ value: 'other', expiresAt: null });
    await s.delete('resume', 'k');
    expect(await s.get('resume', 'k')).toBeNull();
    expect(await s.get('resume_of', 'k')).not.toBeNull();
  });

  it('returns an expired entry with its expiry (expired is not absent) until swept', async () => {
    const s = make();
    await s.put('join_code', 'h', 's1', 50);
    await s.put('join_code', 'forever', 's2', null);
    expect(await s.get('join_code', 'h')).toEqual({ value: 's1', expiresAt: 50 });
    expect(await s.count('join_code', 49)).toBe(2);
    expect(await s.count('join_code', 50)).toBe(1);
    await s.sweep(49);
    expect(await s.get('join_code', 'h')).not.toBeNull();
    await s.sweep(50);
    expect(await s.get('join_code', 'h')).toBeNull();
    expect(await s.get('join_code', 'forever')).not.toBeNull();
  });

  it('adds only when the key is free or expired', async () => {
    const s = make();
    expect(await s.add('join_code', 'h', 's1', 100, 0)).toBe(true);
    expect(await s.add('join_code', 'h', 's2', 200, 99)).toBe(false);
    expect((await s.get('join_code', 'h'))!.value).toBe('s1');
    expect(await s.add('join_code', 'h', 's3', 300, 100)).toBe(true);
    expect(await s.get('join_code', 'h')).toEqual({ value: 's3', expiresAt: 300 });
    await s.put('resume', 'x', 'y', null);
    expect(await s.add('resume', 'x', 'z', null, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('takes once: of many takers at the same time, exactly one gets the entry', async () => {
    const s = make();
    await s.put('join_code', 'h', 's1', 1000);
    const got = await Promise.all(Array.from({ length: 20 }, () => s.take('join_code', 'h')));
    expect(got.filter((g) => g !== null)).toEqual([{ value: 's1', expiresAt: 1000 }]);
    expect(await s.get('join_code', 'h')).toBeNull();
  });

  it('lists the entries of one space', async () => {
    const s = make();
    await s.put('resume_of', 'a', '1', null);
    await s.put('resume_of', 'b', '2', 5);
    await s.put('resume', 'c', '3', null);
    const listed = (await s.entries('resume_of')).sort((x, y) => x.key.localeCompare(y.key));
    expect(listed).toEqual([
      { key: 'a', entry: { value: '1', expiresAt: null } },
      { key: 'b', entry: { value: '2', expiresAt: 5 } },
    ]);
  });
});
