/**
 * What to put back on the customer's desktop, kept on disk from just before the plain colour is
 * set until the wallpaper is back: `plain-background.json` beside the resume state (0600). A
 * helper that dies in between (a crash, kill -9, a power cut) leaves it, and the next helper start
 * restores from it (plain-background-service.ts restoreLeftover). Read back with limits and
 * rebuilt from allowed fields only.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import type { BackgroundSnapshot } from '../../platform/types';
import { writePrivateFile } from '../private-file';

export const BACKGROUND_FILE_NAME = 'plain-background.json';
/** Largest restore file read back, in bytes (a few paths and settings). */
export const BACKGROUND_FILE_MAX_BYTES = 64 * 1024;
const VALUES_MAX = 16;
const VALUE_MAX_CHARS = 16 * 1024;

const Snapshot = z.object({
  kind: z.string().min(1).max(32),
  values: z
    .record(z.string().max(64), z.string().max(VALUE_MAX_CHARS))
    .refine((v) => Object.keys(v).length <= VALUES_MAX, 'too many values'),
});

/** The restore file beside the resume state file. */
export function backgroundFileBeside(stateFile: string): string {
  return path.join(path.dirname(stateFile), BACKGROUND_FILE_NAME);
}

export async function writeBackgroundFile(file: string, snapshot: BackgroundSnapshot): Promise<void> {
  const checked = Snapshot.parse(snapshot);
  await writePrivateFile(file, `${JSON.stringify({ kind: checked.kind, values: checked.values })}\n`);
}

/** The saved snapshot, null when there is none; throws when the file is not one of ours. */
export async function readBackgroundFile(file: string): Promise<BackgroundSnapshot | null> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error(`${file} is not a file`);
    size = info.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (size > BACKGROUND_FILE_MAX_BYTES)
    throw new Error(`${file} is larger than ${BACKGROUND_FILE_MAX_BYTES} bytes`);
  const parsed = Snapshot.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a saved background`);
  return { kind: parsed.data.kind, values: { ...parsed.data.values } };
}

export async function deleteBackgroundFile(file: string): Promise<void> {
  await rm(file, { force: true });
}
