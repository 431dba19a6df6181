#!/usr/bin/env node
// Stages the standalone helper download for customers without the extension:
//   dist/downloads/linux-x64/
//     lifeline-helper/lifeline-helper        launcher (checks Node >= 20, then runs the bundle)
//     lifeline-helper/lifeline-helper.mjs    the bundle (scripts/bundle-host.mjs)
//     lifeline-helper/node_modules/...       the one native addon (libjpeg-turbo) and its loader
// The server serves this tree as a tar.gz at /downloads/helper/linux[/<ticket>], appending to the
// launcher the trailer that binds the download to the customer's request (server/downloads/): the
// launcher names itself in LIFELINE_HELPER_FILE so the helper reads it. Run after bundle-host.mjs
// (npm run build does).
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The tree the server packs for Linux (server/downloads/helper-systems.ts names it). */
export const HELPER_STAGE = join(ROOT, 'dist/downloads/linux-x64');
const BUNDLE = join(ROOT, 'dist/host/lifeline-helper.mjs');
/** Oldest Node major the bundle runs on (it targets node20). */
const MIN_NODE_MAJOR = 20;

const LAUNCHER = `#!/bin/sh
# Lifeline helper (standalone). Usage: ./lifeline-helper join <code> --server <url>
# Needs Node.js ${MIN_NODE_MAJOR} or newer on this machine.
here=$(cd "$(dirname "$0")" && pwd)
# The download's trailer (server, ticket, language) is at the end of this very file: the shell
# never reads that far, because exec replaces it first.
LIFELINE_HELPER_FILE="$here/$(basename "$0")"
export LIFELINE_HELPER_FILE
if ! command -v node >/dev/null 2>&1; then
  echo "The Lifeline helper needs Node.js ${MIN_NODE_MAJOR} or newer, and none was found." >&2
  echo "Install it (https://nodejs.org or your system's packages), then run this command again." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt ${MIN_NODE_MAJOR} ]; then
  echo "The Lifeline helper needs Node.js ${MIN_NODE_MAJOR} or newer; this machine has $(node --version)." >&2
  exit 1
fi
exec node "$here/lifeline-helper.mjs" "$@"
`;

export function packageHelper({ stage = HELPER_STAGE, bundle = BUNDLE } = {}) {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run scripts/bundle-host.mjs first`);
  const top = join(stage, 'lifeline-helper');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(top, { recursive: true });
  writeFileSync(join(top, 'lifeline-helper'), LAUNCHER);
  chmodSync(join(top, 'lifeline-helper'), 0o755);
  copyFileSync(bundle, join(top, 'lifeline-helper.mjs'));
  // The addon's JavaScript, its x64 Linux prebuild only, and its loader (pkg-prebuilds).
  const jpeg = join(ROOT, 'node_modules/@julusian/jpeg-turbo');
  const jpegOut = join(top, 'node_modules/@julusian/jpeg-turbo');
  mkdirSync(join(jpegOut, 'prebuilds'), { recursive: true });
  for (const f of ['package.json', 'index.js', 'binding-options.js', 'LICENSE'])
    copyFileSync(join(jpeg, f), join(jpegOut, f));
  cpSync(join(jpeg, 'prebuilds/jpeg-turbo-linux-x64'), join(jpegOut, 'prebuilds/jpeg-turbo-linux-x64'), {
    recursive: true,
  });
  const loader = join(ROOT, 'node_modules/pkg-prebuilds');
  const loaderOut = join(top, 'node_modules/pkg-prebuilds');
  mkdirSync(join(loaderOut, 'lib'), { recursive: true });
  for (const f of ['package.json', 'bindings.js', 'LICENSE', 'lib/prebuild.js'])
    copyFileSync(join(loader, f), join(loaderOut, f));
  let bytes = 0;
  const count = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) count(join(dir, e.name));
      else bytes += statSync(join(dir, e.name)).size;
    }
  };
  count(stage);
  return { stage, bytes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { stage, bytes } = packageHelper();
  console.log(`helper download staged: ${stage.slice(ROOT.length + 1)} (${(bytes / 1024).toFixed(0)} KiB)`);
}
