/**
 * Where the bundled helper is, for the launcher script `install` writes. Running from the bundle
 * (the normal case: bin/lifeline-helper.mjs loads dist/host/lifeline-helper.mjs) that is this very
 * file; running from the TypeScript sources (tsx, tests) it is the build output in the checkout.
 * Running as one executable (Node's single executable application: lifeline-helper.exe), the
 * helper is that executable itself.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUNDLE_RELATIVE_PATH = 'dist/host/lifeline-helper.mjs';

export function helperBundlePath(moduleUrl: string = import.meta.url): string {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith('.mjs')) return here;
  return resolve(dirname(here), '../..', BUNDLE_RELATIVE_PATH);
}

/** True inside a single executable application (scripts/build-sea.mjs). */
export function runsAsOneExecutable(): boolean {
  try {
    const sea = createRequire(import.meta.url)('node:sea') as { isSea(): boolean };
    return sea.isSea();
  } catch {
    return false; // a Node without SEA support is never one
  }
}
