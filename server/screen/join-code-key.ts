/**
 * The key join codes are hashed with (HMAC-SHA-256). A join code has only 9 digits, so a plain
 * hash in the store would give every live code away to anyone holding a copy of the database
 * (10^9 guesses take seconds). The key is kept apart from the database, in its own file of the
 * data folder (0600, created on first start), so codes survive a restart but a copy of the
 * database alone reveals none. Several nodes sharing one store must share this file too.
 */
import { closeSync, constants as C, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export const JOIN_CODE_KEY_FILE = 'join-code.key';
/** Bytes of key (256 bits). */
export const JOIN_CODE_KEY_BYTES = 32;

/** Reads the data folder's join-code key, creating it on first use. Throws a clear error if it is damaged. */
export function loadJoinCodeKey(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, JOIN_CODE_KEY_FILE);
  try {
    const fd = openSync(file, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
    try {
      writeSync(fd, randomBytes(JOIN_CODE_KEY_BYTES));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = statSync(file);
  if (!st.isFile() || st.size !== JOIN_CODE_KEY_BYTES) {
    throw new Error(
      `${file} is not a join-code key (${JOIN_CODE_KEY_BYTES} bytes); delete it and restart (codes given out meanwhile stop working)`,
    );
  }
  return readFileSync(file);
}
