/**
 * A folder's entries as one `files.listing` message that fits a sealed frame: entries in
 * FileAccess's order (folders first, then by name) until FILE_LISTING_MAX_ENTRIES or the byte
 * budget, with `total` saying how many there were. Values are clamped to what the protocol
 * carries (a file dated before 1970, a name longer than any real system allows).
 */
import {
  FILE_LISTING_MAX_ENTRIES,
  FILE_NAME_MAX_CHARS,
  FILE_SIZE_MAX,
  FILES_JSON_MAX_BYTES,
  type FileEntry,
  type FilesToViewer,
  type FileWhere,
} from '../../../protocol/data/files';
import type { DirEntry } from '../../platform/types';

type Listing = Extract<FilesToViewer, { type: 'files.listing' }>;

const utf8 = new TextEncoder();

export function fitListing(
  req: number,
  where: FileWhere,
  entries: readonly DirEntry[],
  maxBytes: number = FILES_JSON_MAX_BYTES,
): Listing {
  const out: FileEntry[] = [];
  const empty: Listing = { type: 'files.listing', req, where, entries: out, total: entries.length };
  let bytes = utf8.encode(JSON.stringify(empty)).byteLength;
  for (const e of entries) {
    if (out.length >= FILE_LISTING_MAX_ENTRIES) break;
    if (e.name.length === 0 || e.name.length > FILE_NAME_MAX_CHARS) continue;
    const entry: FileEntry = {
      name: e.name,
      kind: e.kind,
      size: Math.min(FILE_SIZE_MAX, Math.max(0, Math.floor(e.size))),
      modifiedMs: Math.min(FILE_SIZE_MAX, Math.max(0, Math.floor(e.modifiedMs))),
    };
    const add = utf8.encode(JSON.stringify(entry)).byteLength + 1; // and its comma
    if (bytes + add > maxBytes) break;
    bytes += add;
    out.push(entry);
  }
  return empty;
}
