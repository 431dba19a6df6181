// The stored .xz streams written without liblzma (server/downloads/xz-stored.ts), read back by xz
// itself (liblzma, what GNU tar and libarchive use): integrity checked, bytes exact, across the
// 64 KiB chunk boundary, empty, and several streams one after another as the tar.xz sends them.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { XZ_STORED_MAX_BYTES, xzStored } from '../../../server/downloads/xz-stored';

function unxz(data: Buffer): Buffer {
  const r = spawnSync('xz', ['--decompress', '--stdout'], { input: data, maxBuffer: 64 * 1024 * 1024 });
  expect(r.stderr.toString()).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('stored xz streams', () => {
  it('decode to the same bytes, whatever their length', () => {
    for (const n of [0, 1, 5, 65_535, 65_536, 65_537, 200_000]) {
      const data = randomBytes(n);
      const xz = xzStored(data);
      expect(spawnSync('xz', ['--test'], { input: xz }).status).toBe(0);
      expect(unxz(xz).equals(data)).toBe(true);
    }
  });

  it('follow one another as one file (how the download is assembled)', () => {
    const parts = [randomBytes(512), randomBytes(70_000), Buffer.from('trailer')];
    expect(unxz(Buffer.concat(parts.map((p) => xzStored(p)))).equals(Buffer.concat(parts))).toBe(true);
  });

  it('are refused with a damaged byte (every part is checked by a CRC)', () => {
    const xz = xzStored(Buffer.from('the helper trailer'));
    for (const at of [8, 14, 30, xz.length - 20, xz.length - 10]) {
      const bad = Buffer.from(xz);
      bad[at] = bad[at]! ^ 0x01;
      expect(spawnSync('xz', ['--test'], { input: bad }).status).not.toBe(0);
    }
  });

  it('refuse more than their limit before allocating', () => {
    const tooBig = { length: XZ_STORED_MAX_BYTES + 1 } as unknown as Uint8Array;
    expect(() => xzStored(tooBig)).toThrow(RangeError);
  });
});
