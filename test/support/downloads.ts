/**
 * Waiting for a file Chromium downloads. Chromium reserves the final name at once with an empty
 * file, writes to "<name>.crdownload" beside it and renames that over the final name at the end:
 * a file that merely exists may still be empty. Complete means: the name is there, not empty, and
 * no .crdownload is left in the folder.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { until } from './polling';

/** The path of the first complete download in `dir` whose name satisfies `match`. */
export function downloaded(
  dir: string,
  match: (name: string) => boolean,
  timeoutMs?: number,
): Promise<string> {
  return until(
    'the download on disk',
    () => {
      const names = readdirSync(dir);
      if (names.some((n) => n.endsWith('.crdownload'))) return undefined;
      const name = names.find(match);
      if (!name) return undefined;
      const file = path.join(dir, name);
      return statSync(file).size > 0 ? file : undefined;
    },
    timeoutMs,
  );
}
