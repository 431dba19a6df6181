/**
 * The packager refuses builds that would install under one ID and be configured for another:
 * a Chrome build whose manifest key is not the signing key's, a Firefox build with another add-on
 * ID, or two builds of different versions.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageExtension } from '../../../packaging/extension/package-extension';
import { DEVELOPMENT_KEY_FILE, loadSigningKey } from '../../../packaging/extension/signing-key';
import { FIREFOX_EXTENSION_ID } from '../../../protocol/extension-ids';

const work = mkdtempSync(join(tmpdir(), 'lifeline-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const key = loadSigningKey(DEVELOPMENT_KEY_FILE);

function folder(name: string, manifest: Record<string, unknown>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 't', version: '1.0.0', ...manifest }),
  );
  return dir;
}

const firefox = folder('firefox', { browser_specific_settings: { gecko: { id: FIREFOX_EXTENSION_ID } } });
const pack = (chromeDir: string, firefoxDir = firefox) =>
  packageExtension({ chromeDir, firefoxDir, outDir: join(work, 'out'), key, env: {} });

describe('packageExtension', () => {
  it('packs matching builds and describes them', () => {
    const info = pack(folder('chrome', { key: key.manifestKey }));
    expect(info.chrome.id).toBe(key.extensionId);
    expect(info.firefox.id).toBe(FIREFOX_EXTENSION_ID);
    expect(info.developmentKey).toBe(true);
  });

  it('refuses a Chrome build made with another key, another add-on ID, or another version', () => {
    expect(() => pack(folder('other-key', { key: 'AAAA' }))).toThrow(/built with another key/);
    expect(() => pack(folder('no-key', {}))).toThrow(/built with another key/);
    const chrome = folder('chrome2', { key: key.manifestKey });
    expect(() =>
      pack(chrome, folder('ff-other', { browser_specific_settings: { gecko: { id: 'x@y.z' } } })),
    ).toThrow(/add-on ID x@y.z/);
    const older = folder('ff-old', {
      version: '0.9.0',
      browser_specific_settings: { gecko: { id: FIREFOX_EXTENSION_ID } },
    });
    expect(() => pack(chrome, older)).toThrow(/different versions/);
    expect(() => pack(join(work, 'missing'))).toThrow(/build the extension first/);
  });
});

describe('a Firefox package signed by AMO (LIFELINE_SIGNED_XPI)', () => {
  const chrome = folder('chrome-signed', { key: key.manifestKey });
  const signedXpi = (name: string, manifest: Record<string, unknown>, signed = true) => {
    const file = join(work, name);
    const entries: Record<string, Uint8Array> = {
      'manifest.json': strToU8(JSON.stringify({ manifest_version: 3, version: '1.0.0', ...manifest })),
    };
    if (signed) entries['META-INF/mozilla.rsa'] = strToU8('signature');
    writeFileSync(file, zipSync(entries));
    return file;
  };
  const gecko = { browser_specific_settings: { gecko: { id: FIREFOX_EXTENSION_ID } } };
  const packWith = (file: string) =>
    packageExtension({
      chromeDir: chrome,
      firefoxDir: firefox,
      outDir: join(work, 'out'),
      key,
      env: { LIFELINE_SIGNED_XPI: file },
    });

  it('serves the signed file as it is', () => {
    const file = signedXpi('good.xpi', gecko);
    const info = packWith(file);
    expect(readFileSync(join(work, 'out', info.firefox.file)).equals(readFileSync(file))).toBe(true);
  });

  it('refuses an unsigned file, another add-on, another version', () => {
    expect(() => packWith(signedXpi('unsigned.xpi', gecko, false))).toThrow(/carries no signature/);
    expect(() =>
      packWith(signedXpi('other.xpi', { browser_specific_settings: { gecko: { id: 'x@y.z' } } })),
    ).toThrow(/is x@y.z 1.0.0, this build is/);
    expect(() => packWith(signedXpi('old.xpi', { ...gecko, version: '0.9.0' }))).toThrow(
      /0.9.0, this build is/,
    );
    expect(() => packWith(join(work, 'none.xpi'))).toThrow(/LIFELINE_SIGNED_XPI/);
  });
});
