/**
 * Large test files without holding them in memory: random bytes written 1 MiB at a time (with
 * their SHA-256), and the SHA-256 of a file read as a stream.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';

const MiB = 1024 * 1024;

/** Writes `bytes` random bytes to `file`; returns their SHA-256 (hex). */
export function randomFile(file: string, bytes: number): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'w');
  for (let left = bytes; left > 0;) {
    const part = randomBytes(Math.min(MiB, left));
    hash.update(part);
    writeSync(fd, part);
    left -= part.length;
  }
  closeSync(fd);
  return hash.digest('hex');
}

/** The SHA-256 (hex) of a file, read as a stream. */
export function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}
