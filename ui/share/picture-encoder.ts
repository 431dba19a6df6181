/**
 * Turns changed rectangles of the agent's picture into screen messages
 * (protocol/screen/screen-message.ts), the helper's format unchanged: a rectangle of one colour
 * is a FILL (3 bytes, no JPEG), any other a JPEG of exactly its size from the injected encoder
 * (the browser's canvas encoder on the share page, libjpeg-turbo in Node tests). Operations are
 * packed into UPDATE messages of at most `maxMessageBytes`, in order, the last one flagged END.
 * No zlib section: the browser has no cheap lossless encoder, so the section is always empty.
 * A JPEG that would not fit one message (never at the sizes tile-differ.ts makes, but a
 * rectangle's size is not this module's to assume) is split in two halves and tried again.
 */
import { ByteWriter } from '../../protocol/screen/bytes';
import { SCREEN_MESSAGE_MAX_BYTES } from '../../protocol/screen/limits';
import {
  writeOperation,
  writeReset,
  writeUpdateHeader,
  type ScreenOperation,
} from '../../protocol/screen/screen-message';
import type { Rect } from './tile-differ';

/** One captured picture: RGBA, width*height*4 bytes. */
export interface RgbaPicture {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export interface JpegEncoder {
  /** Encodes a tightly packed RGBA block (w*h*4 bytes) as a baseline JPEG of exactly w x h. */
  encode(rgba: Uint8ClampedArray, w: number, h: number, quality: number): Promise<Uint8Array>;
}

/** Largest UPDATE message the sharer makes, in bytes (well under the frame limit: smoother flow). */
export const SHARE_MESSAGE_BYTES = 256 * 1024;
/** Worst-case bytes of an UPDATE header and its empty zlib section (kind, seq, flags, count, 0). */
const UPDATE_OVERHEAD_BYTES = 1 + 5 + 1 + 5 + 1;
/** Worst-case bytes of an operation's header (op, four varints, a JPEG length varint). */
const OP_HEADER_BYTES = 1 + 4 * 5 + 5;

export function encodeReset(seq: number, width: number, height: number): Uint8Array {
  const w = new ByteWriter(16);
  writeReset(w, seq, width, height);
  return w.toBytes();
}

/** Encodes rectangles of `picture` as operations, in order. */
export async function encodeOperations(
  picture: RgbaPicture,
  rects: readonly Rect[],
  jpeg: JpegEncoder,
  quality: number,
  maxMessageBytes = SHARE_MESSAGE_BYTES,
): Promise<ScreenOperation[]> {
  const ops: ScreenOperation[] = [];
  const maxJpeg =
    Math.min(maxMessageBytes, SCREEN_MESSAGE_MAX_BYTES) - UPDATE_OVERHEAD_BYTES - OP_HEADER_BYTES;
  const encodeRect = async (r: Rect): Promise<void> => {
    const block = extract(picture, r);
    const solid = solidColour(block);
    if (solid !== null) {
      ops.push({ op: 'fill', ...r, r: solid[0], g: solid[1], b: solid[2] });
      return;
    }
    const data = await jpeg.encode(block, r.w, r.h, quality);
    if (data.byteLength <= maxJpeg) {
      ops.push({ op: 'jpeg', ...r, data });
      return;
    }
    if (r.w === 1 && r.h === 1) throw new RangeError('a one-pixel JPEG larger than a message');
    for (const half of halves(r)) await encodeRect(half);
  };
  for (const r of rects) await encodeRect(r);
  return ops;
}

/**
 * Packs operations into UPDATE payloads numbered from `firstSeq` (wrapping at 2^32), each at most
 * `maxMessageBytes`; the last is flagged END. No operations: no messages.
 */
export function packUpdates(
  ops: readonly ScreenOperation[],
  firstSeq: number,
  maxMessageBytes = SHARE_MESSAGE_BYTES,
): Uint8Array[] {
  const groups: ScreenOperation[][] = [];
  let group: ScreenOperation[] = [];
  let size = UPDATE_OVERHEAD_BYTES;
  for (const op of ops) {
    const opBytes = OP_HEADER_BYTES + (op.op === 'jpeg' ? op.data.byteLength : 3);
    if (group.length > 0 && size + opBytes > maxMessageBytes) {
      groups.push(group);
      group = [];
      size = UPDATE_OVERHEAD_BYTES;
    }
    group.push(op);
    size += opBytes;
  }
  if (group.length > 0) groups.push(group);
  const out: Uint8Array[] = [];
  const w = new ByteWriter(64 * 1024);
  groups.forEach((g, i) => {
    w.reset();
    writeUpdateHeader(w, (firstSeq + i) >>> 0, i === groups.length - 1, g.length);
    for (const op of g) writeOperation(w, op);
    w.varint(0); // empty zlib section
    out.push(w.toBytes());
  });
  return out;
}

/** A rectangle's pixels, tightly packed (w*h*4 bytes). */
function extract(picture: RgbaPicture, r: Rect): Uint8ClampedArray {
  const out = new Uint8ClampedArray(r.w * r.h * 4);
  const stride = picture.width * 4;
  for (let row = 0; row < r.h; row++) {
    const start = (r.y + row) * stride + r.x * 4;
    out.set(picture.data.subarray(start, start + r.w * 4), row * r.w * 4);
  }
  return out;
}

/** The block's colour when every pixel has the same RGB, else null. */
function solidColour(block: Uint8ClampedArray): [number, number, number] | null {
  const r = block[0]!;
  const g = block[1]!;
  const b = block[2]!;
  for (let i = 4; i < block.length; i += 4) {
    if (block[i] !== r || block[i + 1] !== g || block[i + 2] !== b) return null;
  }
  return [r, g, b];
}

function halves(r: Rect): [Rect, Rect] {
  if (r.w >= r.h) {
    const left = Math.ceil(r.w / 2);
    return [
      { x: r.x, y: r.y, w: left, h: r.h },
      { x: r.x + left, y: r.y, w: r.w - left, h: r.h },
    ];
  }
  const top = Math.ceil(r.h / 2);
  return [
    { x: r.x, y: r.y, w: r.w, h: top },
    { x: r.x, y: r.y + top, w: r.w, h: r.h - top },
  ];
}
