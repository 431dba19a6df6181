/**
 * Payload of the `screen` data channel (inside the frame of protocol/frame.ts, before
 * encryption). One viewer's screen stream is a sequence of messages, each with a sequence number
 * the viewer acknowledges on the `ack` channel (ack-message.ts).
 *
 * All fixed fields big-endian; `vu` = unsigned LEB128 varint (<= 32 bits).
 *
 *   u8 kind   1 = RESET, 2 = UPDATE
 *   vu seq    message sequence number (1, 2, ... per stream; wraps at 2^32)
 *
 * RESET:  u16 width, u16 height
 *   A new stream: the decoder makes a width x height framebuffer and a fresh inflate stream (the
 *   encoder starts a fresh deflate stream). A full picture follows in UPDATE messages.
 *
 * UPDATE: u8 flags (bit 0 END: the last message of one screen update; the viewer may present)
 *         vu opCount, opCount operations, vu zlibLength, zlibLength bytes
 *   Operations apply in order. Each starts with u8 op and a rectangle vu x, vu y, vu w, vu h
 *   (w, h >= 1, inside the framebuffer):
 *     1 FILL     u8 r, u8 g, u8 b                    solid colour
 *     2 COPY     vu srcX, vu srcY                    copy w x h from (srcX, srcY) of the framebuffer
 *                                                   as it was before this operation (overlap-safe)
 *     3 PALETTE  u8 colors-1                         data in the zlib section: colors x (r,g,b),
 *                                                   then h rows of indices, bitsPerIndex(colors)
 *                                                   bits each, MSB first, each row padded to a byte
 *     4 RAW      (nothing)                           data in the zlib section: w*h x (r,g,b)
 *     5 JPEG     vu length, length bytes             a baseline JPEG of exactly w x h (lossy)
 *     6 GRADIENT (nothing)                           data in the zlib section: w*h x 3 residuals,
 *                                                   lossless (photographic areas; see below)
 *     7 JPEG_SCALED vu sw, vu sh, vu length, bytes    a baseline JPEG of exactly sw x sh
 *                                                   (1 <= sw <= w, 1 <= sh <= h), stretched
 *                                                   to w x h by the viewer (bilinear): a
 *                                                   playing video coded at a reduced scale
 *   The zlib section is one piece of a single raw-deflate stream that lasts from RESET to RESET,
 *   ended by a sync flush, and inflates to exactly the bytes the PALETTE, RAW and GRADIENT
 *   operations need, in operation order.
 *
 * GRADIENT: each pixel (r, g, b) is first turned into t = (r - g, g, b - g) mod 256 ("subtract
 * green": the colour channels of photos move together), then each of t's three components is
 * predicted from the same component of its left (a), upper (b) and upper-left (c) neighbours in
 * the rectangle (0 outside it) by the median edge detector: min(a, b) if c >= max(a, b),
 * max(a, b) if c <= min(a, b), else a + b - c; the data is (t - prediction) mod 256 per
 * component, pixels in row order. On photos this deflates to about 0.58x of RAW's bytes.
 */
import { ByteReader, type ByteWriter } from './bytes';
import {
  PALETTE_MAX_COLORS,
  SCREEN_MAX_INFLATED_BYTES,
  SCREEN_MAX_OPS_PER_MESSAGE,
  SCREEN_MAX_PIXELS,
  SCREEN_MAX_SIDE,
  SCREEN_MESSAGE_MAX_BYTES,
} from './limits';
import { ScreenFormatError } from './screen-format-error';

export const SCREEN_KIND = { reset: 1, update: 2 } as const;
export const SCREEN_OP = {
  fill: 1,
  copy: 2,
  palette: 3,
  raw: 4,
  jpeg: 5,
  gradient: 6,
  jpegScaled: 7,
} as const;
export const UPDATE_FLAG_END = 0x01;

