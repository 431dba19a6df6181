/**
 * Every program a test, benchmark or script spawns must come from a Debian package listed in
 * scripts/system-packages.sh (or from npm): a program installed by hand on the machine a test was
 * written on makes CI green there and red on a fresh clone (x11-xserver-utils was missed that way).
 *
 * The scan reads the sources, not a list kept by hand: the first string argument of every spawn-like
 * call, every command of a `sh -c '...'` line, and every `executablePath`. Each program is resolved on
 * this machine (npm test has already run system-packages.sh) and its owning package looked up with
 * dpkg; packages Debian always has (Essential or Priority: required) need no listing.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCANNED_FOLDERS = ['test', 'bench', 'scripts'];
const SOURCE_FILE = /\.(ts|tsx|mjs|js)$/;

/** Calls whose first string argument is a program to run. */
const SPAWN_CALL =
  /\b(?:spawn|spawnSync|execFile|execFileSync|exec|execSync|run|spawnClient|startClient)\(\s*(['"`])([A-Za-z0-9_./+-]+)\1/g;
/** `'sh', ['-c', '...']`: the shell line whose commands are programs too. */
const SHELL_LINE = /['"]sh['"],\s*\[\s*['"]-c['"],\s*(['"`])((?:(?!\1).)*)\1/gs;
const EXECUTABLE_PATH = /executablePath:\s*(['"`])(\/[A-Za-z0-9_./+-]+)\1/g;

/** Programs that come with Node or npm, not with a Debian package of ours. */
const FROM_NODE = new Set(['node', 'npm', 'npx']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (SOURCE_FILE.test(name)) out.push(p);
  }
  return out;
}

/** The commands of a shell line: the first word of each segment between |, ;, && and ||. */
function shellCommands(line: string): string[] {
  return line
    .split(/\|\||&&|[|;]/)
    .map((segment) => segment.trim().split(/\s+/)[0] ?? '')
    .filter((word) => /^[A-Za-z0-9_./+-]+$/.test(word) && !word.startsWith('$') && !word.includes('='));
}

/** Program name -> the files that spawn it. */
function spawnedPrograms(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (program: string, file: string) => {
    if (FROM_NODE.has(program)) return;
    if (!found.has(program)) found.set(program, new Set());
    found.get(program)!.add(path.relative(ROOT, file));
  };
  for (const folder of SCANNED_FOLDERS) {
    for (const file of sourceFiles(path.join(ROOT, folder))) {
      if (file === import.meta.filename) continue; // its own patterns and dpkg calls
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(SPAWN_CALL)) add(m[2]!, file);
      for (const m of text.matchAll(SHELL_LINE)) for (const c of shellCommands(m[2]!)) add(c, file);
      for (const m of text.matchAll(EXECUTABLE_PATH)) add(m[2]!, file);
    }
  }
  return found;
}

function listedPackages(): Set<string> {
  const script = readFileSync(path.join(ROOT, 'scripts/system-packages.sh'), 'utf8');
  const m = /^PKGS=\((.*)\)$/m.exec(script);
  if (!m) throw new Error('scripts/system-packages.sh has no PKGS=(...) line');
  return new Set(m[1]!.split(/\s+/).filter(Boolean));
}

/** Every file on the PATH by that name, in PATH order (a wrapper in /usr/local may shadow the real one). */
function resolveProgram(program: string): string[] {
  if (program.startsWith('/')) return [program];
  const r = spawnSync('which', ['-a', program], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((line) => line.startsWith('/'));
}

/** The paths dpkg may have recorded for a file: itself, its target, and merged-/usr's /bin/x. */
function recordedPaths(file: string): string[] {
  const paths = [file, realpathSync(file)].flatMap((f) => [f, f.replace(/^\/usr\/(s?bin)\//, '/$1/')]);
  return [...new Set(paths)];
}

/** Path -> owning package, for all the paths in one dpkg call (one per path costs seconds). */
function owners(paths: string[]): Map<string, string> {
  const r = spawnSync('dpkg', ['-S', ...paths], { encoding: 'utf8' });
  const owned = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    // Diversions print "diversion by dash from: /bin/sh" lines besides the owner's line.
    if (!line || line.startsWith('diversion by')) continue;
    const m = /^([^:]+)(?::[a-z0-9]+)?: (\/.*)$/.exec(line);
    if (m) for (const pkg of m[1]!.split(', ')) owned.set(m[2]!, owned.get(m[2]!) ?? pkg);
  }
  return owned;
}

/** The listed packages and every installed package they depend on (what apt installs with them). */
function installedWithListed(listed: Set<string>): Set<string> {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${Depends}, ${Pre-Depends}\n'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const dependsOn = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    const [name, deps = ''] = line.split('\t');
    if (!name) continue;
    const names = deps
      .split(/[,|]/)
      .map((d) => d.trim().split(/[\s:(]/)[0]!)
      .filter(Boolean);
    dependsOn.set(name, names);
  }
  const closure = new Set<string>();
  const queue = [...listed];
  while (queue.length > 0) {
    const pkg = queue.pop()!;
    if (closure.has(pkg) || !dependsOn.has(pkg)) continue;
    closure.add(pkg);
    queue.push(...dependsOn.get(pkg)!);
  }
  return closure;
}

function alwaysPresent(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Essential} ${Priority}', pkg], { encoding: 'utf8' });
  return /^yes\b|\brequired$/.test(r.stdout.trim());
}

describe('system packages', () => {
  it('the scan finds the programs the suites are known to spawn', () => {
    // Guards the scanner itself: if these disappear, the patterns stopped matching.
    const programs = spawnedPrograms();
    for (const known of ['xdotool', 'xterm', 'xsetroot', 'xrandr', 'convert']) {
      expect(programs.has(known), known).toBe(true);
    }
  });

  it('every spawned program comes from a listed package, Node, or a package Debian always has', () => {
    const listed = installedWithListed(listedPackages());
    const programs = [...spawnedPrograms()].map(([program, spawners]) => ({
      program,
      spawners,
      files: resolveProgram(program),
    }));
    const owned = owners(programs.flatMap((p) => p.files.flatMap(recordedPaths)));
    const problems: string[] = [];
    for (const { program, spawners, files } of programs) {
      const where = [...spawners].join(', ');
      if (files.length === 0) {
        problems.push(`${program} (spawned by ${where}) is not installed: add its package to PKGS`);
        continue;
      }
      if (files[0]!.includes('/node_modules/')) continue;
      const pkg = files
        .flatMap(recordedPaths)
        .map((f) => owned.get(f))
        .find(Boolean);
      if (!pkg) {
        problems.push(`${program} (${files.join(', ')}, spawned by ${where}) belongs to no Debian package`);
        continue;
      }
      if (listed.has(pkg) || alwaysPresent(pkg)) continue;
      problems.push(`${program} (spawned by ${where}) comes from ${pkg}, which no package in PKGS brings`);
    }
    expect(problems).toEqual([]);
  });
});
