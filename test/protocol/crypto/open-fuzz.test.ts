import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError } from '../../../protocol/crypto/crypto-error';
import { startHandshake } from '../../../protocol/crypto/handshake';
import { DataChannel, FRAME_VERSION } from '../../../protocol/frame';
import { agree } from './agree';

/** Frames that pass the cheap checks often enough to reach decryption, plus raw garbage. */
const hostileFrame = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc
    .tuple(
      fc.constantFrom(...Object.values(DataChannel)),
      fc.integer({ min: 0, max: 0xffff }),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.uint8Array({ minLength: 16, maxLength: 120 }),
    )
    .map(([channel, to, counter, rest]) => {
      const f = new Uint8Array(8 + counter.byteLength + rest.byteLength);
      f.set([FRAME_VERSION, channel, 0, 0, to >> 8, to & 0xff, 0, 0]);
      f.set(counter, 8);
      f.set(rest, 16);
      return f;
    }),
);

describe('open() and receive() on arbitrary bytes', () => {
  it('open() only ever rejects with a CryptoError (10,000 runs)', async () => {
    const { viewer } = await agree();
    await fc.assert(
      fc.asyncProperty(hostileFrame, async (frame) => {
        const outcome = await viewer.open(frame).then(
          () => 'opened',
          (e: unknown) => e,
        );
        expect(outcome).toBeInstanceOf(CryptoError);
      }),
      { numRuns: 10_000 },
    );
  }, 120_000);

  it('handshake receive() only ever rejects with a CryptoError (2,000 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('helper' as const, 'viewer' as const),
        fc.oneof(
          fc.uint8Array({ maxLength: 120 }),
          fc
            .tuple(fc.integer({ min: 1, max: 3 }), fc.uint8Array({ minLength: 97, maxLength: 97 }))
            .map(([kind, rest]) => new Uint8Array([1, kind, 0x04, ...rest.subarray(1)])),
        ),
        async (role, payload) => {
          const hs = await startHandshake(role);
          const outcome = await hs.receive(payload).then(
            (step) => step,
            (e: unknown) => e,
          );
          // A random 34-byte commit is a valid commit for a helper; anything else must be refused.
          if (outcome instanceof CryptoError) return;
          expect(role).toBe('helper');
          expect(payload.byteLength).toBe(34);
        },
      ),
      { numRuns: 2_000 },
    );
  }, 120_000);
});
