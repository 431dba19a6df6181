/**
 * The helper packages as a fleet gets them, with the real programs:
 * - the .deb, extracted into a temporary root, is found by Chromium's native messaging: Chromium
 *   runs in a private mount namespace where /etc/chromium and /opt are that root's (so it reads
 *   the package's system-wide manifest and starts /opt/lifeline-helper/lifeline-helper), and a test
 *   extension with our ID gets the helper's host.hello reply through connectNative;
 * - the .msi, installed silently under Wine (`msiexec /i /qn`, a fresh WINEPREFIX), writes the
 *   executable, the manifests and the HKLM keys of the four browsers; `msiexec /x /qn` removes
 *   them, and HKLM\Software after is what it was before, but for Windows Installer's own empty
 *   bookkeeping keys.
 *
 * The packaged executables stand in for build-sea.mjs's (not on this branch yet): for Linux a
 * launcher of the real helper bundle (the same program, in two files), for Windows one of Wine's
 * own .exe (an installer does not run what it installs). LIFELINE_TEST_HELPER_EXE=FILE packages a
 * real Linux single executable instead (with build-sea.mjs's, 121.8 MiB, the extracted .deb's helper
 * ran by hand; the browser launch of it was not finished here on a machine at load 24).
 */
import { execFile, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb } from '../../../packaging/helper/build-deb';
import { buildMsi } from '../../../packaging/helper/build-msi';
import { WINDOWS_REGISTRY_KEYS } from '../../../packaging/helper/helper-package-contents';
import { CHROME_EXTENSION_ID, MANIFEST_PUBLIC_KEY, NATIVE_HOST_NAME } from '../../../protocol/extension-ids';
import { buildHelperBundle, type HelperBundle } from '../../host/native/helper-bundle';
import { CHROMIUM, CHROMIUM_FLAGS, extensionWorkerTarget } from '../../support/chromium';
import { browserInPrivateMounts, isRoot } from './private-mounts';

const WINE = '/usr/lib/wine/wine64';
const WINESERVER = '/usr/lib/wine/wineserver';
const WINE_EXE_STAND_IN = '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/hostname.exe';
const run = promisify(execFile);
/** Keys Wine rewrites by itself as programs start (its view of the network cards). */
const WINE_VOLATILE = /CurrentVersion\\\\NetworkCards/;

let work: string;

