/**
 * The ephemeral store in memory: the reference implementation of ephemeral-store.ts (its
 * conformance suite runs on it and on SQLite's), and what unit tests of join codes use. Nothing
 * survives the process.
 */
import { isExpired, type EphemeralEntry, type EphemeralSpace, type EphemeralStore } from './ephemeral-store';

export class MemoryEphemeralStore implements EphemeralStore {
  private readonly spaces = new Map<EphemeralSpace, Map<string, EphemeralEntry>>();

  async put(space: EphemeralSpace, key: string, value: string, expiresAt: number | null): Promise<void> {
    this.space(space).set(key, { value, expiresAt });
  }

  async add(
    space: EphemeralSpace,
    key: string,
    value: string,
    expiresAt: number | null,
    now: number,
  ): Promise<boolean> {
    const old = this.space(space).get(key);
    if (old && !isExpired(old, now)) return false;
    this.space(space).set(key, { value, expiresAt });
    return true;
  }

  async get(space: EphemeralSpace, key: string): Promise<EphemeralEntry | null> {
    const e = this.space(space).get(key);
    return e ? { ...e } : null;
  }

  async take(space: EphemeralSpace, key: string): Promise<EphemeralEntry | null> {
    const e = this.space(space).get(key);
    if (!e) return null;
    this.space(space).delete(key);
    return { ...e };
  }

  async delete(space: EphemeralSpace, key: string): Promise<void> {
    this.space(space).delete(key);
  }

  async count(space: EphemeralSpace, now: number): Promise<number> {
    let n = 0;
    for (const e of this.space(space).values()) if (!isExpired(e, now)) n++;
    return n;
  }

  async entries(space: EphemeralSpace): Promise<{ key: string; entry: EphemeralEntry }[]> {
    return [...this.space(space)].map(([key, e]) => ({ key, entry: { ...e } }));
  }

  async sweep(now: number): Promise<void> {
    for (const m of this.spaces.values()) for (const [k, e] of m) if (isExpired(e, now)) m.delete(k);
  }

  private space(space: EphemeralSpace): Map<string, EphemeralEntry> {
    let m = this.spaces.get(space);
    if (!m) this.spaces.set(space, (m = new Map()));
    return m;
  }
}
