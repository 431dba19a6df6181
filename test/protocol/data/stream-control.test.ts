/** The control channel's session messages and the JSON payload codec: round trip, limits, refusals. */
import { describe, expect, it } from 'vitest';
import { encodeJsonPayload, parseJsonPayload } from '../../../protocol/data/json-payload';
import {
  parseStreamControlToHelper,
  parseStreamControlToViewer,
  StreamControlToHelper,
} from '../../../protocol/data/stream-control';
import { CONTROL_MESSAGE_MAX_BYTES } from '../../../protocol/limits';

describe('stream control payloads', () => {
  it('round-trips every viewer -> helper message', () => {
    for (const msg of [{ type: 'stream.pause' }, { type: 'stream.resume' }, { type: 'ping', id: 7 }] as const) {
      const parsed = parseStreamControlToHelper(encodeJsonPayload(msg));
      expect(parsed).toEqual({ ok: true, value: msg });
    }
  });

  it('round-trips pong and stream.state, and keeps only declared fields', () => {
    const raw = { type: 'stream.state', paused: true, by: 'customer', extra: 'dropped' };
    expect(parseStreamControlToViewer(encodeJsonPayload(raw))).toEqual({
      ok: true,
      value: { type: 'stream.state', paused: true, by: 'customer' },
    });
    expect(parseStreamControlToViewer(encodeJsonPayload({ type: 'pong', id: 0xffff_ffff }))).toMatchObject({
      ok: true,
    });
  });

  it('refuses out-of-range ids, unknown types, bad UTF-8 and oversized payloads before parsing', () => {
    expect(parseStreamControlToHelper(encodeJsonPayload({ type: 'ping', id: -1 })).ok).toBe(false);
    expect(parseStreamControlToHelper(encodeJsonPayload({ type: 'ping', id: 2 ** 32 })).ok).toBe(false);
    const unknown = parseStreamControlToHelper(encodeJsonPayload({ type: 'screen.select' }));
    expect(unknown).toMatchObject({ ok: false, code: 'unknown_message_type' });
    expect(parseStreamControlToHelper(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({
      ok: false,
      code: 'invalid_message',
    });
    const big = new Uint8Array(CONTROL_MESSAGE_MAX_BYTES + 1).fill(0x20);
    expect(parseStreamControlToHelper(big)).toMatchObject({ ok: false, code: 'message_too_large' });
  });

  it('parses any JSON channel union with its own byte limit', () => {
    const payload = encodeJsonPayload({ type: 'stream.pause' });
    expect(parseJsonPayload(StreamControlToHelper, payload, payload.byteLength).ok).toBe(true);
    expect(parseJsonPayload(StreamControlToHelper, payload, payload.byteLength - 1)).toMatchObject({
      ok: false,
      code: 'message_too_large',
    });
  });
});
