/** The main thread checks the worker's answers before painting anything. */
import { describe, expect, it } from 'vitest';
import { DecoderClient, type DecoderPort } from '../../../ui/viewer/decoder-client';

function port(): DecoderPort & { sent: unknown[]; emit(data: unknown): void } {
  const p = {
    sent: [] as unknown[],
    onmessage: null as ((e: MessageEvent<unknown>) => void) | null,
    postMessage(m: unknown) {
      p.sent.push(m);
    },
    terminate() {},
    emit(data: unknown) {
      p.onmessage?.(new MessageEvent('message', { data }));
    },
  };
  return p;
}

function client() {
  const calls: string[] = [];
  const p = port();
  const c = new DecoderClient(p, {
    reset: (w, h) => calls.push(`reset ${w}x${h}`),
    present: (r) => calls.push(`present ${r.length}`),
    applied: (seq) => calls.push(`applied ${seq}`),
    failed: (code) => calls.push(`failed ${code}`),
  });
  return { c, p, calls };
}

describe('DecoderClient', () => {
  it('passes a reset, a present and the ack in that order', () => {
    const { p, calls } = client();
    p.emit({ type: 'applied', seq: 1, size: { width: 2, height: 1 }, rects: null, decodeMs: 0 });
    p.emit({
      type: 'applied',
      seq: 2,
      size: null,
      rects: [{ x: 0, y: 0, width: 2, height: 1, pixels: new ArrayBuffer(8) }],
      decodeMs: 1,
    });
    expect(calls).toEqual(['reset 2x1', 'applied 1', 'present 1', 'applied 2']);
  });

  it('refuses malformed answers and rectangles whose pixels do not match their size', () => {
    const { p, calls } = client();
    p.emit({ type: 'applied', seq: -1 });
    p.emit({
      type: 'applied',
      seq: 3,
      size: null,
      rects: [{ x: 0, y: 0, width: 2, height: 2, pixels: new ArrayBuffer(8) }],
      decodeMs: 0,
    });
    p.emit('garbage');
    expect(calls).toEqual(['failed bad_message', 'failed bad_message', 'failed bad_message']);
  });

  it('transfers the payload buffer when it owns it whole, and copies a view', () => {
    const { c, p } = client();
    const whole = new Uint8Array([1, 2, 3]);
    c.screen(whole);
    expect((p.sent[0] as { payload: ArrayBuffer }).payload).toBe(whole.buffer);
    const view = new Uint8Array([9, 1, 2, 3]).subarray(1);
    c.screen(view);
    expect(new Uint8Array((p.sent[1] as { payload: ArrayBuffer }).payload)).toEqual(
      new Uint8Array([1, 2, 3]),
    );
    c.close();
    c.screen(whole);
    expect(p.sent).toHaveLength(2);
  });
});
