/**
 * The helper packages as a fleet gets them, carrying the real single executables
 * (scripts/build-sea.mjs, built once and cached under dist/ by ensureSea: the Windows session
 * suite builds the same .exe, so a CI run builds each target at most once):
 * - the .deb with the Linux executable, extracted into a temporary root, is found by the real
 *   browsers' native messaging: Chromium and Firefox ESR run in private mount namespaces where
 *   /etc/chromium, /usr/lib/mozilla and /opt are that root's (so each reads the package's
 *   system-wide manifest and starts /opt/lifeline-helper/lifeline-helper), and an extension with
 *   our ID gets the executable's host.hello reply (sendNativeMessage);
 * - the .msi with the Windows executable, installed silently under Wine (`msiexec /i /qn`, a fresh
 *   WINEPREFIX), writes the executable, the manifests and the HKLM keys of the four browsers; the
 *   installed .exe is then found and started the way a Windows browser does it
 *   (windows-native-lookup.mjs, run by node.exe under Wine: registry key -> manifest -> path,
 *   the browser's arguments, Windows pipes, a length-prefixed host.hello): no Windows browser runs
 *   here, so that script stands in for the browser's own lookup; `msiexec /x /qn` removes it all,
 *   and HKLM\Software after is what it was before, but for Windows Installer's own empty
 *   bookkeeping keys.
 * The packages differ from `npm run package:helper`'s only in the .deb's compression (gzip -1
 * instead of xz, which takes minutes on the 122 MiB executable).
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb } from '../../../packaging/helper/build-deb';
import { buildMsi } from '../../../packaging/helper/build-msi';
import { LINUX_EXECUTABLE, WINDOWS_REGISTRY_KEYS } from '../../../packaging/helper/helper-package-contents';
import {
  CHROME_EXTENSION_ID,
  FIREFOX_EXTENSION_ID,
  MANIFEST_PUBLIC_KEY,
  NATIVE_HOST_NAME,
} from '../../../protocol/extension-ids';
// @ts-expect-error -- plain JS build script without type declarations
import { ensureSea } from '../../../scripts/build-sea.mjs';
import { ensureBuilt } from '../../support/agent-extension';
import { CHROMIUM, CHROMIUM_FLAGS, extensionWorkerTarget } from '../../support/chromium';
import { freshPrefix, readOutput, windowsNode, WINE, type WinePrefix } from '../../support/wine';
import { EXTENSION_UUID, extensionPage, FIREFOX_BUILD } from '../extension/firefox-launch';
import { browserInPrivateMounts, isRoot } from './private-mounts';

const WINESERVER = '/usr/lib/wine/wineserver';
const FIREFOX = '/usr/lib/firefox-esr/firefox-esr';
const run = promisify(execFile);
/** Keys Wine rewrites by itself as programs start (its view of the network cards). */
const WINE_VOLATILE = /CurrentVersion\\\\NetworkCards/;
/** What a browser sends first, and the reply the real helper gives to it. */
const HELLO = { type: 'host.hello', id: 'h1', extensionVersion: '0.0.1' };
const helloReply = (platform: string) => ({
  type: 'reply',
  id: 'h1',
  result: expect.objectContaining({
    version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    os: expect.objectContaining({ platform }),
  }),
});

let work: string;

