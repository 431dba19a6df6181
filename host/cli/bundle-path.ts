/**
 * Where the bundled helper is, for the launcher script `install` writes. Running from the bundle
 * (the normal case: bin/lifeline-helper.mjs loads dist/host/lifeline-helper.mjs) that is this very
 * file; running from the TypeScript sources (tsx, tests) it is the build output in the checkout.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUNDLE_RELATIVE_PATH = 'dist/host/lifeline-helper.mjs';

export function helperBundlePath(moduleUrl: string = import.meta.url): string {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith('.mjs')) return here;
  return resolve(dirname(here), '../..', BUNDLE_RELATIVE_PATH);
}
