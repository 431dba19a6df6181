/**
 * The helper packages for fleets, checked as files and as installs that leave nothing behind:
 * - .deb: the file list, the control fields, the manifests (absolute path of the executable, only
 *   our extension allowed); installed with dpkg into a temporary root (`dpkg --root`, its own
 *   database: the machine is not touched) and removed again, nothing of ours is left;
 * - .rpm: the same with rpm --root;
 * - .msi: its File, Component and Registry tables (msiinfo): the executable and both manifests in
 *   one folder, the HKLM keys of Chrome, Chromium, Edge and Firefox pointing at the manifests.
 * Installing the .msi under Wine, and the browsers finding the .deb's helper, with the real
 * single executables inside, are in test/e2e/deploy/helper-packages.test.ts.
 *
 * The inputs stand in for the single executables of scripts/build-sea.mjs (a small script for
 * Linux, one of Wine's own .exe files for Windows): packaging only places them.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb } from '../../../packaging/helper/build-deb';
import { buildMsi, UPGRADE_CODE } from '../../../packaging/helper/build-msi';
import { buildRpm } from '../../../packaging/helper/build-rpm';
import { LINUX_EXECUTABLE, LINUX_MANIFESTS } from '../../../packaging/helper/helper-package-contents';
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '../../../protocol/extension-ids';
import { readdirRecursive } from './files';

/**
 * An install into a root and its removal run dpkg or rpm several times (0.7 s alone); on a
 * machine running the whole unit project at once it took 22 s, past the project's 20 s.
 */
const INSTALL_TIMEOUT_MS = 60_000;

export const WINE_EXE_STAND_IN = '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/hostname.exe';
const VERSION = '1.2.3';
let work: string;
let linuxExe: string;
let deb: string;
let rpm: string;
let msi: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lifeline-helper-pkg-'));
  linuxExe = join(work, 'lifeline-helper');
  writeFileSync(linuxExe, '#!/bin/sh\necho stand-in\n');
  chmodSync(linuxExe, 0o755);
  const out = join(work, 'out');
  deb = buildDeb({ executable: linuxExe, version: VERSION, outDir: out });
  rpm = buildRpm({ executable: linuxExe, version: VERSION, outDir: out });
  msi = buildMsi({ executable: WINE_EXE_STAND_IN, version: VERSION, outDir: out });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

const EXPECTED_FILES = [LINUX_EXECUTABLE, ...LINUX_MANIFESTS.map((m) => m.path)].sort();

function expectManifests(root: string): void {
  for (const m of LINUX_MANIFESTS) {
    const manifest = JSON.parse(readFileSync(join(root, m.path), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: NATIVE_HOST_NAME, path: LINUX_EXECUTABLE, type: 'stdio' });
    if (m.family === 'firefox') expect(manifest.allowed_extensions).toEqual([FIREFOX_EXTENSION_ID]);
    else expect(manifest.allowed_origins).toEqual([`chrome-extension://${CHROME_EXTENSION_ID}/`]);
  }
}

describe('.deb', () => {
  it('holds the executable and the four manifests, and says what it is', () => {
    const files = run('dpkg-deb', ['-c', deb])
      .split('\n')
      .filter((l) => l.startsWith('-'))
      .map((l) => l.split(/\s+/).pop()!.slice(1))
      .sort();
    expect(files).toEqual(EXPECTED_FILES);
    expect(run('dpkg-deb', ['-f', deb, 'Package', 'Version', 'Architecture'])).toBe(
      `Package: lifeline-helper\nVersion: ${VERSION}\nArchitecture: amd64\n`,
    );
    expect(run('dpkg-deb', ['-I', deb])).not.toContain('conffiles');
  });

  it(
    'installs silently into a root and is removed without leaving anything',
    () => {
      const root = join(work, 'deb-root');
      for (const d of ['var/lib/dpkg/updates', 'var/lib/dpkg/info'])
        mkdirSync(join(root, d), { recursive: true });
      for (const f of ['status', 'available']) writeFileSync(join(root, 'var/lib/dpkg', f), '');
      const dpkg = (...args: string[]) =>
        run('dpkg', [`--root=${root}`, '--force-not-root', '--force-depends', '--log=/dev/null', ...args]);
      dpkg('-i', deb);
      expect(readdirRecursive(root).filter((f) => !f.startsWith('var/lib/dpkg'))).toEqual(
        EXPECTED_FILES.map((f) => f.slice(1)),
      );
      expect(statSync(join(root, LINUX_EXECUTABLE)).mode & 0o777).toBe(0o755);
      expectManifests(root);
      dpkg('-r', 'lifeline-helper');
      expect(readdirRecursive(root, true).filter((f) => !f.startsWith('var'))).toEqual([]);
    },
    INSTALL_TIMEOUT_MS,
  );
});

