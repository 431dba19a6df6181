/**
 * The files channel's payload validator (protocol/data/files.ts), both directions, over >= 10,000
 * generated cases each: whatever arrives (random bytes, JSON of anything, near-misses of real
 * messages, chunks with any header), parsing never throws, answers a stable code when it
 * refuses, round-trips every valid message and chunk unchanged, and drops undeclared fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeFileChunk,
  FILE_CHUNK_HEADER_BYTES,
  FILE_CHUNK_KIND,
  FILE_CHUNK_MAX_BYTES,
  FilesToHelper,
  FilesToViewer,
  parseFilesToHelper,
  parseFilesToViewer,
} from '../../../protocol/data/files';
import { encodeJsonPayload } from '../../../protocol/data/json-payload';
import { ERROR_CODES } from '../../../protocol/errors';
import { arbitraryOf } from '../zod-arbitrary';

const RUNS = 10_000;
const utf8 = new TextEncoder();

const SIDES = [
  ['FilesToHelper', FilesToHelper, parseFilesToHelper],
  ['FilesToViewer', FilesToViewer, parseFilesToViewer],
] as const;

const hexId = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(''));

describe.each(SIDES)('%s payloads', (_name, schema, parse) => {
  it('never throw on hostile input and refuse it with a stable code', () => {
    const hostile = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => utf8.encode(JSON.stringify(v) ?? 'null')),
      fc
        .tuple(arbitraryOf(schema), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }))
        .map(([msg, key, value]) => {
          const copy = { ...(msg as Record<string, unknown>) };
          const keys = Object.keys(copy);
          copy[keys.length > 0 && key.length % 2 === 0 ? keys[key.length % keys.length]! : key] = value;
          return utf8.encode(JSON.stringify(copy));
        }),
      // Chunk-looking payloads with any header and a few data bytes.
      fc.uint8Array({ minLength: 0, maxLength: 40 }).map((b) => Uint8Array.of(FILE_CHUNK_KIND, ...b)),
    );
    fc.assert(
      fc.property(hostile, (payload) => {
        const r = parse(payload);
        if (!r.ok) {
          expect(Object.hasOwn(ERROR_CODES, r.code)).toBe(true);
          expect(r.message.length).toBeLessThanOrEqual(300);
        } else if (r.value.kind === 'chunk') {
          expect(r.value.data.byteLength).toBeGreaterThan(0);
          expect(Number.isSafeInteger(r.value.offset + r.value.data.byteLength)).toBe(true);
          expect(r.value.id).toMatch(/^[0-9a-f]{32}$/);
        } else {
          expect(schema.safeParse(r.value.message).success).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trip every valid message, without undeclared fields', () => {
    let valid = 0;
    fc.assert(
      fc.property(arbitraryOf(schema), fc.string({ maxLength: 8 }), (msg, extra) => {
        const checked = schema.safeParse(msg);
        if (!checked.success) return; // a generated string missed a pattern: not a valid message
        valid++;
        const withExtra = { ...checked.data, [`x_${extra}`]: 1 };
        const r = parse(encodeJsonPayload(withExtra as { type: string }));
        expect(r).toEqual({ ok: true, value: { kind: 'message', message: checked.data } });
      }),
      { numRuns: RUNS },
    );
    expect(valid).toBeGreaterThan(RUNS / 2);
  });
});

describe('file chunks', () => {
  it('round-trip any id, offset and data (>= 10,000 cases)', () => {
    fc.assert(
      fc.property(
        hexId,
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 4096 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (id, offset, data) => {
          const payload = encodeFileChunk(id, offset, data);
          expect(payload.byteLength).toBe(FILE_CHUNK_HEADER_BYTES + data.byteLength);
          for (const parse of [parseFilesToHelper, parseFilesToViewer]) {
            const r = parse(payload);
            expect(r.ok && r.value.kind === 'chunk' && r.value).toEqual({ kind: 'chunk', id, offset, data });
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuse an empty chunk, an oversized one (before copying it) and an offset past 2^53', () => {
    const id = 'ab'.repeat(16);
    const header = encodeFileChunk(id, 0, new Uint8Array(1)).subarray(0, FILE_CHUNK_HEADER_BYTES);
    expect(parseFilesToHelper(header)).toMatchObject({ ok: false, code: 'invalid_message' });
    const big = new Uint8Array(FILE_CHUNK_HEADER_BYTES + FILE_CHUNK_MAX_BYTES + 1);
    big.set(header);
    expect(parseFilesToHelper(big)).toMatchObject({ ok: false, code: 'message_too_large' });
    const far = encodeFileChunk(id, 0, new Uint8Array(4));
    new DataView(far.buffer).setUint32(17, 2 ** 21); // offset 2^53
    expect(parseFilesToViewer(far)).toMatchObject({ ok: false, code: 'invalid_message' });
    const edge = encodeFileChunk(id, Number.MAX_SAFE_INTEGER - 1, new Uint8Array(1));
    expect(parseFilesToViewer(edge).ok).toBe(true);
    expect(() => encodeFileChunk(id, 0, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodeFileChunk('nothex', 0, new Uint8Array(1))).toThrow(RangeError);
  });

  it('refuse locations that could leave a place, and unknown payload kinds', () => {
    const where = (dirs: string[]) => ({ place: 'Home', dirs });
    const offer = (dirs: string[]) =>
      parseFilesToHelper(
        encodeJsonPayload({
          type: 'file.offer',
          id: 'cd'.repeat(16),
          name: 'a.txt',
          size: 1,
          where: where(dirs),
        }),
      );
    expect(offer(['Documents', 'reports']).ok).toBe(true);
    for (const bad of [['..'], ['.'], ['a/b'], ['a\\b'], ['a\u0000b'], [''], Array(65).fill('d')])
      expect(offer(bad), JSON.stringify(bad)).toMatchObject({ ok: false, code: 'invalid_message' });
    const fetch = (name: string) =>
      parseFilesToHelper(
        encodeJsonPayload({ type: 'file.fetch', id: 'cd'.repeat(16), where: where([]), name, offset: 0 }),
      );
    expect(fetch('report.pdf').ok).toBe(true);
    expect(fetch('../etc/passwd').ok).toBe(false);
    expect(parseFilesToViewer(Uint8Array.of(0x02, 1, 2, 3))).toMatchObject({
      ok: false,
      code: 'invalid_message',
    });
    expect(parseFilesToViewer(new Uint8Array(0))).toMatchObject({ ok: false });
  });
});
