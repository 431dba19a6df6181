/**
 * Which systems have a helper download, and in what form: one row per system the support page
 * offers a download for. Both are the helper's single executable (scripts/build-sea.mjs: no Node
 * needed on the customer's machine) with the trailer appended after the image (ELF and PE
 * loaders map what the headers name and ignore what follows). Linux wraps it in a tar.xz so the
 * executable bit survives the browser (a bare download has none, and a file manager cannot start
 * it): the archive holds that one file. Windows is the .exe itself, double-clicked as downloaded.
 */
import type { Log } from '../log';
import { HelperPackage, type HelperPackageSpec } from './helper-package';

export const HELPER_PACKAGE_SPECS: Readonly<Record<string, HelperPackageSpec>> = {
  linux: {
    dir: 'linux-x64',
    executable: 'lifeline-helper',
    form: 'tar.xz',
    fileName: 'lifeline-helper-linux-x64.tar.xz',
    contentType: 'application/x-xz',
    build: 'node scripts/build-sea.mjs --target linux-x64',
  },
  windows: {
    dir: 'win-x64',
    executable: 'lifeline-helper.exe',
    form: 'raw',
    fileName: 'lifeline-helper.exe',
    contentType: 'application/vnd.microsoft.portable-executable',
    build: 'node scripts/build-sea.mjs --target win-x64',
  },
};

export function helperPackages(downloadsDir: string, log: Log): Map<string, HelperPackage> {
  return new Map(
    Object.entries(HELPER_PACKAGE_SPECS).map(([system, spec]) => [
      system,
      new HelperPackage(downloadsDir, spec, log),
    ]),
  );
}
