/**
 * Framing between the benchmark and its helper child over loopback TCP: u8 channel (the data-plane
 * channel ids of protocol/frame.ts, plus STATS), u32 big-endian length, payload. Stands in for the
 * server relay so both sides of the benchmark measure bytes at a socket, as the RFB client does.
 */
import type net from 'node:net';

/** Benchmark-only channel: the child's encoder statistics as JSON. */
export const CHANNEL_STATS = 200;
const HEADER_BYTES = 5;

/** Writes one frame; `onWritten` runs once Node has handed its bytes to the kernel. */
export function writeFrame(
  sock: net.Socket,
  channel: number,
  payload: Uint8Array,
  onWritten?: () => void,
): void {
  const h = Buffer.alloc(HEADER_BYTES);
  h[0] = channel;
  h.writeUInt32BE(payload.byteLength, 1);
  sock.write(Buffer.concat([h, payload]), onWritten);
}

/**
 * Calls `onFrame` for every complete frame, with the arrival time (performance.now()) of its first
 * byte and of the chunk that completed it.
 */
export function readFrames(
  sock: net.Socket,
  onFrame: (channel: number, payload: Uint8Array, firstByteAt: number, completeAt: number) => void,
): void {
  let buf: Buffer = Buffer.alloc(0);
  let firstByteAt = 0;
  sock.on('data', (d: Buffer) => {
    const now = performance.now();
    if (buf.byteLength === 0) firstByteAt = now;
    buf = buf.byteLength === 0 ? d : Buffer.concat([buf, d]);
    while (buf.byteLength >= HEADER_BYTES) {
      const len = buf.readUInt32BE(1);
      if (buf.byteLength < HEADER_BYTES + len) break;
      onFrame(buf[0]!, buf.subarray(HEADER_BYTES, HEADER_BYTES + len), firstByteAt, now);
      buf = buf.subarray(HEADER_BYTES + len);
      firstByteAt = now;
    }
  });
}
