/** Paths under `root`, relative, sorted: files only, or folders too. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export function readdirRecursive(root: string, withFolders = false): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (withFolders) out.push(relative(root, path));
        walk(path);
      } else out.push(relative(root, path));
    }
  };
  walk(root);
  return out.sort();
}
