import { readFileSync, readSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  loadMappedShmProvider,
  type MappedShmProvider,
} from '../../../../host/platform/linux/mapped-shm-provider';

/** Lines of /proc/self/maps naming `file` (the kernel appends " (deleted)" to unlinked files). */
function mappingsOf(file: string): string[] {
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((l) => l.includes(`${file} (deleted)`));
}

async function provider(): Promise<MappedShmProvider> {
  const loaded = await loadMappedShmProvider();
  if (!('provider' in loaded)) throw new Error(`no mapping provider: ${loaded.reason}`);
  return loaded.provider;
}

describe('mapped MIT-SHM provider', () => {
  it('maps a segment the file and the buffer share both ways (what the X server writes is read in place)', async () => {
    const p = await provider();
    const seg = p.create(64 * 1024);
    try {
      expect(p.live).toBe(1);
      expect(seg.buffer.length).toBe(64 * 1024);
      expect(mappingsOf(seg.name)).toHaveLength(1);
      // Written through the descriptor (as the server does through its own mapping): seen in the buffer.
      writeSync(seg.fd!, Buffer.from([1, 2, 3, 4]), 0, 4, 40_000);
      expect([...seg.buffer.subarray(40_000, 40_004)]).toEqual([1, 2, 3, 4]);
      // Written into the buffer: seen through the descriptor, with no commit.
      seg.buffer[7] = 99;
      const back = Buffer.alloc(1);
      readSync(seg.fd!, back, 0, 1, 7);
      expect(back[0]).toBe(99);
    } finally {
      p.destroy(seg);
    }
  });

  it('unmaps on destroy: the file is gone from the address space and a stale frame reads zeros, not a crash', async () => {
    const p = await provider();
    const seg = p.create(3 * 4096 + 5);
    const frame = seg.buffer.subarray(0, 4096);
    seg.buffer.fill(0xab);
    expect(frame[100]).toBe(0xab);
    p.destroy(seg);
    expect(p.live).toBe(0);
    expect(seg.fd).toBeNull();
    expect(mappingsOf(seg.name)).toEqual([]);
    expect(frame[100]).toBe(0);
    expect(frame.every((b) => b === 0)).toBe(true);
    p.destroy(seg); // twice is harmless (close after a failed detach)
    expect(p.live).toBe(0);
  });

  it('destroyAll unmaps what is left (the X connection died before Detach came back)', async () => {
    const p = await provider();
    const a = p.create(8192);
    const b = p.create(8192);
    expect(p.live).toBe(2);
    p.destroyAll();
    expect(p.live).toBe(0);
    expect([...mappingsOf(a.name), ...mappingsOf(b.name)]).toEqual([]);
  });

  it('refuses sizes that are not a positive whole number of bytes, before touching /dev/shm', async () => {
    const p = await provider();
    for (const size of [0, -1, 1.5, Number.NaN, 2 ** 60]) expect(() => p.create(size)).toThrow(/not valid/);
    expect(p.live).toBe(0);
  });

  it('says why when koffi cannot be loaded (the caller keeps copying and logs the reason)', async () => {
    const missing = await loadMappedShmProvider(() =>
      Promise.reject(new Error('no koffi.node for this system')),
    );
    expect(missing).toEqual({
      reason: 'koffi (the FFI) cannot be loaded here: no koffi.node for this system',
    });
    const empty = await loadMappedShmProvider(() => Promise.resolve(null));
    expect(empty).toEqual({ reason: 'koffi (the FFI) cannot be loaded here: the module has no load()' });
  });
});
