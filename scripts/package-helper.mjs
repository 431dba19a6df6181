#!/usr/bin/env node
// Packages the standalone helper download for customers without the extension:
//   dist/downloads/lifeline-helper-linux-x64.tar.gz
//     lifeline-helper/lifeline-helper        launcher (checks Node >= 20, then runs the bundle)
//     lifeline-helper/lifeline-helper.mjs    the bundle (scripts/bundle-host.mjs)
//     lifeline-helper/node_modules/...       the one native addon (libjpeg-turbo) and its loader
// The server serves it at /downloads/helper/linux. Run after bundle-host.mjs (npm run build does).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const HELPER_ARCHIVE = join(ROOT, 'dist/downloads/lifeline-helper-linux-x64.tar.gz');
const BUNDLE = join(ROOT, 'dist/host/lifeline-helper.mjs');
/** Oldest Node major the bundle runs on (it targets node20). */
const MIN_NODE_MAJOR = 20;

const LAUNCHER = `#!/bin/sh
# Lifeline helper (standalone). Usage: ./lifeline-helper join <code> --server <url>
# Needs Node.js ${MIN_NODE_MAJOR} or newer on this machine.
here=$(cd "$(dirname "$0")" && pwd)
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

export function packageHelper({ archive = HELPER_ARCHIVE } = {}) {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run scripts/bundle-host.mjs first`);
  const stage = join(ROOT, 'dist/downloads/.stage');
  const top = join(stage, 'lifeline-helper');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(top, { recursive: true });
  writeFileSync(join(top, 'lifeline-helper'), LAUNCHER);
  chmodSync(join(top, 'lifeline-helper'), 0o755);
  copyFileSync(BUNDLE, join(top, 'lifeline-helper.mjs'));
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
  mkdirSync(dirname(archive), { recursive: true });
  const r = spawnSync('tar', ['-czf', archive, '-C', stage, 'lifeline-helper'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tar failed');
  rmSync(stage, { recursive: true, force: true });
  return { archive, bytes: statSync(archive).size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { archive, bytes } = packageHelper();
  console.log(`helper download: ${archive.slice(ROOT.length + 1)} (${(bytes / 1024).toFixed(0)} KiB)`);
}