beforeAll(() => {
  if (!isRoot())
    throw new Error('the helper package suite needs root: it runs the browsers in private mount namespaces');
  work = mkdtempSync(join(tmpdir(), 'lifeline-helper-packages-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
});

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('.deb with the Linux single executable: found by the browsers’ native messaging', () => {
  let root: string;

  beforeAll(async () => {
    const exe = (await ensureSea('linux-x64')) as string;
    const deb = buildDeb({
      executable: exe,
      version: '0.1.0',
      outDir: join(work, 'out'),
      compression: 'fast',
    });
    root = join(work, 'deb-root');
    const r = spawnSync('dpkg-deb', ['-x', deb, root], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(sha256(join(root, LINUX_EXECUTABLE))).toBe(sha256(exe));
    // What Debian's chromium and firefox-esr have in the folders mounted over stays visible
    // beside the package's files.
    cpSync('/etc/chromium', join(root, 'etc/chromium'), { recursive: true });
    cpSync('/usr/lib/mozilla', join(root, 'usr/lib/mozilla'), { recursive: true });
  }, 300_000);

  it('Chromium starts the packaged executable from /etc/chromium/native-messaging-hosts', async () => {
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
      `self.hello = () => chrome.runtime.sendNativeMessage(${JSON.stringify(NATIVE_HOST_NAME)}, ${JSON.stringify(HELLO)});`,
    );
    const namespace = join(work, 'chromium-namespace');
    mkdirSync(namespace);
    const chromium: Browser = await puppeteer.launch({
      executablePath: browserInPrivateMounts(namespace, CHROMIUM, [
        { source: join(root, 'etc/chromium'), target: '/etc/chromium' },
        { source: join(root, 'opt'), target: '/opt' },
      ]),
      headless: true,
      pipe: true,
      enableExtensions: [extension],
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${join(work, 'chromium-profile')}`],
    });
    try {
      const worker: WebWorker = (await (
        await extensionWorkerTarget(chromium, `chrome-extension://${CHROME_EXTENSION_ID}/`, 30_000)
      ).worker())!;
      const reply = await worker.evaluate(() => (self as unknown as { hello(): Promise<unknown> }).hello());
      expect(reply).toEqual(helloReply('linux'));
    } finally {
      await chromium.close().catch(() => undefined);
    }
  });

  it('Firefox ESR starts the packaged executable from /usr/lib/mozilla/native-messaging-hosts', async () => {
    ensureBuilt(FIREFOX_BUILD, ['wxt', 'build', '-b', 'firefox', '--mv3'], { LIFELINE_E2E: '1' });
    const namespace = join(work, 'firefox-namespace');
    // A HOME of its own: a manifest of the same name in ~/.mozilla would be read before the system one.
    const home = join(work, 'home');
    mkdirSync(namespace);
    mkdirSync(home);
    const firefox: Browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: browserInPrivateMounts(namespace, FIREFOX, [
        { source: join(root, 'usr/lib/mozilla'), target: '/usr/lib/mozilla' },
        { source: join(root, 'opt'), target: '/opt' },
      ]),
      headless: true,
      env: { ...process.env, HOME: home },
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_EXTENSION_ID]: EXTENSION_UUID }),
      },
    });
    try {
      await firefox.installExtension(FIREFOX_BUILD);
      const popup = await extensionPage(firefox, '/popup.html', 30_000);
      const reply = await popup.evaluate(
        (name, hello) => browser.runtime.sendNativeMessage(name, hello),
        NATIVE_HOST_NAME,
        HELLO,
      );
      expect(reply).toEqual(helloReply('linux'));
    } finally {
      await firefox.close().catch(() => undefined);
    }
  });
});

