/**
 * Helper packages for fleets, from the single executables (scripts/build-sea.mjs):
 *
 *   node --import tsx packaging/helper/package-helpers.ts [--linux-exe FILE] [--windows-exe FILE] [--out DIR]
 *   (npm run package:helper)
 *
 *   dist/downloads/packages/lifeline-helper_<version>_amd64.deb
 *   dist/downloads/packages/lifeline-helper-<version>-1.x86_64.rpm
 *   dist/downloads/packages/lifeline-helper-<version>-x64.msi
 *
 * The inputs default to build-sea.mjs's outputs (SEA_OUTPUTS: dist/downloads/linux-x64/lifeline-helper
 * and dist/downloads/win-x64/lifeline-helper.exe); a missing input skips its packages and says so.
 * The manifests allow the extension built in the same checkout (extension.json), so run it after
 * `npm run build` with the same LIFELINE_EXTENSION_KEY.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
// @ts-expect-error -- plain JS build script without type declarations
import { SEA_OUTPUTS } from '../../scripts/build-sea.mjs';
import { REPOSITORY_ROOT } from '../extension/signing-key';
import { buildDeb } from './build-deb';
import { buildMsi } from './build-msi';
import { buildRpm } from './build-rpm';
import { packagedExtensionIds, packageVersion } from './helper-package-contents';

/** build-sea.mjs's outputs, wherever it writes them. */
const EXECUTABLES = SEA_OUTPUTS as Record<'linux-x64' | 'win-x64', string>;
export const DEFAULT_LINUX_EXECUTABLE = EXECUTABLES['linux-x64'];
export const DEFAULT_WINDOWS_EXECUTABLE = EXECUTABLES['win-x64'];
export const DEFAULT_PACKAGES_DIR = join(REPOSITORY_ROOT, 'dist/downloads/packages');

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      'linux-exe': { type: 'string', default: DEFAULT_LINUX_EXECUTABLE },
      'windows-exe': { type: 'string', default: DEFAULT_WINDOWS_EXECUTABLE },
      out: { type: 'string', default: DEFAULT_PACKAGES_DIR },
    },
    strict: true,
  });
  const version = packageVersion();
  const ids = packagedExtensionIds();
  const outDir = resolve(values.out);
  const made: string[] = [];
  const linux = resolve(values['linux-exe']);
  if (existsSync(linux)) {
    made.push(
      buildDeb({ executable: linux, version, outDir, ids }),
      buildRpm({ executable: linux, version, outDir, ids }),
    );
  } else {
    console.error(
      `helper packages: no Linux executable at ${linux} (node scripts/build-sea.mjs makes it): no .deb or .rpm`,
    );
  }
  const windows = resolve(values['windows-exe']);
  if (existsSync(windows)) made.push(buildMsi({ executable: windows, version, outDir, ids }));
  else
    console.error(
      `helper packages: no Windows executable at ${windows} (node scripts/build-sea.mjs makes it): no .msi`,
    );
  for (const file of made)
    console.log(`helper package: ${file} (${(statSync(file).size / 1024).toFixed(0)} KiB)`);
  if (!ids)
    console.error(
      'helper packages: no extension.json (npm run build): the manifests allow the repository’s IDs',
    );
  return made.length > 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`helper packages: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
