/**
 * Errors of the end-to-end layer, each with a stable code. Every failure of the handshake or of
 * `open()` on hostile bytes is a CryptoError, never a bare TypeError or a WebCrypto DOMException,
 * so callers can drop-and-report by code. Codes never change meaning once released.
 */

export const CRYPTO_ERROR_CODES = [
  /** No `globalThis.crypto.subtle` (e.g. a page served over plain http, which is not a secure context). */
  'webcrypto_unavailable',
  /** A handshake payload of the wrong size, version or kind. */
  'handshake_malformed',
  /** A handshake payload that is valid but not the one expected now (or the handshake is over). */
  'handshake_unexpected',
  /** The peer's public key is not a valid P-256 point. */
  'handshake_bad_key',
  /** The viewer's revealed key does not match the commitment it sent first: someone changed it. */
  'handshake_commitment_mismatch',
  /** A data frame too short, too large, with a bad header, or on the (cleartext) handshake channel. */
  'frame_malformed',
  /** A data frame whose counter is not above the last accepted one: a replay or an old frame. */
  'frame_replayed',
  /** A data frame that fails authentication: tampered, or sealed with another key. */
  'frame_rejected',
  /** A plaintext too large to fit in one data frame once sealed. */
  'plaintext_too_large',
  /** The send counter reached its limit: the session must agree new keys. */
  'counter_exhausted',
] as const;
export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}

export function isCryptoError(err: unknown): err is CryptoError {
  return err instanceof CryptoError;
}
