/**
 * Both stores' migration lists carry the same versions with the same names: a migration added
 * for SQLite without its PostgreSQL twin (or the other way round) fails here, not in a
 * deployment whose schema silently lags.
 */
import { describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../../server/store/postgres/migrations';
import { MIGRATIONS } from '../../../server/store/sqlite/migrations';

const versions = (list: readonly { version: number; name: string }[]) =>
  list.map((m) => `${m.version}: ${m.name}`);

describe('migrations of both stores', () => {
  it('have the same versions, names and order', () => {
    expect(versions(POSTGRES_MIGRATIONS)).toEqual(versions(MIGRATIONS));
  });

  it('number each version once, rising', () => {
    for (const list of [MIGRATIONS, POSTGRES_MIGRATIONS]) {
      const numbers = list.map((m) => m.version);
      expect(numbers).toEqual([...new Set(numbers)].sort((a, b) => a - b));
    }
  });
});