beforeAll(() => {
  if (!isRoot())
    throw new Error('the helper package suite needs root: it runs Chromium in a private mount namespace');
  work = mkdtempSync(join(tmpdir(), 'lifeline-helper-packages-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
});

describe('.deb: found by Chromium’s native messaging', () => {
  let bundle: HelperBundle;
  let chromium: Browser;
  let worker: WebWorker;

  beforeAll(async () => {
    bundle = await buildHelperBundle();
    // LIFELINE_TEST_HELPER_EXE: package a real single executable (scripts/build-sea.mjs) instead.
    let exe = process.env.LIFELINE_TEST_HELPER_EXE ?? '';
    if (!exe) {
      exe = join(work, 'lifeline-helper');
      writeFileSync(exe, `#!/bin/sh\nexec '${process.execPath}' '${bundle.path}' "$@"\n`);
      chmodSync(exe, 0o755);
    }
    const deb = buildDeb({ executable: exe, version: '0.1.0', outDir: join(work, 'out') });
    const root = join(work, 'deb-root');
    const r = spawnSync('dpkg-deb', ['-x', deb, root], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // What Debian's chromium package has in /etc/chromium stays visible beside the package's files.
    cpSync('/etc/chromium', join(root, 'etc/chromium'), { recursive: true });

    const extension = join(work, 'extension');
    mkdirSync(extension);
    writeFileSync(
      join(extension, 'manifest.json'),
      JSON.stringify({
        manifest_version: 3,
        name: 'Lifeline package test',
        version: '0.0.1',
        key: MANIFEST_PUBLIC_KEY,
        permissions: ['nativeMessaging'],
        background: { service_worker: 'sw.js' },
      }),
    );
    writeFileSync(
      join(extension, 'sw.js'),
      `self.hello = () => chrome.runtime.sendNativeMessage(${JSON.stringify(NATIVE_HOST_NAME)}, { type: 'host.hello', id: 'h1', extensionVersion: '0.0.1' });`,
    );
    chromium = await puppeteer.launch({
      executablePath: browserInPrivateMounts(work, CHROMIUM, [
        { source: join(root, 'etc/chromium'), target: '/etc/chromium' },
        { source: join(root, 'opt'), target: '/opt' },
      ]),
      headless: true,
      pipe: true,
      enableExtensions: [extension],
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${join(work, 'profile')}`],
    });
    worker = (await (
      await extensionWorkerTarget(chromium, `chrome-extension://${CHROME_EXTENSION_ID}/`, 30_000)
    ).worker())!;
  });
  afterAll(async () => {
    await chromium?.close().catch(() => undefined);
    bundle?.remove();
  });

  it('starts the packaged helper from the system-wide manifest', async () => {
    const reply = await worker.evaluate(() => (self as unknown as { hello(): Promise<unknown> }).hello());
    expect(reply).toEqual({
      type: 'reply',
      id: 'h1',
      result: expect.objectContaining({
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        os: expect.objectContaining({ platform: 'linux' }),
      }),
    });
  });
});

describe('.msi under Wine', () => {
  let prefix: string;
  let msi: string;
  const env = () => ({ ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', DISPLAY: '' });
  const wine = (...args: string[]) => run(WINE, args, { env: env(), encoding: 'utf8', timeout: 120_000 });
  const programFiles = () => join(prefix, 'drive_c/Program Files/Lifeline');
  /**
   * HKLM\Software as Wine keeps it on disk (system.reg, written when the wineserver exits, which
   * this waits for): key -> its value lines. Software holds every key a package writes and Windows
   * Installer's records; the rest holds Wine's display keys, which change on their own. Reading the
   * file is much faster than `regedit /E` (a 5 MB export) on a busy machine.
   */
  const hklmSoftware = (): Map<string, string[]> => {
    spawnSync(WINESERVER, ['-w'], { env: env() });
    const keys = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of readFileSync(join(prefix, 'system.reg'), 'utf8').split('\n')) {
      const key = /^\[(.*)\]( \d+)?$/.exec(line);
      if (key) {
        current = key[1]!.startsWith(String.raw`Software\\`) ? [] : undefined;
        if (current) keys.set(key[1]!, current);
      } else if (current && line.trim() && !line.startsWith('#')) current.push(line);
    }
    return keys;
  };

  beforeAll(async () => {
    prefix = join(work, 'wineprefix');
    msi = buildMsi({ executable: WINE_EXE_STAND_IN, version: '0.1.0', outDir: join(work, 'out') });
    await wine('wineboot', '--init');
  }, 180_000);
  afterAll(() => {
    if (prefix) spawnSync(WINESERVER, ['-k'], { env: env() });
  });

  it('installs silently: the files and the four browsers’ keys, and uninstalls leaving the registry clean', async () => {
    const before = hklmSoftware();
    expect(before.size).toBeGreaterThan(100);
    await wine('msiexec', '/i', msi, '/qn');
    for (const f of ['lifeline-helper.exe', 'chromium-host.json', 'firefox-host.json'])
      expect(existsSync(join(programFiles(), f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(programFiles(), 'chromium-host.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({
      path: 'lifeline-helper.exe',
      allowed_origins: [`chrome-extension://${CHROME_EXTENSION_ID}/`],
    });
    for (const { key, family } of WINDOWS_REGISTRY_KEYS) {
      const { stdout } = await wine('reg', 'query', `HKLM\\${key}`, '/ve');
      expect(stdout).toContain(`C:\\Program Files\\Lifeline\\${family}-host.json`);
    }

    await wine('msiexec', '/x', msi, '/qn');
    expect(existsSync(programFiles())).toBe(false);
    const after = hklmSoftware();
    expect([...after].flat(2).join('\n')).not.toMatch(/lifeline/i);
    // Keys that appeared: only Windows Installer's bookkeeping containers (on Windows they exist
    // from the first MSI ever installed), left empty. Nothing else appeared, changed or vanished.
    const appeared = [...after.keys()].filter((k) => !before.has(k));
    for (const k of appeared)
      expect(/\\\\Installer(\\\\|$)/.test(k) && after.get(k)!.length === 0, k).toBe(true);
    const changed = [...before].filter(
      ([k, values]) => !WINE_VOLATILE.test(k) && after.get(k)?.join('\n') !== values.join('\n'),
    );
    expect(changed.map(([k]) => k)).toEqual([]);
  }, 180_000);
});
