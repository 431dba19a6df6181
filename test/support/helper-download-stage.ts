/**
 * The Linux helper download, staged for a test's server: the real single executable
 * (scripts/build-sea.mjs, rebuilt first when a source file is newer: ~10 s, else nothing) linked
 * into the test's downloads folder. The build compresses that executable once (xz,
 * scripts/compress-helper.ts) into dist/downloads/.cache/, keyed on the executable's size and time:
 * the test's `<downloads>/.cache/` is linked to that folder, so its server finds the build's copy
 * and no test pays for compressing it.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error -- plain JS build script without type declarations
import { ensureSea } from '../../scripts/build-sea.mjs';
import { HELPER_PACKAGE_SPECS } from '../../server/downloads/helper-systems';

const BUILD_CACHE = path.resolve('dist/downloads/.cache');

/** Stages the Linux helper under `downloadsDir` (the server's downloads folder); returns the executable. */
export async function stageHelperDownload(downloadsDir: string): Promise<string> {
  const exe = await (ensureSea as (target: string) => Promise<string>)('linux-x64');
  const spec = HELPER_PACKAGE_SPECS.linux!;
  const staged = path.join(downloadsDir, spec.dir, ...spec.executable.split('/'));
  mkdirSync(path.dirname(staged), { recursive: true });
  symlinkSync(exe, staged);
  mkdirSync(BUILD_CACHE, { recursive: true });
  symlinkSync(BUILD_CACHE, path.join(downloadsDir, '.cache'));
  return exe;
}
