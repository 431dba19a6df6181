/**
 * The one place the end-to-end layer reaches WebCrypto: `globalThis.crypto.subtle`, present in
 * browsers (secure contexts only), workers, and Node 20+. Also the byte helpers WebCrypto's
 * types need (a BufferSource must be backed by an ArrayBuffer, not a SharedArrayBuffer).
 */
import { CryptoError } from './crypto-error';

export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) {
    throw new CryptoError(
      'webcrypto_unavailable',
      'WebCrypto is unavailable here (pages must be served over https or from localhost)',
    );
  }
  return s;
}

export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/** `bytes` as a BufferSource WebCrypto accepts, copying only when it sits on a shared buffer. */
export function asBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : bytes.slice();
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let total = 0;
  for (const p of parts) total += p.byteLength;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Constant-time comparison (no early exit), for commitments. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
