/**
 * The Linux helper download, staged for a test's server: the real single executable
 * (scripts/build-sea.mjs, rebuilt first when a source file is newer: ~10 s, else nothing) linked
 * into the test's downloads folder. The server compresses that executable once per build of it
 * (server/downloads/helper-package.ts, ~10 s of CPU for 105 MiB) into `<downloads>/.cache/`: that
 * folder is linked to one cache every test shares, so only the first test after a build pays it.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error -- plain JS build script without type declarations
import { ensureSea } from '../../scripts/build-sea.mjs';
import { HELPER_PACKAGE_SPECS } from '../../server/downloads/helper-systems';

const SHARED_CACHE = path.resolve('node_modules/.cache/lifeline-sea/download-cache');

/** Stages the Linux helper under `downloadsDir` (the server's downloads folder); returns the executable. */
export async function stageHelperDownload(downloadsDir: string): Promise<string> {
  const exe = await (ensureSea as (target: string) => Promise<string>)('linux-x64');
  const spec = HELPER_PACKAGE_SPECS.linux!;
  const staged = path.join(downloadsDir, spec.dir, ...spec.executable.split('/'));
  mkdirSync(path.dirname(staged), { recursive: true });
  symlinkSync(exe, staged);
  mkdirSync(SHARED_CACHE, { recursive: true });
  symlinkSync(SHARED_CACHE, path.join(downloadsDir, '.cache'));
  return exe;
}
