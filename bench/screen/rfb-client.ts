/**
 * A minimal RFB 3.8 client for the benchmark: security None, 32-bit true colour, asks for ZRLE,
 * or Tight with JPEG quality level 8 and compression level 2 (TigerVNC viewer's usual settings)
 * (+ CopyRect, the Cursor and DesktopSize pseudo-encodings, as a real viewer would), keeps one
 * incremental update request outstanding, and counts bytes. It parses message boundaries (it has
 * to, to know when an update ends); with `{ decode: true }` it also paints the pixels into
 * `decoder.rgba` (zrle-decoder.ts, tight-decoder.ts; Tight is always decoded, its lengths are
 * inside the data) and reports each rectangle to `onRect` when its last byte arrived.
 */
import net from 'node:net';
import type { RfbFramebuffer } from './rfb-framebuffer';
import { TightDecoder } from './tight-decoder';
import { ZrleDecoder } from './zrle-decoder';

const ENC_RAW = 0;
const ENC_COPYRECT = 1;
const ENC_TIGHT = 7;
const ENC_ZRLE = 16;
/** Tight pseudo-encodings: JPEG quality level 0-9 and compression level 0-9. */
const ENC_QUALITY_LEVEL_0 = -32;
const ENC_COMPRESS_LEVEL_0 = -256;
export const TIGHT_QUALITY_LEVEL = 8;
export const TIGHT_COMPRESS_LEVEL = 2;
const ENC_CURSOR = -239;
const ENC_DESKTOP_SIZE = -223;
const ENC_LAST_RECT = -224;
const BYTES_PER_PIXEL = 4;

export interface RfbUpdate {
  /** When the first byte of the update arrived (performance.now()). */
  firstByteAt: number;
  endAt: number;
  bytes: number;
  rects: number;
  /** Pixels of the rectangles that carried pixels (not the cursor or size pseudo-rectangles). */
  area: number;
}

export type RfbEncoding = 'zrle' | 'tight';

export interface RfbRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export class RfbClient {
  width = 0;
  height = 0;
  /** Every byte received after the handshake. */
  bytes = 0;
  updates: RfbUpdate[] = [];
  private buf: Buffer = Buffer.alloc(0);
  lastDataAt = 0;
  private chunkTimes: { at: number; end: number }[] = [];
  private received = 0;
  private waiters: (() => void)[] = [];
  private closed = false;
  /** Set with `{ decode: true }` (always with Tight): the picture as the viewer would show it. */
  decoder: ZrleDecoder | TightDecoder | null = null;
  /** Called after each rectangle, with the arrival time of its last byte (performance.now()). */
  onRect: ((rect: RfbRect, completeAt: number) => void) | null = null;

