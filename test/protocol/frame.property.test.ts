/**
 * Property tests over the data-plane frame parser (>= 10,000 cases each): any bytes parse to a
 * frame or a stable error without throwing; every valid header round-trips; the relay's
 * in-place `from` stamp touches two bytes and nothing else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DataChannel,
  encodeFrame,
  FRAME_HEADER_BYTES,
  FRAME_VERSION,
  isDataChannel,
  parseFrame,
  stampFrom,
  type DataChannelId,
} from '../../protocol/frame';
import { DATA_FRAME_MAX_BYTES } from '../../protocol/limits';

const RUNS = 10_000;
const ERRORS = new Set(['frame_too_short', 'frame_too_large', 'bad_version', 'bad_channel', 'bad_peer']);
const channel = fc.constantFrom(...(Object.values(DataChannel) as DataChannelId[]));
const header = fc.record({
  channel,
  from: fc.integer({ min: 0, max: 0xffff }),
  to: fc.integer({ min: 1, max: 0xffff }),
});

describe('parseFrame', () => {
  it(`never throws on arbitrary bytes; errors are stable names (${RUNS} cases)`, () => {
    // Half the inputs start like a real header so the later checks are reached too.
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 7, maxLength: 40 }))
        .map(([c, rest]) => {
          const out = new Uint8Array(rest.length + 1);
          out[0] = FRAME_VERSION;
          out.set(rest, 1);
          out[1] = c % 12;
          return out;
        }),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const r = parseFrame(b);
        if (!r.ok) {
          expect(ERRORS.has(r.error)).toBe(true);
          return;
        }
        expect(b.byteLength).toBeGreaterThanOrEqual(FRAME_HEADER_BYTES);
        expect(isDataChannel(r.header.channel)).toBe(true);
        expect(r.header.to).toBeGreaterThan(0);
        expect(r.payload.byteLength).toBe(b.byteLength - FRAME_HEADER_BYTES);
      }),
      { numRuns: RUNS },
    );
  });

  it(`round-trips every valid header and payload (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 256 }), (h, payload) => {
        const frame = encodeFrame(h, payload);
        const r = parseFrame(frame);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.header).toEqual(h);
        expect([...r.payload]).toEqual([...payload]);
        // The payload is a view, not a copy (the relay forwards without copying).
        expect(r.payload.buffer).toBe(frame.buffer);
      }),
      { numRuns: RUNS },
    );
  });

  it(`works on frames that sit at an offset inside a larger buffer (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        header,
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 32 }),
        (h, payload, offset) => {
          const frame = encodeFrame(h, payload);
          const big = new Uint8Array(offset + frame.byteLength + 5);
          big.set(frame, offset);
          const r = parseFrame(big.subarray(offset, offset + frame.byteLength));
          expect(r).toMatchObject({ ok: true, header: h });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`stampFrom changes the from field only (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        header,
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 0xffff }),
        (h, payload, from) => {
          const frame = encodeFrame(h, payload);
          const before = Uint8Array.from(frame);
          stampFrom(frame, from);
          const r = parseFrame(frame);
          expect(r).toMatchObject({ ok: true, header: { ...h, from } });
          for (let i = 0; i < frame.byteLength; i++) if (i !== 2 && i !== 3) expect(frame[i]).toBe(before[i]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses a frame over the data-plane limit before looking at it', () => {
    const frame = new Uint8Array(DATA_FRAME_MAX_BYTES + 1);
    frame.set(encodeFrame({ channel: DataChannel.files, from: 1, to: 2 }, new Uint8Array(0)));
    expect(parseFrame(frame)).toEqual({ ok: false, error: 'frame_too_large' });
    expect(parseFrame(frame.subarray(0, DATA_FRAME_MAX_BYTES)).ok).toBe(true);
  });
});
