/**
 * Finds a program on PATH without running a shell (the standalone helper looks for zenity and
 * kdialog; it never installs anything). Returns the absolute path of the first executable match.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
