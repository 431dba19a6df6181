/**
 * Byte layout of the payloads carried on the data plane's `handshake` channel (frame.ts
 * DataChannel.handshake, cleartext: the server could read them, and that is fine, they hold only
 * public keys, random nonces and a hash).
 *
 * The exchange has three messages, viewer first, so that neither side can choose its key after
 * seeing the other's (see handshake.ts for why):
 *
 *   commit      viewer -> helper   offset size  field
 *                                  0      1     version   HANDSHAKE_VERSION
 *                                  1      1     kind      1 (commit)
 *                                  2      32    SHA-256(viewer public key || viewer nonce)
 *                                  = 34 bytes
 *
 *   helper-key  helper -> viewer   0      1     version
 *   viewer-key  viewer -> helper   1      1     kind      2 (helper-key) or 3 (viewer-key)
 *                                  2      65    P-256 public key, uncompressed raw (0x04 || X || Y)
 *                                  67     32    random nonce
 *                                  = 99 bytes
 *
 * The kind names the sender's role (commit and viewer-key come from a viewer, helper-key from the
 * helper), so a message reflected back to its sender is refused as unexpected.
 */
import { CryptoError } from './crypto-error';

export const HANDSHAKE_VERSION = 1;
/** Uncompressed P-256 point: 0x04, then 32-byte X and Y. */
export const PUBLIC_KEY_BYTES = 65;
/** Random bytes each side adds to the transcript (and so to the keys). */
export const NONCE_BYTES = 32;
/** SHA-256 output. */
export const COMMITMENT_BYTES = 32;
export const COMMIT_MESSAGE_BYTES = 2 + COMMITMENT_BYTES;
export const KEY_MESSAGE_BYTES = 2 + PUBLIC_KEY_BYTES + NONCE_BYTES;

export const HandshakeKind = { commit: 1, helperKey: 2, viewerKey: 3 } as const;
export type HandshakeKindName = keyof typeof HandshakeKind;

export type HandshakeMessage =
  | { kind: 'commit'; commitment: Uint8Array }
  | { kind: 'helperKey' | 'viewerKey'; publicKey: Uint8Array; nonce: Uint8Array };

export function encodeCommit(commitment: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(COMMIT_MESSAGE_BYTES);
  out[0] = HANDSHAKE_VERSION;
  out[1] = HandshakeKind.commit;
  out.set(commitment.subarray(0, COMMITMENT_BYTES), 2);
  return out;
}

export function encodeKeyMessage(
  kind: 'helperKey' | 'viewerKey',
  publicKey: Uint8Array,
  nonce: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(KEY_MESSAGE_BYTES);
  out[0] = HANDSHAKE_VERSION;
  out[1] = HandshakeKind[kind];
  out.set(publicKey.subarray(0, PUBLIC_KEY_BYTES), 2);
  out.set(nonce.subarray(0, NONCE_BYTES), 2 + PUBLIC_KEY_BYTES);
  return out;
}

/** Checks size, version and kind; returns views into `payload` (no copy). Throws CryptoError only. */
export function decodeHandshakeMessage(payload: Uint8Array): HandshakeMessage {
  if (payload.byteLength < 2) throw malformed(`handshake payload of ${payload.byteLength} bytes`);
  if (payload[0] !== HANDSHAKE_VERSION) {
    throw malformed(`handshake version ${payload[0]}, expected ${HANDSHAKE_VERSION}`);
  }
  const kind = payload[1];
  if (kind === HandshakeKind.commit) {
    if (payload.byteLength !== COMMIT_MESSAGE_BYTES) throw malformed(`commit of ${payload.byteLength} bytes`);
    return { kind: 'commit', commitment: payload.subarray(2) };
  }
  if (kind === HandshakeKind.helperKey || kind === HandshakeKind.viewerKey) {
    if (payload.byteLength !== KEY_MESSAGE_BYTES)
      throw malformed(`key message of ${payload.byteLength} bytes`);
    if (payload[2] !== 0x04)
      throw new CryptoError('handshake_bad_key', 'public key is not an uncompressed point');
    return {
      kind: kind === HandshakeKind.helperKey ? 'helperKey' : 'viewerKey',
      publicKey: payload.subarray(2, 2 + PUBLIC_KEY_BYTES),
      nonce: payload.subarray(2 + PUBLIC_KEY_BYTES),
    };
  }
  throw malformed(`unknown handshake kind ${kind}`);
}

function malformed(message: string): CryptoError {
  return new CryptoError('handshake_malformed', message);
}
