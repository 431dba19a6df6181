/**
 * Bundles the conformance driver for Windows' node.exe (CommonJS, Node 22), with koffi's own
 * JavaScript inside and its win32 binary loaded from the path in LIFELINE_KOFFI_NODE (the
 * pinned @koromix/koffi-win32-x64 that scripts/build-sea.mjs fetches). The helper's executable
 * loads the same binary from its assets instead; everything else is the same code.
 */
import { build } from 'esbuild';
import path from 'node:path';
// @ts-expect-error -- plain JS build script without type declarations
import { winUiThreadDefine } from '../../../../scripts/win-ui-thread-bundle.mjs';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const ADDON_FILES = path.join(ROOT, 'host/cli/addon-files.ts');

export async function bundleWindowsDriver(outfile: string): Promise<void> {
  await build({
    entryPoints: [path.join(ROOT, 'test/e2e/conformance/platform-driver.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['better-sqlite3', '@julusian/jpeg-turbo'],
    define: {
      'import.meta.url': '__driverUrl',
      ...((await winUiThreadDefine()) as Record<string, string>),
    },
    banner: { js: "const __driverUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'error',
    plugins: [
      {
        name: 'koffi-binary-from-env',
        setup(b) {
          // koffi's CommonJS build (its ES build loads the binary through createRequire, which esbuild cannot see).
          b.onResolve({ filter: /^koffi$/ }, () => ({
            path: path.join(ROOT, 'node_modules/koffi/index.cjs'),
          }));
          b.onResolve({ filter: /^@koromix\/koffi-/ }, (args) => ({
            path: args.path,
            namespace: 'koffi-bin',
          }));
          b.onLoad({ filter: /.*/, namespace: 'koffi-bin' }, (args) => ({
            // The binary's path is recorded, as the executable's loader does, for the UI thread.
            contents:
              args.path === '@koromix/koffi-win32-x64'
                ? `const m = { exports: {} }; process.dlopen(m, process.env.LIFELINE_KOFFI_NODE);
                   require(${JSON.stringify(ADDON_FILES)}).recordAddonFile('koffi', process.env.LIFELINE_KOFFI_NODE);
                   module.exports = m.exports;`
                : 'module.exports = null;',
            loader: 'js',
            resolveDir: ROOT,
          }));
        },
      },
    ],
  });
}
