/**
 * From an ECDH shared secret and the handshake transcript to the session's keys:
 *
 *   th        = SHA-256("lifeline-e2e-v1" || commit || helper-key || viewer-key)   (the three payloads)
 *   prk       = HKDF-Extract(salt = th, ikm = ECDH(P-256) x-coordinate)
 *   h2v, v2h  = HKDF-Expand(prk, "lifeline-e2e-v1 helper->viewer" | "... viewer->helper"), AES-256-GCM
 *   sas       = HKDF-Expand(prk, "lifeline-e2e-v1 sas", 4 bytes) as a uint32, mod 10^6: 6 digits
 *
 * Both public keys and both nonces are in the transcript, so a relay that swaps keys gets other
 * keys and (with probability 1 - 10^-6) another SAS on each side. Keys are non-extractable.
 */
import { concatBytes, subtle } from './subtle';

const LABEL = 'lifeline-e2e-v1';
/** Digits of the short authentication string people compare. */
export const SAS_DIGITS = 6;
const SAS_MODULUS = 10 ** SAS_DIGITS;
const AES_KEY_BITS = 256;

export interface SessionKeys {
  helperToViewer: CryptoKey;
  viewerToHelper: CryptoKey;
  /** Six digits, shown as "123 456". */
  sas: string;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export async function deriveSessionKeys(
  sharedSecret: ArrayBuffer,
  transcript: Uint8Array[],
): Promise<SessionKeys> {
  const s = subtle();
  const th = new Uint8Array(await s.digest('SHA-256', concatBytes(utf8(LABEL), ...transcript)));
  const prk = await s.importKey('raw', sharedSecret, 'HKDF', false, ['deriveKey', 'deriveBits']);
  const hkdf = (label: string): HkdfParams => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: th,
    info: utf8(`${LABEL} ${label}`),
  });
  const aes = { name: 'AES-GCM', length: AES_KEY_BITS };
  const [helperToViewer, viewerToHelper, sasBits] = await Promise.all([
    s.deriveKey(hkdf('helper->viewer'), prk, aes, false, ['encrypt', 'decrypt']),
    s.deriveKey(hkdf('viewer->helper'), prk, aes, false, ['encrypt', 'decrypt']),
    s.deriveBits(hkdf('sas'), prk, 32),
  ]);
  return { helperToViewer, viewerToHelper, sas: formatSas(new DataView(sasBits).getUint32(0)) };
}

/** "123 456": two groups of three read well aloud over the phone. */
export function formatSas(value: number): string {
  const digits = String(value % SAS_MODULUS).padStart(SAS_DIGITS, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