export interface RectFields {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type ScreenOperation =
  | (RectFields & { op: 'fill'; r: number; g: number; b: number })
  | (RectFields & { op: 'copy'; srcX: number; srcY: number })
  | (RectFields & { op: 'palette'; colors: number })
  | (RectFields & { op: 'raw' })
  | (RectFields & { op: 'jpeg'; data: Uint8Array })
  /** A JPEG of `sw` x `sh` (no larger than the rectangle) that the viewer stretches to w x h. */
  | (RectFields & { op: 'jpegScaled'; sw: number; sh: number; data: Uint8Array })
  | (RectFields & { op: 'gradient' });

export type ScreenMessage =
  | { kind: 'reset'; seq: number; width: number; height: number }
  | {
      kind: 'update';
      seq: number;
      end: boolean;
      ops: ScreenOperation[];
      /** View into the payload (not a copy). */
      zlib: Uint8Array;
      /** Bytes the zlib section must inflate to (sum over PALETTE, RAW and GRADIENT operations). */
      inflatedBytes: number;
    };

/** Bits per palette index for a palette of `colors` entries: 1, 2, 4 or 8. */
export function bitsPerIndex(colors: number): 1 | 2 | 4 | 8 {
  return colors <= 2 ? 1 : colors <= 4 ? 2 : colors <= 16 ? 4 : 8;
}

/** Bytes of one row of packed palette indices. */
export function paletteRowBytes(colors: number, width: number): number {
  return Math.ceil((width * bitsPerIndex(colors)) / 8);
}

/** Bytes a PALETTE operation takes in the zlib section. */
export function paletteDataBytes(colors: number, w: number, h: number): number {
  return colors * 3 + paletteRowBytes(colors, w) * h;
}

/** Bytes a RAW or GRADIENT operation takes in the zlib section. */
export function rawDataBytes(w: number, h: number): number {
  return w * h * 3;
}

// ------------------------------------------------------------------ writing (encoder side)

export function writeReset(out: ByteWriter, seq: number, width: number, height: number): void {
  if (width < 1 || height < 1 || width > SCREEN_MAX_SIDE || height > SCREEN_MAX_SIDE) {
    throw new RangeError(`screen size out of range: ${width}x${height}`);
  }
  out.u8(SCREEN_KIND.reset);
  out.varint(seq);
  out.u16(width);
  out.u16(height);
}

export function writeUpdateHeader(out: ByteWriter, seq: number, end: boolean, opCount: number): void {
  out.u8(SCREEN_KIND.update);
  out.varint(seq);
  out.u8(end ? UPDATE_FLAG_END : 0);
  out.varint(opCount);
}

/** Writes one operation (for PALETTE, RAW and GRADIENT, only the header: their data goes to the zlib section). */
export function writeOperation(out: ByteWriter, op: ScreenOperation): void {
  out.u8(SCREEN_OP[op.op]);
  out.varint(op.x);
  out.varint(op.y);
  out.varint(op.w);
  out.varint(op.h);
  switch (op.op) {
    case 'fill':
      out.u8(op.r);
      out.u8(op.g);
      out.u8(op.b);
      return;
    case 'copy':
      out.varint(op.srcX);
      out.varint(op.srcY);
      return;
    case 'palette':
      out.u8(op.colors - 1);
      return;
    case 'raw':
    case 'gradient':
      return;
    case 'jpeg':
      out.varint(op.data.byteLength);
      out.bytes(op.data);
      return;
    case 'jpegScaled':
      checkScaled(op.sw, op.sh, op.w, op.h, (m) => new RangeError(m));
      out.varint(op.sw);
      out.varint(op.sh);
      out.varint(op.data.byteLength);
      out.bytes(op.data);
      return;
  }
}

/** A scaled JPEG is never larger than its rectangle (which bounds the decoder's allocation by it). */
function checkScaled(sw: number, sh: number, w: number, h: number, error: (m: string) => Error): void {
  if (!(sw >= 1 && sh >= 1 && sw <= w && sh <= h))
    throw error(`scaled JPEG of ${sw}x${sh} for a ${w}x${h} rectangle (1..w x 1..h)`);
}

// ------------------------------------------------------------------ parsing (decoder side)

const OP_BY_CODE: ReadonlyMap<number, ScreenOperation['op']> = new Map(
  Object.entries(SCREEN_OP).map(([name, code]) => [code, name as ScreenOperation['op']]),
);

/**
 * Parses and validates one screen message. `frame` is the decoder's current framebuffer size
 * (null before the first RESET): every rectangle is checked against it. Never allocates more than
 * the operation list, whose length is bounded by SCREEN_MAX_OPS_PER_MESSAGE and by the payload size.
 */
export function parseScreenMessage(
  payload: Uint8Array,
  frame: { width: number; height: number } | null,
): ScreenMessage {
  if (payload.byteLength > SCREEN_MESSAGE_MAX_BYTES) {
    throw new ScreenFormatError('too_large', `screen message of ${payload.byteLength} bytes`);
  }
  const r = new ByteReader(payload);
  const kind = r.u8();
  const seq = r.varint();
  if (kind === SCREEN_KIND.reset) {
    const width = r.u16();
    const height = r.u16();
    r.end();
    if (width < 1 || height < 1) throw new ScreenFormatError('bad_value', `screen size ${width}x${height}`);
    if (width > SCREEN_MAX_SIDE || height > SCREEN_MAX_SIDE || width * height > SCREEN_MAX_PIXELS) {
      throw new ScreenFormatError('too_large', `screen size ${width}x${height} over the limit`);
    }
    return { kind: 'reset', seq, width, height };
  }
  if (kind !== SCREEN_KIND.update)
    throw new ScreenFormatError('bad_value', `unknown screen message kind ${kind}`);
  if (frame === null) throw new ScreenFormatError('not_ready', 'update before the first reset');
  const flags = r.u8();
  if ((flags & ~UPDATE_FLAG_END) !== 0) throw new ScreenFormatError('bad_value', `unknown flags ${flags}`);
  const opCount = r.varint();
  // Each operation takes at least 6 bytes, which bounds the list by the payload before we build it.
  if (opCount > SCREEN_MAX_OPS_PER_MESSAGE || opCount * 6 > r.remaining) {
    throw new ScreenFormatError('too_large', `${opCount} operations`);
  }
  const ops: ScreenOperation[] = [];
  let inflatedBytes = 0;
  for (let i = 0; i < opCount; i++) {
    const op = readOperation(r, frame);
    if (op.op === 'palette') inflatedBytes += paletteDataBytes(op.colors, op.w, op.h);
    else if (op.op === 'raw' || op.op === 'gradient') inflatedBytes += rawDataBytes(op.w, op.h);
    if (inflatedBytes > SCREEN_MAX_INFLATED_BYTES) {
      throw new ScreenFormatError('too_large', 'lossless section larger than the limit');
    }
    ops.push(op);
  }
  const zlibLength = r.varint();
  const zlib = r.bytes(zlibLength);
  r.end();
  if (inflatedBytes > 0 && zlibLength === 0) throw new ScreenFormatError('bad_zlib', 'zlib section missing');
  if (inflatedBytes === 0 && zlibLength !== 0)
    throw new ScreenFormatError('bad_zlib', 'unexpected zlib section');
  return { kind: 'update', seq, end: (flags & UPDATE_FLAG_END) !== 0, ops, zlib, inflatedBytes };
}

function readOperation(r: ByteReader, frame: { width: number; height: number }): ScreenOperation {
  const code = r.u8();
  const name = OP_BY_CODE.get(code);
  if (name === undefined) throw new ScreenFormatError('bad_value', `unknown operation ${code}`);
  const x = r.varint();
  const y = r.varint();
  const w = r.varint();
  const h = r.varint();
  checkRect(x, y, w, h, frame);
  switch (name) {
    case 'fill':
      return { op: 'fill', x, y, w, h, r: r.u8(), g: r.u8(), b: r.u8() };
    case 'copy': {
      const srcX = r.varint();
      const srcY = r.varint();
      checkRect(srcX, srcY, w, h, frame);
      return { op: 'copy', x, y, w, h, srcX, srcY };
    }
    case 'palette': {
      const colors = r.u8() + 1;
      if (colors > PALETTE_MAX_COLORS) throw new ScreenFormatError('bad_value', 'palette too large');
      return { op: 'palette', x, y, w, h, colors };
    }
    case 'raw':
      return { op: 'raw', x, y, w, h };
    case 'gradient':
      return { op: 'gradient', x, y, w, h };
    case 'jpeg': {
      const length = r.varint();
      return { op: 'jpeg', x, y, w, h, data: r.bytes(length) };
    }
    case 'jpegScaled': {
      const sw = r.varint();
      const sh = r.varint();
      checkScaled(sw, sh, w, h, (m) => new ScreenFormatError('bad_value', m));
      const length = r.varint();
      return { op: 'jpegScaled', x, y, w, h, sw, sh, data: r.bytes(length) };
    }
  }
}

function checkRect(
  x: number,
  y: number,
  w: number,
  h: number,
  frame: { width: number; height: number },
): void {
  if (w < 1 || h < 1) throw new ScreenFormatError('bad_value', `empty rectangle ${w}x${h}`);
  if (x + w > frame.width || y + h > frame.height) {
    throw new ScreenFormatError(
      'out_of_bounds',
      `rectangle ${x},${y} ${w}x${h} outside ${frame.width}x${frame.height}`,
    );
  }
}

/** The sequence number of a screen message (any kind), without parsing the rest. */
export function screenMessageSeq(payload: Uint8Array): number {
  const r = new ByteReader(payload);
  r.u8();
  return r.varint();
}
