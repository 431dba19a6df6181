/**
 * The screen stream's order check (ui/data-plane/screen-order.ts) on real screen messages: a
 * RESET starts a stream, each message must be the next, a gap or an unreadable message breaks
 * the stream until the next RESET.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter, SCREEN_KIND, writeReset, writeUpdateHeader } from '../../../protocol/screen';
import { ScreenOrder } from '../../../ui/data-plane/screen-order';

function reset(seq: number): Uint8Array {
  const out = new ByteWriter();
  writeReset(out, seq, 4, 4);
  return out.toBytes();
}

function update(seq: number): Uint8Array {
  const out = new ByteWriter();
  writeUpdateHeader(out, seq, true, 0);
  return out.toBytes();
}

describe('ScreenOrder', () => {
  it('applies nothing before a RESET, then each message in sequence', () => {
    const order = new ScreenOrder();
    expect(order.check(update(7))).toEqual({ kind: 'waiting', seq: 7 });
    expect(order.inStream).toBe(false);
    expect(order.check(reset(8))).toEqual({ kind: 'reset', seq: 8 });
    expect(order.check(update(9))).toEqual({ kind: 'next', seq: 9 });
    expect(order.check(update(10))).toEqual({ kind: 'next', seq: 10 });
    expect(order.inStream).toBe(true);
  });

  it('breaks the stream at a gap and waits for the next RESET', () => {
    const order = new ScreenOrder();
    order.check(reset(1));
    expect(order.check(update(3))).toEqual({ kind: 'gap', seq: 3, expected: 2 });
    expect(order.inStream).toBe(false);
    expect(order.check(update(4))).toEqual({ kind: 'waiting', seq: 4 });
    expect(order.check(reset(5))).toEqual({ kind: 'reset', seq: 5 });
    expect(order.check(update(6))).toEqual({ kind: 'next', seq: 6 });
  });

  it('breaks the stream on a message without a sequence number, and on drop()', () => {
    const order = new ScreenOrder();
    order.check(reset(1));
    expect(order.check(new Uint8Array([SCREEN_KIND.update]))).toEqual({ kind: 'malformed' });
    expect(order.inStream).toBe(false);
    order.check(reset(2));
    order.drop();
    expect(order.check(update(3))).toEqual({ kind: 'waiting', seq: 3 });
  });

  it('wraps the sequence number at 2^32', () => {
    const order = new ScreenOrder();
    order.check(reset(0xffffffff));
    expect(order.check(update(0))).toEqual({ kind: 'next', seq: 0 });
  });
});
