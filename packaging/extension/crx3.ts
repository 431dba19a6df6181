/**
 * CRX3, the package Chrome, Chromium and Edge install, written and verified here (the format is
 * Chromium's components/crx_file/crx3.proto; no packer dependency, the format is small):
 *
 *   "Cr24" | uint32 LE version = 3 | uint32 LE N | N bytes: CrxFileHeader | the zip archive
 *
 *   CrxFileHeader {
 *     repeated AsymmetricKeyProof sha256_with_rsa = 2;    { bytes public_key = 1; bytes signature = 2; }
 *     repeated AsymmetricKeyProof sha256_with_ecdsa = 3;  (not written; proofs of that kind are skipped)
 *     bytes signed_header_data = 10000;                   SignedData { bytes crx_id = 1; } (16 bytes)
 *   }
 *
 * Each proof's signature is RSASSA-PKCS1-v1_5 with SHA-256 over
 *   "CRX3 SignedData\x00" | uint32 LE length of signed_header_data | signed_header_data | the zip
 * so it covers the whole archive. Chromium accepts a package when a valid proof's key hashes to
 * crx_id (the developer key; the store adds a publisher proof of its own, which self-hosted
 * packages do not need), and the ID it installs under is crx_id written as letters a-p.
 */
import { sign, verify, createPublicKey } from 'node:crypto';
import { bytesField, readFields, ProtobufError } from './protobuf';
import { crxIdBytes, extensionIdFromBytes, type SigningKey } from './signing-key';

export const CRX_MAGIC = Buffer.from('Cr24', 'latin1');
export const CRX_VERSION = 3;
/** Fixed part: magic, version, header length. */
const PREFIX_BYTES = 12;
/** Chromium refuses headers it cannot hold safely; ours are ~600 bytes, so 64 KiB is generous. */
export const MAX_HEADER_BYTES = 64 * 1024;
const SIGNATURE_CONTEXT = Buffer.from('CRX3 SignedData\x00', 'latin1');

const HEADER_RSA_PROOF = 2;
const HEADER_SIGNED_DATA = 10000;
const PROOF_PUBLIC_KEY = 1;
const PROOF_SIGNATURE = 2;
const SIGNED_DATA_CRX_ID = 1;

function uint32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function signedPayload(signedHeaderData: Buffer, zip: Uint8Array): Buffer[] {
  return [SIGNATURE_CONTEXT, uint32le(signedHeaderData.length), signedHeaderData, Buffer.from(zip)];
}

/** Packs `zip` (the extension's files, manifest.json at the root) into a signed CRX3. */
export function writeCrx3(zip: Uint8Array, key: SigningKey): Buffer {
  const signedHeaderData = bytesField(SIGNED_DATA_CRX_ID, crxIdBytes(key.publicKeyDer));
  const signature = sign('sha256', Buffer.concat(signedPayload(signedHeaderData, zip)), key.privateKey);
  const proof = Buffer.concat([
    bytesField(PROOF_PUBLIC_KEY, key.publicKeyDer),
    bytesField(PROOF_SIGNATURE, signature),
  ]);
  const header = Buffer.concat([
    bytesField(HEADER_RSA_PROOF, proof),
    bytesField(HEADER_SIGNED_DATA, signedHeaderData),
  ]);
  return Buffer.concat([CRX_MAGIC, uint32le(CRX_VERSION), uint32le(header.length), header, Buffer.from(zip)]);
}

export interface VerifiedCrx {
  /** The ID Chrome installs the package under. */
  extensionId: string;
  /** DER SPKI of the proof whose key gives that ID. */
  publicKeyDer: Buffer;
  /** The archive (a view into the package). */
  zip: Buffer;
}

export class CrxError extends Error {}

/**
 * Checks a package as Chromium does for a self-hosted install: magic and version, a header within
 * limits, a SignedData with a 16-byte crx_id, and an RSA proof whose key hashes to that id and
 * whose signature verifies over the signed data and the whole archive. Throws CrxError saying
 * which check failed.
 */
export function verifyCrx3(crx: Buffer): VerifiedCrx {
  if (crx.length < PREFIX_BYTES || !crx.subarray(0, 4).equals(CRX_MAGIC))
    throw new CrxError('not a CRX file (no Cr24 magic)');
  const version = crx.readUInt32LE(4);
  if (version !== CRX_VERSION) throw new CrxError(`CRX version ${version}, expected ${CRX_VERSION}`);
  const headerBytes = crx.readUInt32LE(8);
  if (headerBytes > MAX_HEADER_BYTES)
    throw new CrxError(`CRX header of ${headerBytes} bytes is over the limit`);
  if (PREFIX_BYTES + headerBytes > crx.length) throw new CrxError('CRX header runs past the end of the file');
  const header = crx.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes);
  const zip = crx.subarray(PREFIX_BYTES + headerBytes);
  try {
    const fields = readFields(header);
    const signedHeaderData = fields.find((f) => f.fieldNumber === HEADER_SIGNED_DATA)?.bytes;
    if (!signedHeaderData) throw new CrxError('CRX header has no signed data');
    const crxId = readFields(signedHeaderData).find((f) => f.fieldNumber === SIGNED_DATA_CRX_ID)?.bytes;
    if (!crxId || crxId.length !== 16) throw new CrxError('CRX signed data has no 16-byte id');
    const payload = Buffer.concat(signedPayload(signedHeaderData, zip));
    for (const proof of fields.filter((f) => f.fieldNumber === HEADER_RSA_PROOF)) {
      const parts = readFields(proof.bytes ?? Buffer.alloc(0));
      const publicKeyDer = parts.find((f) => f.fieldNumber === PROOF_PUBLIC_KEY)?.bytes;
      const signature = parts.find((f) => f.fieldNumber === PROOF_SIGNATURE)?.bytes;
      if (!publicKeyDer || !signature || !crxIdBytes(publicKeyDer).equals(crxId)) continue;
      const publicKey = createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' });
      if (!verify('sha256', payload, publicKey, signature))
        throw new CrxError('CRX signature does not verify');
      return { extensionId: extensionIdFromBytes(crxId), publicKeyDer: Buffer.from(publicKeyDer), zip };
    }
    throw new CrxError('no RSA proof in the CRX header has the key its id names');
  } catch (err) {
    if (err instanceof ProtobufError) throw new CrxError(`CRX header is malformed: ${err.message}`);
    throw err;
  }
}