describe('.msi with the Windows single executable, under Wine', () => {
  let wine: WinePrefix;
  let msi: string;
  let exe: string;
  const wineRun = (...args: string[]) =>
    run(WINE, args, { env: wine.env, encoding: 'utf8', timeout: 180_000 });
  const programFiles = () => join(wine.prefix, 'drive_c/Program Files/Lifeline');
  /**
   * HKLM\Software as Wine keeps it on disk (system.reg, written when the wineserver exits, which
   * this waits for): key -> its value lines. Software holds every key a package writes and Windows
   * Installer's records; the rest holds Wine's display keys, which change on their own. Reading the
   * file is much faster than `regedit /E` (a 5 MB export) on a busy machine.
   */
  const hklmSoftware = (): Map<string, string[]> => {
    spawnSync(WINESERVER, ['-w'], { env: wine.env });
    const keys = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of readFileSync(join(wine.prefix, 'system.reg'), 'utf8').split('\n')) {
      const key = /^\[(.*)\]( \d+)?$/.exec(line);
      if (key) {
        current = key[1]!.startsWith(String.raw`Software\\`) ? [] : undefined;
        if (current) keys.set(key[1]!, current);
      } else if (current && line.trim() && !line.startsWith('#')) current.push(line);
    }
    return keys;
  };
  let before: Map<string, string[]>;

  beforeAll(async () => {
    exe = (await ensureSea('win-x64')) as string;
    msi = buildMsi({ executable: exe, version: '0.1.0', outDir: join(work, 'out') });
    // No display: neither msiexec /qn nor the helper in native-messaging mode opens a window.
    wine = freshPrefix('');
    // Not there before (and Wine has started once in this prefix: what it writes then is not ours).
    expect(wine.regQuery(`HKLM\\${WINDOWS_REGISTRY_KEYS[0]!.key}`)).toBeNull();
    before = hklmSoftware();
  }, 300_000);
  afterAll(async () => {
    await wine?.stop();
  });

  it('installs silently the executable, the manifests and the four browsers’ keys', async () => {
    expect(before.size).toBeGreaterThan(100);
    await wineRun('msiexec', '/i', msi, '/qn');
    expect(sha256(join(programFiles(), 'lifeline-helper.exe'))).toBe(sha256(exe));
    for (const f of ['chromium-host.json', 'firefox-host.json'])
      expect(existsSync(join(programFiles(), f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(programFiles(), 'chromium-host.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({
      path: 'lifeline-helper.exe',
      allowed_origins: [`chrome-extension://${CHROME_EXTENSION_ID}/`],
    });
    for (const { key, family } of WINDOWS_REGISTRY_KEYS)
      expect(wine.regQuery(`HKLM\\${key}`)).toBe(`C:\\Program Files\\Lifeline\\${family}-host.json`);
  }, 240_000);

  // Stands in for the browsers' own lookup (no Windows browser runs here): registry -> manifest ->
  // executable, started with the browser's arguments over Windows pipes (windows-native-lookup.mjs).
  const lookups = [
    { family: 'chromium', browser: 'chrome', caller: `chrome-extension://${CHROME_EXTENSION_ID}/` },
    { family: 'firefox', browser: 'firefox', caller: FIREFOX_EXTENSION_ID },
  ] as const;
  for (const { family, browser, caller } of lookups) {
    it(`the installed .exe answers host.hello when started as ${browser} starts it`, async () => {
      const { nodeExe } = await windowsNode();
      const key = WINDOWS_REGISTRY_KEYS.find((k) => k.browser === browser)!.key;
      const out = join(work, `lookup-${browser}.json`);
      // Its own output goes to a file: under Wine, node.exe's stdout to a pipe fails.
      const lookup = wine.start(
        nodeExe,
        [
          wine.windowsPath(join(import.meta.dirname, 'windows-native-lookup.mjs')),
          wine.windowsPath(out),
          family,
          `HKLM\\${key}`,
          caller,
        ],
        join(work, `lookup-${browser}.log`),
      );
      await new Promise((done) => lookup.once('exit', done));
      expect(existsSync(out), readOutput(join(work, `lookup-${browser}.log`))).toBe(true);
      const outcome = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      expect(outcome, JSON.stringify(outcome)).toMatchObject({
        manifestPath: `C:\\Program Files\\Lifeline\\${family}-host.json`,
        executable: 'C:\\Program Files\\Lifeline\\lifeline-helper.exe',
        reply: helloReply('win32'),
        exitCode: 0,
      });
    }, 240_000);
  }

  it('uninstalls silently, leaving the registry as it was', async () => {
    await wineRun('msiexec', '/x', msi, '/qn');
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
  }, 240_000);
});

declare const browser: { runtime: { sendNativeMessage(name: string, message: unknown): Promise<unknown> } };