  private constructor(
    private readonly sock: net.Socket,
    readonly encoding: RfbEncoding,
  ) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => {
      this.received += d.byteLength;
      this.lastDataAt = performance.now();
      this.chunkTimes.push({ at: performance.now(), end: this.received });
      this.buf = this.buf.byteLength === 0 ? d : Buffer.concat([this.buf, d]);
      for (const w of this.waiters.splice(0)) w();
    });
    sock.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(
    port: number,
    options: { decode?: boolean; encoding?: RfbEncoding } = {},
  ): Promise<RfbClient> {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const encoding = options.encoding ?? 'zrle';
    const c = new RfbClient(sock, encoding);
    await c.handshake();
    if (encoding === 'tight') c.decoder = new TightDecoder(c.width, c.height);
    else if (options.decode) c.decoder = new ZrleDecoder(c.width, c.height);
    void c.loop();
    return c;
  }

  private consumed = 0;

  private async read(n: number): Promise<Buffer> {
    while (this.buf.byteLength < n) {
      if (this.closed) throw new Error('RFB connection closed');
      await new Promise<void>((r) => this.waiters.push(r));
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    this.consumed += n;
    return out;
  }

  /** Arrival time of the byte at stream offset `offset`. */
  private arrivalOf(offset: number): number {
    for (const c of this.chunkTimes) if (c.end > offset) return c.at;
    return performance.now();
  }

  private async handshake(): Promise<void> {
    const version = (await this.read(12)).toString('latin1');
    if (!version.startsWith('RFB 003.')) throw new Error(`not an RFB server: ${version}`);
    this.sock.write('RFB 003.008\n');
    const nTypes = (await this.read(1))[0]!;
    if (nTypes === 0) throw new Error('server refused the connection');
    const types = [...(await this.read(nTypes))];
    if (!types.includes(1))
      throw new Error(`server does not offer security None (offers ${types.join(',')})`);
    this.sock.write(Buffer.from([1]));
    const result = (await this.read(4)).readUInt32BE(0);
    if (result !== 0) throw new Error('security handshake failed');
    this.sock.write(Buffer.from([1])); // ClientInit: shared
    const init = await this.read(24);
    this.width = init.readUInt16BE(0);
    this.height = init.readUInt16BE(2);
    const nameLength = init.readUInt32BE(20);
    await this.read(nameLength);
    // SetPixelFormat: 32 bpp, depth 24, little-endian, true colour, 8 bits per channel.
    const pf = Buffer.alloc(20);
    pf[0] = 0;
    pf.set([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0], 4);
    this.sock.write(pf);
    const encodings =
      this.encoding === 'tight'
        ? [
            ENC_TIGHT,
            ENC_COPYRECT,
            ENC_QUALITY_LEVEL_0 + TIGHT_QUALITY_LEVEL,
            ENC_COMPRESS_LEVEL_0 + TIGHT_COMPRESS_LEVEL,
            ENC_CURSOR,
            ENC_DESKTOP_SIZE,
            ENC_LAST_RECT,
          ]
        : [ENC_ZRLE, ENC_COPYRECT, ENC_CURSOR, ENC_DESKTOP_SIZE, ENC_LAST_RECT];
    const se = Buffer.alloc(4 + 4 * encodings.length);
    se[0] = 2;
    se.writeUInt16BE(encodings.length, 2);
    encodings.forEach((e, i) => se.writeInt32BE(e, 4 + 4 * i));
    this.sock.write(se);
    this.bytes = 0;
    this.received = 0;
    this.consumed = 0;
    this.chunkTimes = [];
    this.request(false);
  }

  /** Bytes and completion time of the first full picture: the updates until their pixels cover the screen once. */
  firstFullFrame(): { bytes: number; endAt: number } | null {
    let bytes = 0;
    let area = 0;
    for (const u of this.updates) {
      bytes += u.bytes;
      area += u.area;
      if (area >= this.width * this.height) return { bytes, endAt: u.endAt };
    }
    return null;
  }

  /** Sends a FramebufferUpdateRequest for the whole screen. */
  request(incremental: boolean): void {
    const b = Buffer.alloc(10);
    b[0] = 3;
    b[1] = incremental ? 1 : 0;
    b.writeUInt16BE(this.width, 6);
    b.writeUInt16BE(this.height, 8);
    this.sock.write(b);
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        const start = this.consumed;
        const type = (await this.read(1))[0]!;
        if (type === 0) await this.update(start);
        else if (type === 1) {
          const h = await this.read(5);
          await this.read(h.readUInt16BE(3) * 6);
        } else if (type === 2) {
          // Bell
        } else if (type === 3) {
          const h = await this.read(7);
          await this.read(h.readUInt32BE(3));
        } else throw new Error(`unexpected RFB server message ${type}`);
        this.bytes = this.consumed;
        // Drop arrival records we no longer need.
        while (this.chunkTimes.length > 1 && this.chunkTimes[0]!.end <= this.consumed)
          this.chunkTimes.shift();
      }
    } catch (e) {
      if (!this.closed) console.error('rfb client:', e);
    }
  }

  private async update(start: number): Promise<void> {
    const firstByteAt = this.arrivalOf(start);
    const h = await this.read(3);
    const n = h.readUInt16BE(1);
    let rects = 0;
    let area = 0;
    for (let i = 0; i < n; i++) {
      const r = await this.read(12);
      const x = r.readUInt16BE(0);
      const y = r.readUInt16BE(2);
      const w = r.readUInt16BE(4);
      const hgt = r.readUInt16BE(6);
      const enc = r.readInt32BE(8);
      rects++;
      if (enc === ENC_LAST_RECT) break;
      const dec: RfbFramebuffer | null = this.decoder;
      if (enc === ENC_ZRLE) {
        const zlib = await this.read((await this.read(4)).readUInt32BE(0));
        if (this.decoder instanceof ZrleDecoder) this.decoder.zrle(x, y, w, hgt, zlib);
      } else if (enc === ENC_TIGHT) {
        if (!(this.decoder instanceof TightDecoder))
          throw new Error('Tight rectangle without a Tight decoder');
        await this.decoder.rect(x, y, w, hgt, (k) => this.read(k));
      } else if (enc === ENC_COPYRECT) {
        const src = await this.read(4);
        dec?.copy(x, y, w, hgt, src.readUInt16BE(0), src.readUInt16BE(2));
      } else if (enc === ENC_RAW) {
        const pixels = await this.read(w * hgt * BYTES_PER_PIXEL);
        dec?.raw(x, y, w, hgt, pixels);
      } else if (enc === ENC_CURSOR)
        await this.read(w * hgt * BYTES_PER_PIXEL + Math.floor((w + 7) / 8) * hgt);
      else if (enc === ENC_DESKTOP_SIZE) {
        this.width = w;
        this.height = hgt;
      } else throw new Error(`unexpected RFB encoding ${enc}`);
      if (enc !== ENC_CURSOR && enc !== ENC_DESKTOP_SIZE) {
        area += w * hgt;
        this.onRect?.({ x, y, w, h: hgt }, this.arrivalOf(this.consumed - 1));
      }
    }
    this.updates.push({ firstByteAt, endAt: performance.now(), bytes: this.consumed - start, rects, area });
    this.request(true);
  }

  close(): void {
    this.sock.destroy();
  }
}
