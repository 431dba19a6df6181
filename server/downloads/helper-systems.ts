/**
 * Which systems have a helper download, and in what form: one row per system the support page
 * offers a download for. Linux is a tar.gz so the executable bit survives the browser (a bare
 * download has none, and a file manager cannot start it); scripts/package-helper.mjs stages its
 * tree under the downloads folder. Windows is the single executable itself
 * (scripts/build-sea.mjs), double-clicked as downloaded, with the trailer appended after the PE
 * image (Windows loads the sections the headers name and ignores what follows).
 */
import type { Log } from '../log';
import { HelperPackage, type HelperPackageSpec } from './helper-package';

export const HELPER_PACKAGE_SPECS: Readonly<Record<string, HelperPackageSpec>> = {
  linux: {
    dir: 'linux-x64',
    executable: 'lifeline-helper/lifeline-helper',
    form: 'tar.gz',
    fileName: 'lifeline-helper-linux-x64.tar.gz',
    contentType: 'application/gzip',
    build: 'npm run build',
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
