/**
 * Builds the helper bundle exactly as `npm run build` does (scripts/bundle-host.mjs), into a
 * private folder per test file, so process tests run the current sources as a browser would.
 * The folder is inside the checkout (dist/) because the bundle resolves its native-addon
 * externals from the checkout's node_modules.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface HelperBundle {
  path: string;
  remove(): void;
}

/** `subdir` puts the bundle one folder deeper (e.g. a name with spaces and quotes). */
export async function buildHelperBundle(subdir = ''): Promise<HelperBundle> {
  mkdirSync(join(REPO_ROOT, 'dist'), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, 'dist', '.test-host-'));
  const path = join(dir, subdir, 'lifeline-helper.mjs');
  await promisify(execFile)(process.execPath, ['scripts/bundle-host.mjs', '--outfile', path], {
    cwd: REPO_ROOT,
  });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
