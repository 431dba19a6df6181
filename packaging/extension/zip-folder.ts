/**
 * A folder as a zip archive, byte for byte the same on every build of the same files: entries in
 * sorted order, one fixed timestamp, deflate level 9. Reproducible packages mean a rebuild of an
 * unchanged extension announces the same SHA-256 in its update manifests.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { zipSync, type Zippable } from 'fflate';

/** 1980-01-01, the earliest time a zip entry can carry (as Chromium's own packer is not: we are stable). */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

export function zipFolder(
  dir: string,
  transform: (name: string, data: Uint8Array) => Uint8Array = (_n, d) => d,
): Buffer {
  const entries: Zippable = {};
  for (const file of filesUnder(dir)) {
    const name = relative(dir, file).split(sep).join('/');
    entries[name] = [transform(name, readFileSync(file)), { mtime: FIXED_MTIME, level: 9 }];
  }
  return Buffer.from(zipSync(entries));
}