describe('.rpm', () => {
  it(
    'holds the same files and installs and erases cleanly in a root',
    () => {
      const listed = run('rpm', ['-qp', '--qf', '[%{FILEMODES:perms} %{FILENAMES}\n]', rpm]).split('\n');
      expect(
        listed
          .filter((l) => l.startsWith('-'))
          .map((l) => l.split(' ')[1])
          .sort(),
      ).toEqual(EXPECTED_FILES);
      expect(listed).toContain('drwxr-xr-x /opt/lifeline-helper');
      const root = join(work, 'rpm-root');
      // The folders every system has (the package does not own them, as it must not).
      for (const d of ['etc/opt', 'opt', 'usr/lib']) mkdirSync(join(root, d), { recursive: true });
      run('rpm', [`--root=${root}`, '--initdb']);
      const before = new Set(readdirRecursive(root, true));
      run('rpm', [`--root=${root}`, '-i', '--nodeps', rpm]);
      expectManifests(root);
      run('rpm', [`--root=${root}`, '-e', 'lifeline-helper']);
      // Only the rpm database changed: every folder and file of ours is gone.
      const left = readdirRecursive(root, true).filter((f) => !before.has(f) && !/rpmdb|\.rpm\.lock/.test(f));
      expect(left).toEqual([]);
    },
    INSTALL_TIMEOUT_MS,
  );
});

describe('.msi', () => {
  const table = (name: string) =>
    run('msiinfo', ['export', msi, name])
      .split('\n')
      .slice(3)
      .filter(Boolean)
      .map((l) => l.replace(/\r$/, '').split('\t'));

  it('installs the executable and both manifests into one folder, 64-bit, per machine', () => {
    expect(
      table('File')
        .map((r) => [r[0], r[2]])
        .sort(),
    ).toEqual([
      ['HelperExe', 'lifeline-helper.exe'],
      ['Manifest_chromium', 'chromium-host.json'],
      ['Manifest_firefox', 'firefox-host.json'],
    ]);
    const components = table('Component');
    expect(components.every((r) => r[2] === 'INSTALLDIR' && r[3] === '256')).toBe(true);
    expect(table('Directory').find((r) => r[0] === 'INSTALLDIR')?.[2]).toBe('Lifeline');
    expect(table('Property').find((r) => r[0] === 'UpgradeCode')?.[1]).toBe(UPGRADE_CODE);
    expect(run('msiinfo', ['suminfo', msi])).toMatch(/ALLUSERS|Template: x64/);
  });

  it('registers the manifests for Chrome, Chromium, Edge and Firefox under HKLM', () => {
    const rows = table('Registry').map((r) => [r[1], r[2], r[3] ?? '', r[4], r[5]]);
    const key = (vendor: string) => `Software\\${vendor}\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`;
    expect(rows.sort()).toEqual(
      [
        ['2', key('Chromium'), '', '[#Manifest_chromium]', 'Manifest_chromium'],
        ['2', key('Google\\Chrome'), '', '[#Manifest_chromium]', 'Manifest_chromium'],
        ['2', key('Microsoft\\Edge'), '', '[#Manifest_chromium]', 'Manifest_chromium'],
        ['2', key('Mozilla'), '', '[#Manifest_firefox]', 'Manifest_firefox'],
      ].sort(),
    );
  });
});
