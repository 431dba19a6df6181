/**
 * Writes one small file of the helper's per-user state atomically (a temporary file, synced, then
 * renamed over the old one; each write through its own temporary name), readable by this user only (0600 in a 0700 folder): a crash never
 * leaves half a file, and other users never read what it holds.
 */
import { chmod, mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
/** Each write has its own temporary name: two writes at once never share (nor rename) one file. */
let tempCount = 0;

/** Writes to each file of this process, in the order they were asked for. */
const writesInOrder = new Map<string, Promise<void>>();

/**
 * Writes `text` to `file`. Writes to one file from this process go one after the other, in the
 * order asked: two at once (a welcome and a consent, or two helpers of one process) otherwise
 * finish in either order, and the older state could land last.
 */
export function writePrivateFile(file: string, text: string): Promise<void> {
  const previous = writesInOrder.get(file) ?? Promise.resolve();
  const done = previous.then(() => writeNow(file, text));
  const settled = done.catch(() => undefined);
  writesInOrder.set(file, settled);
  void settled.then(() => {
    if (writesInOrder.get(file) === settled) writesInOrder.delete(file);
  });
  return done;
}

async function writeNow(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
  const temp = `${file}.${process.pid}.${++tempCount}.tmp`;
  const handle = await open(temp, 'w', FILE_MODE);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The mode given to open() is masked by the umask; make sure of 0600 before it has a name.
  await chmod(temp, FILE_MODE);
  await rename(temp, file);
}
