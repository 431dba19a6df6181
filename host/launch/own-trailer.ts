/**
 * The trailer at the end of the helper's own file (protocol/download-trailer.ts): the server the
 * download came from, the ticket that binds it to the customer's request, the customer's
 * language. The helper's own file is the single executable itself (process.execPath when running
 * as a Node single-executable application), or the file LIFELINE_HELPER_FILE names (the launcher
 * script of a helper that runs on an installed Node). Reads the last bytes only, checking the
 * announced length before reading the payload; a file without a trailer gives null.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  decodeTrailerPayload,
  TRAILER_FOOTER_BYTES,
  trailerPayloadLength,
  type DownloadTrailer,
} from '../../protocol/download-trailer';

/** Environment variable a launcher script sets to its own path (it carries the trailer then). */
export const HELPER_FILE_ENV = 'LIFELINE_HELPER_FILE';

/** Whether this process is a Node single-executable application (node:sea, Node >= 20.12). */
function isSingleExecutable(): boolean {
  try {
    // getBuiltinModule works the same in the ESM bundle and in a CommonJS single executable.
    const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    const sea = get?.('node:sea') as { isSea?: () => boolean } | undefined;
    return sea?.isSea?.() === true;
  } catch {
    return false;
  }
}

/** The file that carries the trailer, or null when this helper has none to read. */
export function ownFile(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env[HELPER_FILE_ENV]) return env[HELPER_FILE_ENV];
  return isSingleExecutable() ? process.execPath : null;
}

function readAt(fd: number, length: number, position: number): Uint8Array {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** The trailer of `file`, null when it has none. Throws TrailerError when it is damaged. */
export function readTrailer(file: string): DownloadTrailer | null {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < TRAILER_FOOTER_BYTES) return null;
    const length = trailerPayloadLength(readAt(fd, TRAILER_FOOTER_BYTES, size - TRAILER_FOOTER_BYTES));
    if (length === null || length > size - TRAILER_FOOTER_BYTES) return null;
    return decodeTrailerPayload(readAt(fd, length, size - TRAILER_FOOTER_BYTES - length));
  } finally {
    closeSync(fd);
  }
}
