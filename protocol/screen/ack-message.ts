/**
 * Payload of the `ack` data channel (viewer -> helper): flow control for the screen stream.
 *
 *   u8 kind   1 = ACK
 *   vu seq    the highest screen message the viewer has applied (messages apply in order, so
 *             this acknowledges it and everything before it)
 *
 * The helper counts bytes sent after `seq` as in flight and sends a new update only while that
 * count is under its window (host/screen/flow-control.ts).
 */
import { ByteReader, ByteWriter } from './bytes';
import { ScreenFormatError } from './screen-format-error';

export const ACK_KIND = { ack: 1 } as const;

/** Longest ack payload, in bytes (kind + a 5-byte varint). */
export const ACK_MAX_BYTES = 6;

export interface AckMessage {
  kind: 'ack';
  seq: number;
}

export function encodeAck(seq: number): Uint8Array {
  const w = new ByteWriter(ACK_MAX_BYTES);
  w.u8(ACK_KIND.ack);
  w.varint(seq);
  return w.toBytes();
}

export function parseAck(payload: Uint8Array): AckMessage {
  if (payload.byteLength > ACK_MAX_BYTES) throw new ScreenFormatError('too_large', 'ack payload too long');
  const r = new ByteReader(payload);
  const kind = r.u8();
  if (kind !== ACK_KIND.ack) throw new ScreenFormatError('bad_value', `unknown ack kind ${kind}`);
  const seq = r.varint();
  r.end();
  return { kind: 'ack', seq };
}
