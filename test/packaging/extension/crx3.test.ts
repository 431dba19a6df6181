/**
 * CRX3 written by us, checked the way Chromium checks a self-hosted package; and the other way
 * round, a package Chromium's own packer makes (`chromium --pack-extension`) passes our check with
 * the same ID, which keeps our reading of the format honest. Tampering anywhere (archive, id,
 * signature, header) fails with a message naming the check.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { CRX_MAGIC, MAX_HEADER_BYTES, verifyCrx3, writeCrx3 } from '../../../packaging/extension/crx3';
import { bytesField } from '../../../packaging/extension/protobuf';
import { crxIdBytes, DEVELOPMENT_KEY_FILE, loadSigningKey } from '../../../packaging/extension/signing-key';
import { zipFolder } from '../../../packaging/extension/zip-folder';

const dir = mkdtempSync(join(tmpdir(), 'lifeline-crx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const extDir = join(dir, 'ext');
mkdirSync(join(extDir, 'icon'), { recursive: true });
writeFileSync(join(extDir, 'manifest.json'), '{"manifest_version":3,"name":"t","version":"1.2.3"}');
writeFileSync(join(extDir, 'icon/a.txt'), 'hello');
const key = loadSigningKey(DEVELOPMENT_KEY_FILE);
const zip = zipFolder(extDir);
const crx = writeCrx3(zip, key);
/** Offset of the archive inside the package. */
const zipAt = 12 + crx.readUInt32LE(8);

describe('CRX3', () => {
  it('writes a package that verifies, under the key’s ID, with the archive intact', () => {
    const got = verifyCrx3(crx);
    expect(got.extensionId).toBe(key.extensionId);
    expect(got.publicKeyDer.equals(key.publicKeyDer)).toBe(true);
    expect(Object.keys(unzipSync(got.zip)).sort()).toEqual(['icon/a.txt', 'manifest.json']);
    expect(crx.subarray(0, 4).equals(CRX_MAGIC)).toBe(true);
  });

  it('zips reproducibly: the same files give the same package bytes', () => {
    expect(writeCrx3(zipFolder(extDir), key).equals(crx)).toBe(true);
  });

  it('accepts what Chromium’s own packer makes, with the same ID', () => {
    const out = join(dir, 'chromium');
    mkdirSync(out);
    const copy = join(out, 'ext');
    mkdirSync(copy);
    writeFileSync(join(copy, 'manifest.json'), readFileSync(join(extDir, 'manifest.json')));
    const r = spawnSync(
      '/usr/bin/chromium',
      [
        '--headless',
        '--no-sandbox',
        `--pack-extension=${copy}`,
        `--pack-extension-key=${DEVELOPMENT_KEY_FILE}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(verifyCrx3(readFileSync(join(out, 'ext.crx'))).extensionId).toBe(key.extensionId);
  });

  it('refuses a changed archive byte, a changed id, a foreign signature and broken headers', () => {
    const flipped = Buffer.from(crx);
    flipped.writeUInt8(flipped.readUInt8(zipAt + 40) ^ 0x01, zipAt + 40);
    expect(() => verifyCrx3(flipped)).toThrow(/signature does not verify/);

    // Signed by another key, but claiming our ID: no proof has the key the id names.
    const other = loadSigningKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    const foreign = writeCrx3(zip, other);
    const header = foreign.subarray(12, 12 + foreign.readUInt32LE(8));
    const idAt = header.indexOf(crxIdBytes(other.publicKeyDer));
    expect(idAt).toBeGreaterThan(0);
    const forged = Buffer.from(foreign);
    crxIdBytes(key.publicKeyDer).copy(forged, 12 + idAt);
    expect(() => verifyCrx3(forged)).toThrow(/no RSA proof/);

    expect(() => verifyCrx3(Buffer.from('PK\x03\x04not a crx'))).toThrow(/no Cr24 magic/);
    const v2 = Buffer.from(crx);
    v2.writeUInt32LE(2, 4);
    expect(() => verifyCrx3(v2)).toThrow(/version 2/);
    const huge = Buffer.from(crx);
    huge.writeUInt32LE(MAX_HEADER_BYTES + 1, 8);
    expect(() => verifyCrx3(huge)).toThrow(/over the limit/);
    expect(() => verifyCrx3(crx.subarray(0, 40))).toThrow(/runs past the end/);
    const lying = Buffer.concat([crx.subarray(0, 12), bytesField(10000, Buffer.from([0x0a, 0xff]))]);
    lying.writeUInt32LE(lying.length - 12, 8);
    expect(() => verifyCrx3(lying)).toThrow(/malformed/);
  });
});

function loadSigningKeyFrom(privateKey: KeyObject) {
  const file = join(dir, 'other.pem');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return loadSigningKey(file);
}
