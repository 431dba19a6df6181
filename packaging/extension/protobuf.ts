/**
 * The little of protocol buffers a CRX3 header needs: varints and length-delimited fields
 * (wire type 2), written and read. Reading is bounded by the buffer it is given and refuses
 * lengths that run past it, so a hostile header cannot make us read or allocate beyond it.
 */

/** Wire type of length-delimited fields (bytes, strings, nested messages). */
export const LENGTH_DELIMITED = 2;
/** A varint longer than this cannot be a 32-bit length or a field key we use. */
const MAX_VARINT_BYTES = 5;

export function encodeVarint(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new RangeError(`varint out of range: ${value}`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

/** One length-delimited field: key (number << 3 | 2), length, bytes. */
export function bytesField(fieldNumber: number, payload: Uint8Array): Buffer {
  return Buffer.concat([
    encodeVarint(fieldNumber * 8 + LENGTH_DELIMITED),
    encodeVarint(payload.length),
    payload,
  ]);
}

export interface Field {
  fieldNumber: number;
  wireType: number;
  /** Set for length-delimited fields: a view into the message (no copy). */
  bytes?: Buffer;
}

export class ProtobufError extends Error {}

function readVarint(buf: Buffer, offset: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const at = offset + i;
    if (at >= buf.length) throw new ProtobufError('varint runs past the end');
    const byte = buf[at]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: at + 1 };
    scale *= 0x80;
  }
  throw new ProtobufError('varint too long');
}

/**
 * The fields of one message, in order. Varint fields are read and skipped (value not kept);
 * fixed 32/64-bit fields are skipped; groups are refused (CRX headers never use them).
 */
export function readFields(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < buf.length) {
    const key = readVarint(buf, at);
    at = key.next;
    const fieldNumber = Math.floor(key.value / 8);
    const wireType = key.value % 8;
    if (fieldNumber === 0) throw new ProtobufError('field number 0');
    if (wireType === 0) {
      at = readVarint(buf, at).next;
      fields.push({ fieldNumber, wireType });
    } else if (wireType === LENGTH_DELIMITED) {
      const len = readVarint(buf, at);
      const end = len.next + len.value;
      if (end > buf.length) throw new ProtobufError(`field ${fieldNumber} runs past the end`);
      fields.push({ fieldNumber, wireType, bytes: buf.subarray(len.next, end) });
      at = end;
    } else if (wireType === 1 || wireType === 5) {
      at += wireType === 1 ? 8 : 4;
      if (at > buf.length) throw new ProtobufError(`field ${fieldNumber} runs past the end`);
      fields.push({ fieldNumber, wireType });
    } else {
      throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}
