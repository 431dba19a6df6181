/**
 * The signing key fixes the extension's ID: the repository's development key must give exactly
 * the ID and manifest key protocol/extension-ids.ts declares (everything else is built from
 * those), and keys that cannot sign a package Chrome accepts are refused with a message that says
 * how to make a right one.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID, MANIFEST_PUBLIC_KEY } from '../../../protocol/extension-ids';
import {
  DEVELOPMENT_KEY_FILE,
  extensionIdFromBytes,
  loadSigningKey,
  signingKeyFile,
  SigningKeyError,
} from '../../../packaging/extension/signing-key';
import { buildIdentity, BuildIdentityError } from '../../../packaging/extension/build-identity';

const dir = mkdtempSync(join(tmpdir(), 'lifeline-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keyFile(name: string, pem: string): string {
  const file = join(dir, name);
  writeFileSync(file, pem);
  return file;
}

describe('extension signing key', () => {
  it('the development key gives the ID and manifest key the protocol declares', () => {
    const key = loadSigningKey(DEVELOPMENT_KEY_FILE);
    expect(key.extensionId).toBe(CHROME_EXTENSION_ID);
    expect(key.manifestKey).toBe(MANIFEST_PUBLIC_KEY);
    expect(key.development).toBe(true);
  });

  it('LIFELINE_EXTENSION_KEY chooses IT’s own key, which gives another ID', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const file = keyFile('it.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    expect(signingKeyFile({ LIFELINE_EXTENSION_KEY: file })).toBe(file);
    expect(signingKeyFile({})).toBe(DEVELOPMENT_KEY_FILE);
    const key = loadSigningKey(file);
    expect(key.development).toBe(false);
    expect(key.extensionId).toMatch(/^[a-p]{32}$/);
    expect(key.extensionId).not.toBe(CHROME_EXTENSION_ID);
  });

  it('writes ID bytes as letters a-p, high nibble first', () => {
    expect(extensionIdFromBytes(Buffer.from('00ff1e', 'hex'))).toBe('aappbo');
  });

  it('refuses a missing file, a non-key, a short RSA key and an EC key, saying what to do', () => {
    expect(() => loadSigningKey(join(dir, 'none.pem'))).toThrow(/cannot be read.*LIFELINE_EXTENSION_KEY/);
    expect(() => loadSigningKey(keyFile('junk.pem', 'hello'))).toThrow(SigningKeyError);
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expect(() =>
      loadSigningKey(keyFile('short.pem', short.export({ type: 'pkcs8', format: 'pem' }).toString())),
    ).toThrow(/at least 2048 bits.*openssl genpkey/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() =>
      loadSigningKey(keyFile('ec.pem', ec.export({ type: 'pkcs8', format: 'pem' }).toString())),
    ).toThrow(/must be an RSA key/);
    expect(() => loadSigningKey(keyFile('huge.pem', 'x'.repeat(100_000)))).toThrow(/not a PEM private key/);
  });
});

describe('build identity', () => {
  const key = loadSigningKey(DEVELOPMENT_KEY_FILE);

  it('names update manifests on the public URL only when one is given', () => {
    expect(buildIdentity({}, key).chromeUpdateUrl).toBeUndefined();
    const id = buildIdentity({ LIFELINE_PUBLIC_URL: 'https://help.example.com/some/path' }, key);
    expect(id.chromeUpdateUrl).toBe('https://help.example.com/downloads/extension/updates.xml');
    expect(id.firefoxUpdateUrl).toBe('https://help.example.com/downloads/extension/updates.json');
  });

  it('takes IT’s Firefox add-on ID and refuses what AMO would refuse', () => {
    expect(buildIdentity({ LIFELINE_FIREFOX_EXTENSION_ID: 'lifeline@it.example.com' }, key).firefoxId).toBe(
      'lifeline@it.example.com',
    );
    expect(() => buildIdentity({ LIFELINE_FIREFOX_EXTENSION_ID: 'no spaces allowed' }, key)).toThrow(
      BuildIdentityError,
    );
    expect(() => buildIdentity({ LIFELINE_PUBLIC_URL: 'ftp://x' }, key)).toThrow(/not an http\(s\) address/);
  });
});
