/**
 * One conformance suite for every EphemeralStore (store/ephemeral-store.ts): the in-memory
 * reference, SQLite (the default), PostgreSQL and Redis (several nodes). What join codes and resume
 * tokens rely on: expiry told apart from absence, claim-if-free (raced), single-use take (raced),
 * per-space listing and counting, sweeping.
 */
import { describe, expect, it } from 'vitest';
import type { EphemeralStore } from '../../../server/store/ephemeral-store';

export function describeEphemeralConformance(
  name: string,
  make: () => Promise<EphemeralStore>,
  /** Time 0 of the tests: 0, or now for a store whose own clock drops long-expired entries (Redis). */
  origin: () => number = () => 0,
): void {
  describe(`ephemeral store conformance: ${name}`, () => {
    it('puts, gets, replaces and deletes, each space apart', async () => {
      const s = await make();
      const t = origin();
      await s.put('resume', 'k', 'v1', t + 100);
      await s.put('resume_of', 'k', 'other', null);
      expect(await s.get('resume', 'k')).toEqual({ value: 'v1', expiresAt: t + 100 });
      await s.put('resume', 'k', 'v2', null);
      expect(await s.get('resume', 'k')).toEqual({ value: 'v2', expiresAt: null });
      expect(await s.get('resume_of', 'k')).toEqual({ value: 'other', expiresAt: null });
      await s.delete('resume', 'k');
      expect(await s.get('resume', 'k')).toBeNull();
      expect(await s.get('resume_of', 'k')).not.toBeNull();
    });

    it('returns an expired entry with its expiry (expired is not absent) until swept', async () => {
      const s = await make();
      const t = origin();
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
      const t = origin();
      expect(await s.add('join_code', 'h', 's1', t + 100, t + 0)).toBe(true);
      expect(await s.add('join_code', 'h', 's2', t + 200, t + 99)).toBe(false);
      expect((await s.get('join_code', 'h'))!.value).toBe('s1');
      expect(await s.add('join_code', 'h', 's3', t + 300, t + 100)).toBe(true);
      expect(await s.get('join_code', 'h')).toEqual({ value: 's3', expiresAt: t + 300 });
      await s.put('resume', 'x', 'y', null);
      expect(await s.add('resume', 'x', 'z', null, Number.MAX_SAFE_INTEGER)).toBe(false);
    });

    it('takes once: of many takers at the same time, exactly one gets the entry', async () => {
      const s = await make();
      const t = origin();
      await s.put('join_code', 'h', 's1', t + 1000);
      const got = await Promise.all(Array.from({ length: 20 }, () => s.take('join_code', 'h')));
      expect(got.filter((g) => g !== null)).toEqual([{ value: 's1', expiresAt: t + 1000 }]);
      expect(await s.get('join_code', 'h')).toBeNull();
    });

    it('lists the entries of one space', async () => {
      const s = await make();
      const t = origin();
      await s.put('resume_of', 'a', '1', null);
      await s.put('resume_of', 'b', '2', t + 5);
      await s.put('resume', 'c', '3', null);
      const listed = (await s.entries('resume_of')).sort((x, y) => x.key.localeCompare(y.key));
      expect(listed).toEqual([
        { key: 'a', entry: { value: '1', expiresAt: null } },
        { key: 'b', entry: { value: '2', expiresAt: t + 5 } },
      ]);
    });

    it('claims a fresh key for exactly one of 50 parallel adds', async () => {
      const s = await make();
      const t = origin();
      const won = await Promise.all(
        Array.from({ length: 50 }, (_, i) => s.add('join_code', 'race', `s${i}`, t + 60_000, t)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
    });
  });
}
