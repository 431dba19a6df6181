import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NativeMessageReader, type NativeReadEvent } from '../../../host/native/native-message-reader';
import { encodeNativeMessage } from '../../../host/native/native-message-writer';
import { NATIVE_INBOUND_MAX_BYTES, NATIVE_OUTBOUND_MAX_BYTES } from '../../../protocol/limits';
import { frame, frameText } from './native-frames';

const texts = (events: NativeReadEvent[]) =>
  events.map((e) => (e.kind === 'message' ? e.text : `!${e.code}`));

describe('NativeMessageReader', () => {
  it('reads one message delivered one byte at a time', () => {
    const reader = new NativeMessageReader();
    const bytes = frame({ type: 'host.hello', id: '1', extensionVersion: '1.0' });
    const events: NativeReadEvent[] = [];
    for (const b of bytes) events.push(...reader.push(Uint8Array.of(b)));
    expect(texts(events)).toEqual([JSON.stringify({ type: 'host.hello', id: '1', extensionVersion: '1.0' })]);
  });

  it('reads several messages from one write, and a split across the length prefix', () => {
    const reader = new NativeMessageReader();
    const all = Buffer.concat([frameText('{"a":1}'), frameText('{"b":2}'), frameText('"€ü"')]);
    expect(texts(reader.push(all.subarray(0, 13)))).toEqual(['{"a":1}']);
    expect(texts(reader.push(all.subarray(13, 24)))).toEqual(['{"b":2}']);
    expect(texts(reader.push(all.subarray(24)))).toEqual(['"€ü"']);
    expect(reader.end()).toEqual([]);
  });

  it('any chunking of any messages gives back exactly those messages (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        (messages, cuts) => {
          const bytes = Buffer.concat(messages.map(frameText));
          const reader = new NativeMessageReader();
          const out: NativeReadEvent[] = [];
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const n = cuts[i % cuts.length]!;
            out.push(...reader.push(bytes.subarray(at, at + n)));
            at += n;
          }
          expect(texts(out)).toEqual(messages.map((m) => Buffer.from(m, 'utf8').toString('utf8')));
          expect(reader.end()).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a length over the limit before allocating, fatally, and reads nothing more', () => {
    const reader = new NativeMessageReader();
    const head = Buffer.alloc(4);
    head.writeUInt32LE(0xffffffff);
    const events = reader.push(Buffer.concat([head, frameText('{"after":1}')]));
    expect(events).toEqual([
      expect.objectContaining({ kind: 'error', code: 'message_too_large', fatal: true }),
    ]);
    expect(reader.closed).toBe(true);
    expect(reader.push(frameText('{"later":1}'))).toEqual([]);
  });

  it('accepts a message of exactly the limit and refuses one byte more', () => {
    const exact = Buffer.alloc(4);
    exact.writeUInt32LE(NATIVE_INBOUND_MAX_BYTES);
    const reader = new NativeMessageReader();
    expect(reader.push(exact)).toEqual([]);
    const events = reader.push(Buffer.alloc(NATIVE_INBOUND_MAX_BYTES, 0x20));
    expect(events).toHaveLength(1);
    expect(events[0]!.kind).toBe('message');
    const over = Buffer.alloc(4);
    over.writeUInt32LE(NATIVE_INBOUND_MAX_BYTES + 1);
    expect(reader.push(over)[0]).toMatchObject({ code: 'message_too_large', fatal: true });
  });

  it('reports input that ends inside a length prefix or a body as truncated', () => {
    const inPrefix = new NativeMessageReader();
    inPrefix.push(Uint8Array.of(5, 0));
    expect(inPrefix.end()).toEqual([
      expect.objectContaining({
        code: 'invalid_message',
        fatal: true,
        message: expect.stringContaining('2 of 4'),
      }),
    ]);
    const inBody = new NativeMessageReader();
    inBody.push(frameText('{"cut":true}').subarray(0, 9));
    expect(inBody.end()).toEqual([
      expect.objectContaining({
        code: 'invalid_message',
        fatal: true,
        message: expect.stringContaining('5 of 12'),
      }),
    ]);
  });

  it('spoils only the message whose bytes are not UTF-8', () => {
    const reader = new NativeMessageReader();
    const bad = Buffer.from([2, 0, 0, 0, 0xc3, 0x28]);
    expect(texts(reader.push(Buffer.concat([bad, frameText('{"ok":1}')])))).toEqual([
      '!invalid_message',
      '{"ok":1}',
    ]);
  });

  it('reads big-endian prefixes when told the machine is big-endian', () => {
    const reader = new NativeMessageReader(NATIVE_INBOUND_MAX_BYTES, false);
    expect(texts(reader.push(Buffer.from([0, 0, 0, 2, 0x7b, 0x7d])))).toEqual(['{}']);
  });
});

describe('encodeNativeMessage', () => {
  it('writes the length prefix and UTF-8 JSON', () => {
    const out = encodeNativeMessage({ type: 'reply', id: 'é', result: { state: 'idle' } }, undefined, true);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const text = JSON.stringify({ type: 'reply', id: 'é', result: { state: 'idle' } });
    expect(out.bytes.readUInt32LE(0)).toBe(Buffer.byteLength(text));
    expect(out.bytes.subarray(4).toString('utf8')).toBe(text);
  });

  it('refuses a message over the 1 MB browser cap', () => {
    const huge = {
      type: 'error' as const,
      code: 'internal_error' as const,
      message: 'x',
      details: { blob: 'é'.repeat(NATIVE_OUTBOUND_MAX_BYTES / 2) },
    };
    expect(encodeNativeMessage(huge)).toMatchObject({ ok: false });
  });
});
