/**
 * An .xz stream that holds its bytes as they are (LZMA2 "uncompressed" chunks), written here
 * without liblzma: how the per-request parts of the Linux tar.xz (the executable's tar header, the
 * trailer and the end of the archive: a few hundred bytes that a compressor could not shrink
 * anyway) follow the executable's stream compressed once per build. Every xz reader (xz, GNU tar,
 * libarchive: file managers' archive code) reads concatenated streams as one.
 *
 * Layout (The .xz File Format 1.1.0), all CRC-32 little-endian:
 *   stream header   FD 37 7A 58 5A 00, flags 00 01 (check: CRC-32), CRC-32 of the flags    12 bytes
 *   block header    size byte (12/4 - 1), block flags 00 (one filter, no sizes),
 *                   filter LZMA2 (id 21, 1 property byte: dictionary 4 KiB), padding, CRC-32 12 bytes
 *   LZMA2 data      per 64 KiB at most: control 01 (first: dictionary reset) or 02, size-1 as
 *                   16 bits big-endian, the bytes; then the end marker 00
 *   block padding   zeros to a multiple of 4
 *   check           CRC-32 of the bytes                                                     4 bytes
 *   index           00, 1 record (unpadded size, uncompressed size, as varints), padding, CRC-32
 *   stream footer   CRC-32 of the next 6 bytes, backward size (index bytes / 4 - 1), flags 00 01, 'YZ'
 */
import { crc32 } from 'node:zlib';

/** Largest LZMA2 uncompressed chunk, in bytes. */
const LZMA2_CHUNK_BYTES = 64 * 1024;
/** Bytes one stored stream may hold at most (bounds the allocation; trailers are far smaller). */
export const XZ_STORED_MAX_BYTES = 16 * 1024 * 1024;

const MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const FOOTER_MAGIC = Buffer.from('YZ', 'latin1');
/** Stream flags: no reserved bits, check type 1 (CRC-32). */
const STREAM_FLAGS = Buffer.from([0x00, 0x01]);
const CHECK_BYTES = 4;
/** LZMA2 control bytes: an uncompressed chunk resetting the dictionary, one not resetting it. */
const CHUNK_FIRST = 0x01;
const CHUNK_NEXT = 0x02;
const LZMA2_END = 0x00;
const FILTER_LZMA2 = 0x21;
/** Dictionary size property 0: 4 KiB (stored chunks need none; the smallest asks least of a reader). */
const DICT_PROP_4K = 0x00;

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0, 0);
  return b;
}

function withCrc(bytes: Buffer): Buffer {
  return Buffer.concat([bytes, u32(crc32(bytes))]);
}

/** A multibyte integer of the format: 7 bits a byte, low first, high bit = more follows. */
function varint(value: number): Buffer {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);

/** `data` as one complete .xz stream, stored (not compressed). */
export function xzStored(data: Uint8Array): Buffer {
  if (data.length > XZ_STORED_MAX_BYTES) {
    throw new RangeError(`xzStored: ${data.length} bytes, at most ${XZ_STORED_MAX_BYTES}`);
  }
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const streamHeader = Buffer.concat([MAGIC, withCrc(STREAM_FLAGS)]);

  // Block header: size byte, flags, filter id, property count, property, padded to 8, then CRC.
  const blockHeaderBody = Buffer.from([0, 0x00, FILTER_LZMA2, 0x01, DICT_PROP_4K, 0, 0, 0]);
  blockHeaderBody[0] = (blockHeaderBody.length + 4) / 4 - 1;
  const blockHeader = withCrc(blockHeaderBody);

  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += LZMA2_CHUNK_BYTES) {
    const part = bytes.subarray(at, at + LZMA2_CHUNK_BYTES);
    const head = Buffer.alloc(3);
    head[0] = at === 0 ? CHUNK_FIRST : CHUNK_NEXT;
    head.writeUInt16BE(part.length - 1, 1);
    chunks.push(head, part);
  }
  chunks.push(Buffer.from([LZMA2_END]));
  const lzma2 = Buffer.concat(chunks);

  const unpadded = blockHeader.length + lzma2.length + CHECK_BYTES;
  const block = Buffer.concat([
    blockHeader,
    lzma2,
    pad4(blockHeader.length + lzma2.length),
    u32(crc32(bytes)),
  ]);

  const indexBody = Buffer.concat([Buffer.from([0x00]), varint(1), varint(unpadded), varint(bytes.length)]);
  const index = withCrc(Buffer.concat([indexBody, pad4(indexBody.length)]));

  const footerBody = Buffer.concat([u32(index.length / 4 - 1), STREAM_FLAGS]);
  const footer = Buffer.concat([u32(crc32(footerBody)), footerBody, FOOTER_MAGIC]);
  return Buffer.concat([streamHeader, block, index, footer]);
}
