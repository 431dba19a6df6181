/**
 * The helper as a Debian package, built with dpkg-deb from a staged tree (no debhelper needed):
 * the executable and the four manifests of helper-package-contents.ts. The manifests are not
 * conffiles (they are generated, not edited), so `dpkg -r` removes them with the rest: nothing is
 * left behind. No maintainer scripts: installing is placing files.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExtensionIds } from '../../host/manifest/extension-identity';
import {
  LINUX_EXECUTABLE,
  LINUX_MANIFESTS,
  MAINTAINER,
  manifestJson,
  PACKAGE_DESCRIPTION,
  PACKAGE_NAME,
  PACKAGE_SUMMARY,
} from './helper-package-contents';

export interface LinuxPackageInput {
  /** The Linux x64 single executable (scripts/build-sea.mjs), or any executable standing in for it. */
  executable: string;
  version: string;
  outDir: string;
  ids?: ExtensionIds;
  /**
   * 'xz' (default, what IT gets: the 122 MiB executable packs to ~28 MiB, but xz takes 80 s of CPU
   * and minutes on a loaded machine) or 'fast' (gzip -1, a few seconds: the tests, which check the
   * package's files and what the browsers do with them, not its compression).
   */
  compression?: 'xz' | 'fast';
}

/** Lays out the installed tree under `root` (shared by the deb and the rpm). */
export function stageLinuxTree(root: string, input: LinuxPackageInput): void {
  const exe = join(root, LINUX_EXECUTABLE);
  mkdirSync(dirname(exe), { recursive: true });
  copyFileSync(input.executable, exe);
  chmodSync(exe, 0o755);
  for (const m of LINUX_MANIFESTS) {
    const file = join(root, m.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, manifestJson(m.family, LINUX_EXECUTABLE, input.ids), { mode: 0o644 });
  }
}

export function buildDeb(input: LinuxPackageInput): string {
  const stage = mkdtempSync(join(tmpdir(), 'lifeline-deb-'));
  // The stage's own mode becomes the package's "./" entry: never 0700.
  chmodSync(stage, 0o755);
  try {
    stageLinuxTree(stage, input);
    mkdirSync(join(stage, 'DEBIAN'));
    const installedKiB = Math.ceil(statSync(input.executable).size / 1024) + LINUX_MANIFESTS.length;
    writeFileSync(
      join(stage, 'DEBIAN/control'),
      [
        `Package: ${PACKAGE_NAME}`,
        `Version: ${input.version}`,
        'Architecture: amd64',
        `Maintainer: ${MAINTAINER}`,
        'Section: net',
        'Priority: optional',
        `Installed-Size: ${installedKiB}`,
        'Depends: libc6 (>= 2.28)',
        'Homepage: https://lifeline-support.dev',
        `Description: ${PACKAGE_SUMMARY}`,
        ` ${PACKAGE_DESCRIPTION}`,
        '',
      ].join('\n'),
    );
    mkdirSync(input.outDir, { recursive: true });
    const out = join(input.outDir, `${PACKAGE_NAME}_${input.version}_amd64.deb`);
    const compression = input.compression === 'fast' ? ['-Zgzip', '-z1'] : ['-Zxz'];
    const r = spawnSync('dpkg-deb', ['--root-owner-group', ...compression, '--build', stage, out], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`dpkg-deb failed: ${r.stderr}`);
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
