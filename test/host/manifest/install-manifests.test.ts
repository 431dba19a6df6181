import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installManifests, uninstallManifests } from '../../../host/manifest/install-manifests';
import type { LocationContext } from '../../../host/manifest/browser-locations';
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '../../../protocol/extension-ids';
import { ProtocolError } from '../../../protocol/errors';
import { buildHelperBundle, type HelperBundle } from '../native/helper-bundle';

const MANIFEST = `${NATIVE_HOST_NAME}.json`;
let bundle: HelperBundle;
let home: string;
let root: string;
let ctx: LocationContext;

beforeAll(async () => {
  // A folder name with a space and a quote: the launcher must quote it for sh.
  bundle = await buildHelperBundle("it's here");
});
afterAll(() => bundle?.remove());
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lifeline-home-'));
  root = mkdtempSync(join(tmpdir(), 'lifeline-root-'));
  ctx = { platform: 'linux', home, root };
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

const install = (extra: Partial<Parameters<typeof installManifests>[0]> = {}) =>
  installManifests({
    browsers: ['chrome', 'chromium', 'edge', 'firefox'],
    scope: 'user',
    ctx,
    nodePath: process.execPath,
    bundlePath: bundle.path,
    ...extra,
  });
const json = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('installManifests (Linux, per user)', () => {
  it('writes one launcher and a manifest per browser, pinned to our extension IDs', () => {
    const report = install();
    const launcher = join(home, '.local/lib/lifeline/lifeline-helper-host');
    expect(report.files.map((f) => [f.change, f.path.slice(home.length)])).toEqual([
      ['written', '/.local/lib/lifeline/lifeline-helper-host'],
      ['written', `/.config/google-chrome/NativeMessagingHosts/${MANIFEST}`],
      ['written', `/.config/chromium/NativeMessagingHosts/${MANIFEST}`],
      ['written', `/.config/microsoft-edge/NativeMessagingHosts/${MANIFEST}`],
      ['written', `/.mozilla/native-messaging-hosts/${MANIFEST}`],
    ]);
    expect(json(join(home, `.config/chromium/NativeMessagingHosts/${MANIFEST}`))).toEqual({
      name: NATIVE_HOST_NAME,
      description: expect.any(String),
      path: launcher,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${CHROME_EXTENSION_ID}/`],
    });
    expect(json(join(home, `.mozilla/native-messaging-hosts/${MANIFEST}`))).toEqual({
      name: NATIVE_HOST_NAME,
      description: expect.any(String),
      path: launcher,
      type: 'stdio',
      allowed_extensions: [FIREFOX_EXTENSION_ID],
    });
    expect(statSync(launcher).mode & 0o777).toBe(0o755);
  });

  it('writes a launcher that really starts the bundled helper, whatever the path contains', () => {
    install({ browsers: ['chromium'] });
    const launcher = join(home, '.local/lib/lifeline/lifeline-helper-host');
    expect(execFileSync(launcher, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('is harmless to run again: same files, reported unchanged', () => {
    install();
    const before = readFileSync(join(home, `.config/chromium/NativeMessagingHosts/${MANIFEST}`));
    const again = install();
    expect(again.files.every((f) => f.change === 'unchanged')).toBe(true);
    expect(readFileSync(join(home, `.config/chromium/NativeMessagingHosts/${MANIFEST}`))).toEqual(before);
  });

  it('by default installs only for the browsers found, and says which it skipped', () => {
    mkdirSync(join(home, '.config/chromium'), { recursive: true });
    mkdirSync(join(home, '.mozilla'), { recursive: true });
    const report = install({ browsers: 'detected' });
    expect(report.files.filter((f) => f.browser).map((f) => f.browser)).toEqual(['chromium', 'firefox']);
    expect(report.skipped.map((s) => s.browser)).toEqual(['chrome', 'edge']);
    expect(existsSync(join(home, '.config/google-chrome'))).toBe(false);
  });

  it('uninstall removes only our files and leaves browser folders and other hosts alone', () => {
    install();
    const dir = join(home, '.config/chromium/NativeMessagingHosts');
    writeFileSync(join(dir, 'com.other.host.json'), '{"name":"com.other.host"}');
    const report = uninstallManifests({ browsers: 'detected', scope: 'user', ctx });
    expect(report.files.filter((f) => f.change === 'removed')).toHaveLength(5);
    expect(existsSync(join(dir, MANIFEST))).toBe(false);
    expect(existsSync(join(dir, 'com.other.host.json'))).toBe(true);
    expect(existsSync(join(home, '.local/lib/lifeline'))).toBe(false);
    expect(existsSync(join(home, '.local/lib'))).toBe(true);
    expect(uninstallManifests({ browsers: 'detected', scope: 'user', ctx }).files).toEqual([]);
  });

  it('keeps the shared launcher while another browser still uses it', () => {
    install();
    uninstallManifests({ browsers: ['chrome'], scope: 'user', ctx });
    expect(existsSync(join(home, '.local/lib/lifeline/lifeline-helper-host'))).toBe(true);
    uninstallManifests({ browsers: ['chromium', 'edge', 'firefox'], scope: 'user', ctx });
    expect(existsSync(join(home, '.local/lib/lifeline/lifeline-helper-host'))).toBe(false);
  });

  it('never removes a file that is not ours', () => {
    const dir = join(home, '.config/chromium/NativeMessagingHosts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, MANIFEST), '{"name":"someone.else"}');
    mkdirSync(join(home, '.local/lib/lifeline'), { recursive: true });
    writeFileSync(join(home, '.local/lib/lifeline/lifeline-helper-host'), '#!/bin/sh\necho not ours\n');
    expect(uninstallManifests({ browsers: ['chromium'], scope: 'user', ctx }).files).toEqual([]);
    expect(readFileSync(join(dir, MANIFEST), 'utf8')).toContain('someone.else');
  });
});

describe('installManifests (other scopes and systems)', () => {
  it('writes the system-wide Linux locations under the root', () => {
    const report = install({ scope: 'system' });
    expect(report.files.map((f) => f.path.slice(root.length))).toEqual([
      '/usr/local/lib/lifeline/lifeline-helper-host',
      `/etc/opt/chrome/native-messaging-hosts/${MANIFEST}`,
      `/etc/chromium/native-messaging-hosts/${MANIFEST}`,
      `/etc/opt/edge/native-messaging-hosts/${MANIFEST}`,
      `/usr/lib/mozilla/native-messaging-hosts/${MANIFEST}`,
    ]);
  });

  it('writes into one Chromium user-data-dir, launcher beside the manifest', () => {
    const profile = join(home, 'profile');
    const report = install({ browsers: 'detected', userDataDir: profile });
    expect(report.files.map((f) => f.path)).toEqual([
      join(profile, 'NativeMessagingHosts/lifeline-helper-host'),
      join(profile, 'NativeMessagingHosts', MANIFEST),
    ]);
    expect(json(join(profile, 'NativeMessagingHosts', MANIFEST))).toMatchObject({
      path: join(profile, 'NativeMessagingHosts/lifeline-helper-host'),
    });
    const removed = uninstallManifests({ browsers: 'detected', scope: 'user', userDataDir: profile, ctx });
    expect(removed.files).toHaveLength(2);
    expect(existsSync(join(profile, 'NativeMessagingHosts'))).toBe(true);
  });

  it('refuses Firefox with a user-data-dir, Windows, and a missing bundle, with codes', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof ProtocolError ? err.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => install({ browsers: ['firefox'], userDataDir: join(home, 'p') }))).toBe(
      'bad_request',
    );
    expect(codeOf(() => install({ ctx: { ...ctx, platform: 'win32' } }))).toBe('os_not_supported');
    expect(codeOf(() => install({ bundlePath: join(home, 'missing.mjs') }))).toBe('not_found');
  });

  it('uses the macOS folders on darwin, per user and system-wide', () => {
    const mac = { ...ctx, platform: 'darwin' };
    const user = install({ ctx: mac, browsers: ['chrome', 'firefox'] });
    expect(user.files.map((f) => f.path.slice(home.length))).toEqual([
      '/Library/Application Support/Lifeline/lifeline-helper-host',
      `/Library/Application Support/Google/Chrome/NativeMessagingHosts/${MANIFEST}`,
      `/Library/Application Support/Mozilla/NativeMessagingHosts/${MANIFEST}`,
    ]);
    const system = install({ ctx: mac, scope: 'system', browsers: ['chrome', 'edge'] });
    expect(system.files.map((f) => f.path.slice(root.length))).toEqual([
      '/Library/Application Support/Lifeline/lifeline-helper-host',
      `/Library/Google/Chrome/NativeMessagingHosts/${MANIFEST}`,
      `/Library/Microsoft/Edge/NativeMessagingHosts/${MANIFEST}`,
    ]);
  });
});
