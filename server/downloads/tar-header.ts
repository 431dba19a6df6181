/**
 * POSIX ustar headers, just what the helper archive needs: regular files and folders with their
 * mode (the executable bit is the point: a file manager extracting the archive keeps it, where a
 * bare download has none), owner 0, a fixed modification time. Names up to 100 bytes go in
 * `name`; longer ones (up to 255) are split into `prefix` + `name` at a slash.
 */

export const TAR_BLOCK_BYTES = 512;
/** The archive ends with two zero blocks. */
export const TAR_END_BYTES = 2 * TAR_BLOCK_BYTES;
/** Largest entry the 11-digit octal size field holds, in bytes (8 GiB - 1). */
const TAR_SIZE_MAX = 0o77777777777;

export interface TarEntry {
  /** Path inside the archive, '/'-separated, relative, without '..'. */
  name: string;
  kind: 'file' | 'dir';
  /** Permission bits (0o755 for the helper). */
  mode: number;
  /** Bytes of content (0 for folders). */
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function splitName(name: string): { prefix: string; name: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') {
      return { prefix, name: rest };
    }
  }
  throw new Error(`tar: the name "${name.slice(0, 80)}..." is too long`);
}

/** The 512-byte header of `entry`. */
export function tarHeader(entry: TarEntry): Buffer {
  if (entry.name === '' || entry.name.startsWith('/') || entry.name.split('/').includes('..')) {
    throw new Error(`tar: refusing the name "${entry.name.slice(0, 80)}"`);
  }
  if (!Number.isInteger(entry.size) || entry.size < 0 || entry.size > TAR_SIZE_MAX) {
    throw new Error(`tar: size ${entry.size} out of range`);
  }
  const h = Buffer.alloc(TAR_BLOCK_BYTES);
  const dirName = entry.kind === 'dir' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
  const { prefix, name } = splitName(dirName);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(entry.mode & 0o7777, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii');
  h.write(octal(0, 8), 116, 8, 'ascii');
  h.write(octal(entry.kind === 'dir' ? 0 : entry.size, 12), 124, 12, 'ascii');
  h.write(octal(Math.max(0, Math.floor(entry.mtime)), 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii');
  h.write(entry.kind === 'dir' ? '5' : '0', 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** Zero bytes that pad `size` bytes of content to a whole block. */
export function tarPadding(size: number): Buffer {
  const rest = size % TAR_BLOCK_BYTES;
  return Buffer.alloc(rest === 0 ? 0 : TAR_BLOCK_BYTES - rest);
}
