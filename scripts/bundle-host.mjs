#!/usr/bin/env node
// Bundles the helper (host/cli/main.ts and everything it imports) into ONE plain-JS ES module,
// dist/host/lifeline-helper.mjs, so that a browser starting the native host pays Node's start-up
// and nothing else (no TypeScript loader: ~0.1 s instead of ~1 s, see docs/deployment.md).
// Only native addons stay outside the bundle (they cannot be inlined); they resolve from the
// checkout's node_modules, which is why the bundle lives inside the checkout.
//
//   node scripts/bundle-host.mjs [--outfile PATH]     (also exported: bundleHost({ outfile, extensionIds }))
import { build } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTFILE = join(ROOT, 'dist/host/lifeline-helper.mjs');
/**
 * Native addons: loaded at run time from node_modules, never inlined (koffi: Win32 on Windows, the
 * mapped MIT-SHM segment on Linux; the single executables carry its binary: scripts/build-sea.mjs).
 */
export const NATIVE_EXTERNALS = ['@julusian/jpeg-turbo', 'better-sqlite3', 'koffi'];

// The entry runs main() and leaves the exit code to Node, so pending writes to stdout finish.
const ENTRY = `import { main } from './host/cli/main.ts';
process.exitCode = await main(process.argv.slice(2));
`;

// CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
const BANNER = `import { createRequire as __lifelineCreateRequire } from 'node:module';
const require = __lifelineCreateRequire(import.meta.url);`;

/**
 * The IDs of the extension built alongside (packaging/extension/package-extension.ts runs first in
 * npm run build), so the helper trusts a build signed with IT's own key; none when not packed.
 */
export function extensionIdsDefine(ids) {
  if (ids) return { __LIFELINE_EXTENSION_IDS__: JSON.stringify(ids) };
  try {
    const info = JSON.parse(readFileSync(join(ROOT, 'dist/downloads/extension/extension.json'), 'utf8'));
    const ids = { chrome: String(info.chrome.id), firefox: String(info.firefox.id) };
    return { __LIFELINE_EXTENSION_IDS__: JSON.stringify(ids) };
  } catch {
    return {};
  }
}

export async function bundleHost({ outfile = DEFAULT_OUTFILE, extensionIds } = {}) {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: 'lifeline-helper-entry.ts', loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: NATIVE_EXTERNALS,
    banner: { js: `#!/usr/bin/env node\n${BANNER}` },
    legalComments: 'none',
    define: extensionIdsDefine(extensionIds),
    logLevel: 'warning',
    metafile: true,
  });
  return { outfile, bytes: statSync(outfile).size, metafile: result.metafile };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--outfile');
  const outfile = i > 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : DEFAULT_OUTFILE;
  const { bytes } = await bundleHost({ outfile });
  console.log(`helper bundle: ${relative(process.cwd(), outfile)} (${(bytes / 1024).toFixed(0)} KiB)`);
}
