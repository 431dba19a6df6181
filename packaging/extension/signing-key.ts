/**
 * The key that signs the Chrome-family package (.crx) and so fixes the extension's ID.
 *
 * Chrome derives an extension's ID from the public key that signed its CRX: the first 128 bits
 * of SHA-256 over the DER SubjectPublicKeyInfo, written as 32 letters a-p (one per nibble). An
 * unpacked build gets the same ID from the manifest's `key` (that public key, base64), which is
 * why the build puts the signing key's public half there: unpacked, packed and force-installed
 * copies all have one ID.
 *
 * Which key: LIFELINE_EXTENSION_KEY (a path to an RSA private key in PEM, PKCS#8 or PKCS#1), else
 * the repository's development key, which is public on purpose (docs/deployment.md says why and
 * how IT signs with a key of their own).
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEVELOPMENT_KEY_FILE = join(REPOSITORY_ROOT, 'packaging/keys/development-extension-key.pem');
/** The environment variable naming IT's own key file. */
export const KEY_FILE_VARIABLE = 'LIFELINE_EXTENSION_KEY';
/** Chrome signs with RSA; keys under 2048 bits are refused here (too weak to sign code). */
export const MIN_RSA_BITS = 2048;
/** A PEM private key is a few KiB; anything far larger is not one (checked before reading). */
const MAX_KEY_FILE_BYTES = 64 * 1024;
/** The ID is the first 16 bytes of the SHA-256. */
const ID_BYTES = 16;

export interface SigningKey {
  /** Where the key came from (for messages; never its content). */
  file: string;
  /** True for the repository's public development key. */
  development: boolean;
  privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo: what the CRX header and the ID are made of. */
  publicKeyDer: Buffer;
  /** Base64 of publicKeyDer: the manifest's `key`. */
  manifestKey: string;
  /** The Chrome-family extension ID this key gives. */
  extensionId: string;
}

export class SigningKeyError extends Error {}

/** The 16-byte CRX id of a public key (what the CRX header's signed data carries). */
export function crxIdBytes(publicKeyDer: Uint8Array): Buffer {
  return createHash('sha256').update(publicKeyDer).digest().subarray(0, ID_BYTES);
}

/** 16 id bytes -> 32 letters, each nibble 0-15 written as a-p. */
export function extensionIdFromBytes(id: Uint8Array): string {
  let out = '';
  for (const byte of id) out += String.fromCharCode(97 + (byte >> 4), 97 + (byte & 0x0f));
  return out;
}

export function extensionIdOf(publicKeyDer: Uint8Array): string {
  return extensionIdFromBytes(crxIdBytes(publicKeyDer));
}

/** The key file the build uses: $LIFELINE_EXTENSION_KEY, else the development key. */
export function signingKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env[KEY_FILE_VARIABLE];
  return chosen ? resolve(chosen) : DEVELOPMENT_KEY_FILE;
}

export function loadSigningKey(file: string = signingKeyFile()): SigningKey {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new SigningKeyError(
      `the extension signing key ${file} cannot be read (${KEY_FILE_VARIABLE} names it; docs/deployment.md "Your own signing key" says how to make one)`,
    );
  }
  if (size > MAX_KEY_FILE_BYTES) throw new SigningKeyError(`${file} is ${size} bytes: not a PEM private key`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file));
  } catch (err) {
    throw new SigningKeyError(
      `${file} is not a PEM private key (${err instanceof Error ? err.message : err})`,
    );
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
    throw new SigningKeyError(
      `${file} must be an RSA key of at least ${MIN_RSA_BITS} bits (it is ${privateKey.asymmetricKeyType ?? 'unknown'}${bits ? ` ${bits}` : ''}); make one with: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out extension-key.pem`,
    );
  }
  const publicKeyDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return {
    file,
    development: resolve(file) === DEVELOPMENT_KEY_FILE,
    privateKey,
    publicKeyDer,
    manifestKey: publicKeyDer.toString('base64'),
    extensionId: extensionIdOf(publicKeyDer),
  };
}
