/**
 * Property tests over the share channels' validators and the watcher's control payload (>= 10,000
 * cases each): whatever arrives, parsing never throws and answers a stable code; every valid
 * message survives a JSON round trip; undeclared fields are dropped (rebuilt, never cast). Also:
 * exactly the declared data channels are allowed to each side of a share room.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { ERROR_CODES } from '../../../protocol/errors';
import { DataChannel } from '../../../protocol/frame';
import { parseMessage } from '../../../protocol/parse';
import {
  ServerToSharer,
  ServerToWatcher,
  SharerToServer,
  WatcherToServer,
} from '../../../protocol/share/share-channel';
import {
  encodeWatcherControl,
  parseWatcherControl,
  SHARE_CONTROL_MAX_BYTES,
  shareChannelAllowed,
  WatcherControl,
} from '../../../protocol/share/share-data';
import { arbitraryOf, membersOf } from '../zod-arbitrary';

const RUNS = 10_000;

const UNIONS: [string, z.ZodType][] = [
  ['SharerToServer', SharerToServer],
  ['ServerToSharer', ServerToSharer],
  ['WatcherToServer', WatcherToServer],
  ['ServerToWatcher', ServerToWatcher],
  ['WatcherControl', WatcherControl],
];

function stable(r: { ok: boolean; code?: string; message?: string }): void {
  if (r.ok) return;
  expect(Object.hasOwn(ERROR_CODES, r.code!)).toBe(true);
  expect(r.message!.length).toBeLessThanOrEqual(300);
}

describe.each(UNIONS)('%s', (_name, schema) => {
  it(`never throws on hostile text and answers stable codes (${RUNS} cases)`, () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
      arbitraryOf(schema).chain((msg) =>
        fc.tuple(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => {
          const copy = { ...(msg as Record<string, unknown>) };
          const keys = Object.keys(copy);
          copy[keys.length > 0 && k.length % 2 === 0 ? keys[k.length % keys.length]! : k] = v;
          return JSON.stringify(copy);
        }),
      ),
    );
    fc.assert(
      fc.property(hostile, (text) => stable(parseMessage(schema, text))),
      { numRuns: RUNS },
    );
  });

  it(`round-trips every valid message and drops undeclared fields (${RUNS} cases)`, () => {
    const types = new Set<string>();
    fc.assert(
      fc.property(arbitraryOf(schema), fc.string({ minLength: 1, maxLength: 8 }), (raw, extra) => {
        const first = schema.safeParse(raw);
        if (!first.success) return;
        const msg = first.data as { type: string };
        types.add(msg.type);
        const text = JSON.stringify(msg);
        // Compared with what JSON can carry (-0 travels as 0).
        expect(parseMessage(schema, text)).toEqual({ ok: true, value: JSON.parse(text) });
        const key = `x_${extra}`;
        const withExtra = parseMessage(schema, JSON.stringify({ ...msg, [key]: 'smuggled' }));
        expect(withExtra.ok).toBe(true);
        if (withExtra.ok) expect(Object.hasOwn(withExtra.value as object, key)).toBe(false);
      }),
      { numRuns: RUNS },
    );
    // The generator reached every message type of the channel with valid examples.
    expect([...types].sort()).toEqual([...membersOf(schema).keys()].sort());
  });
});

describe('watcher control payload', () => {
  it(`never throws on arbitrary bytes and answers stable codes (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: SHARE_CONTROL_MAX_BYTES + 64 }), (bytes) => {
        const r = parseWatcherControl(bytes);
        stable(r);
        if (bytes.byteLength > SHARE_CONTROL_MAX_BYTES)
          expect(r).toMatchObject({ ok: false, code: 'message_too_large' });
      }),
      { numRuns: RUNS },
    );
  });

  it('reads back what the watcher encodes, and refuses the helper-only screen controls', () => {
    expect(parseWatcherControl(encodeWatcherControl({ type: 'screen.refresh' }))).toEqual({
      ok: true,
      value: { type: 'screen.refresh' },
    });
    const select = new TextEncoder().encode('{"type":"screen.select","target":{"kind":"desktop"}}');
    expect(parseWatcherControl(select)).toMatchObject({ ok: false, code: 'unknown_message_type' });
    expect(parseWatcherControl(new Uint8Array([0xff, 0xfe]))).toMatchObject({
      ok: false,
      code: 'invalid_message',
    });
  });
});

describe('share room channels', () => {
  it('lets the sharer send key agreement and screen only, watchers key agreement, acks and control only', () => {
    const allowed = (role: 'sharer' | 'watcher') =>
      Object.entries(DataChannel)
        .filter(([, id]) => shareChannelAllowed(role, id))
        .map(([name]) => name)
        .sort();
    expect(allowed('sharer')).toEqual(['handshake', 'screen']);
    expect(allowed('watcher')).toEqual(['ack', 'control', 'handshake']);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (n) => {
        if (!Object.values(DataChannel).includes(n as never)) {
          expect(shareChannelAllowed('sharer', n)).toBe(false);
          expect(shareChannelAllowed('watcher', n)).toBe(false);
        }
      }),
    );
  });
});
