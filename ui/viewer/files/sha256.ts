/**
 * SHA-256 (FIPS 180-4) that takes its input in pieces, for files too large to hold at once:
 * WebCrypto's digest() needs the whole input in one buffer. `clone()` copies the state, so an
 * upload can go back to the digest at an acknowledged offset when it resumes. Checked against
 * node:crypto in the tests, on the standard vectors and on random splits.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const INITIAL = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];
const BLOCK_BYTES = 64;

/** Scratch for the message schedule (the compression below is synchronous, so one is enough). */
const W = new Int32Array(64);

/** Compresses the whole blocks of `p[pos, pos+len)` into `h`; returns the bytes consumed. */
function compress(h: Int32Array, p: Uint8Array, pos: number, len: number): number {
  let h0 = h[0]!,
    h1 = h[1]!,
    h2 = h[2]!,
    h3 = h[3]!,
    h4 = h[4]!,
    h5 = h[5]!,
    h6 = h[6]!,
    h7 = h[7]!;
  const start = pos;
  while (len - (pos - start) >= BLOCK_BYTES) {
    for (let i = 0; i < 16; i++, pos += 4) {
      W[i] = (p[pos]! << 24) | (p[pos + 1]! << 16) | (p[pos + 2]! << 8) | p[pos + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = W[i - 2]!;
      const y = W[i - 15]!;
      const s1 = ((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10);
      const s0 = ((y >>> 7) | (y << 25)) ^ ((y >>> 18) | (y << 14)) ^ (y >>> 3);
      W[i] = (s1 + W[i - 7]! + s0 + W[i - 16]!) | 0;
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4,
      f = h5,
      g = h6,
      hh = h7;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + hh) | 0;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
  h[4] = h4;
  h[5] = h5;
  h[6] = h6;
  h[7] = h7;
  return pos - start;
}

export class Sha256 {
  private readonly h = new Int32Array(INITIAL);
  private readonly buffer = new Uint8Array(BLOCK_BYTES);
  private buffered = 0;
  /** Bytes hashed so far. */
  length = 0;

  update(data: Uint8Array): this {
    let pos = 0;
    const n = data.byteLength;
    this.length += n;
    if (this.buffered > 0) {
      const take = Math.min(n, BLOCK_BYTES - this.buffered);
      this.buffer.set(data.subarray(0, take), this.buffered);
      this.buffered += take;
      pos = take;
      if (this.buffered < BLOCK_BYTES) return this;
      compress(this.h, this.buffer, 0, BLOCK_BYTES);
      this.buffered = 0;
    }
    pos += compress(this.h, data, pos, n - pos);
    if (pos < n) {
      this.buffer.set(data.subarray(pos), 0);
      this.buffered = n - pos;
    }
    return this;
  }

  /** An independent copy of the state (the digest of the bytes so far, going on from here). */
  clone(): Sha256 {
    const c = new Sha256();
    c.h.set(this.h);
    c.buffer.set(this.buffer);
    c.buffered = this.buffered;
    c.length = this.length;
    return c;
  }

  /** The digest of everything so far; the state is left as it was. */
  digest(): Uint8Array {
    const c = this.clone();
    const bits = this.length * 8;
    const pad = new Uint8Array((this.buffered < 56 ? 56 : 120) - this.buffered + 8);
    pad[0] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(pad.length - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(pad.length - 4, bits >>> 0);
    c.update(pad);
    const out = new Uint8Array(32);
    const ov = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) ov.setInt32(i * 4, c.h[i]!);
    return out;
  }

  hex(): string {
    let s = '';
    for (const b of this.digest()) s += b.toString(16).padStart(2, '0');
    return s;
  }
}
