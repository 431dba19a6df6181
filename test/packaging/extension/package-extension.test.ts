/**
 * The packager refuses builds that would install under one ID and be configured for another:
 * a Chrome build whose manifest key is not the signing key's, a Firefox build with another add-on
 * ID, or two builds of different versions.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
