// The Windows helper's UI thread (host/platform/windows/ui-thread/ui-thread-main.ts) bundled to
// one CommonJS text, which the builds of Windows executables and bundles put into the helper as
// __LIFELINE_WIN_UI_THREAD__ (host/platform/windows/win-ui-thread.ts starts a worker from it).
// Used by scripts/build-sea.mjs (lifeline-helper.exe) and the conformance driver's Windows bundle.
// The thread loads koffi's binary itself (process.dlopen), so koffi stays out of this bundle.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'host/platform/windows/ui-thread/ui-thread-main.ts');

/** The esbuild `define` that carries the UI thread's program into a Windows bundle. */
export async function winUiThreadDefine() {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['koffi'],
    legalComments: 'none',
    logLevel: 'error',
  });
  return { __LIFELINE_WIN_UI_THREAD__: JSON.stringify(result.outputFiles[0].text) };
}
