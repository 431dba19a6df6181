/**
 * Makes the compressed copy the server sends of one system's helper (server/downloads/helper-
 * package.ts: the Linux executable as xz, the Windows .exe as deflate for Content-Encoding gzip),
 * right after scripts/build-sea.mjs built it, so no server start pays for it and the first
 * customer gets the small download. Cached in dist/downloads/.cache/, keyed on the executable's
 * size and time: a second run for the same build finds it and returns at once.
 *
 * Usage: node --import tsx scripts/compress-helper.ts <linux-x64|win-x64> [downloadsDir]
 */
import path from 'node:path';
import { createLog } from '../server/log';
import { HELPER_PACKAGE_SPECS } from '../server/downloads/helper-systems';
import { HelperPackage } from '../server/downloads/helper-package';

const [dir, downloadsDir = 'dist/downloads'] = process.argv.slice(2);
const spec = Object.values(HELPER_PACKAGE_SPECS).find((s) => s.dir === dir);
if (!spec) {
  console.error(
    `usage: compress-helper.ts <${Object.values(HELPER_PACKAGE_SPECS)
      .map((s) => s.dir)
      .join('|')}> [downloadsDir]`,
  );
  process.exit(2);
}
const started = Date.now();
await new HelperPackage(path.resolve(downloadsDir), spec, createLog('warn')).compressed();
console.log(
  `helper download (${dir}): compressed copy ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
