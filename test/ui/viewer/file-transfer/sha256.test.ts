/** The viewer's incremental SHA-256 equals node:crypto's on standard vectors and any split of the input. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../../../../ui/viewer/files/sha256';

const node = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('Sha256', () => {
  it('gives the FIPS 180-4 digests', () => {
    expect(new Sha256().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new Sha256().update(utf8('abc')).hex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(new Sha256().update(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).hex()).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('equals node:crypto for every length around the block and padding edges', () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255);
      expect(new Sha256().update(data).hex(), `length ${n}`).toBe(node(data));
    }
  });

  it('equals node:crypto whatever the split, and clones continue independently', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(2000), { maxLength: 6 }),
        (data, cuts) => {
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const h = new Sha256();
          let at = 0;
          let mid: Sha256 | null = null;
          let midAt = 0;
          for (const p of [...points, data.length]) {
            h.update(data.subarray(at, p));
            at = p;
            if (mid === null) {
              mid = h.clone();
              midAt = p;
            }
          }
          expect(h.hex()).toBe(node(data));
          expect(h.hex()).toBe(node(data)); // digest() leaves the state as it was
          expect(mid!.hex()).toBe(node(data.subarray(0, midAt)));
          expect(mid!.update(data.subarray(midAt)).hex()).toBe(node(data));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
