/**
 * Turns a location from the viewer ({place, dirs}) into a folder path on this machine: the place
 * must be one FileAccess.places() offers now, and each folder below it is one path component (the
 * protocol's FileSegment refuses ".", "..", separators and NUL; checked again here, since a
 * Windows separator or a drive prefix must never slip through path.join). Hidden names (a leading
 * dot: `.ssh`, `.config`) are refused here too, with a clear answer; the platform's FileAccess
 * then judges the real path (links followed) and refuses whatever leads outside a place.
 */
import path from 'node:path';
import type { FileWhere } from '../../../protocol/data/files';
import { ProtocolError } from '../../../protocol/errors';
import type { FileAccess } from '../../platform/types';

export interface ResolvedFolder {
  dir: string;
  /** "Documents/reports": how the customer's side names the folder in its messages. */
  label: string;
}

function safeSegment(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !/[/\\\0]/u.test(s) && !/^[A-Za-z]:/u.test(s);
}

/** Hidden entries are not part of a place: never listed, read or written. */
function hidden(s: string): boolean {
  return s.startsWith('.');
}

const HIDDEN_REFUSED = 'hidden folders and files are not shared';

export async function resolveWhere(files: FileAccess, where: FileWhere): Promise<ResolvedFolder> {
  const places = await files.places();
  const place = places.find((p) => p.name === where.place);
  if (!place) throw new ProtocolError('not_found', `there is no place named "${where.place}" here`);
  for (const d of where.dirs) {
    if (!safeSegment(d)) throw new ProtocolError('forbidden', 'a folder name would leave the place');
    if (hidden(d)) throw new ProtocolError('forbidden', HIDDEN_REFUSED);
  }
  return { dir: path.join(place.path, ...where.dirs), label: [where.place, ...where.dirs].join('/') };
}

/** The path of file `name` in `dir`, refusing anything that is not one component. */
export function fileIn(dir: string, name: string): string {
  if (!safeSegment(name)) throw new ProtocolError('forbidden', 'the file name would leave the folder');
  if (hidden(name)) throw new ProtocolError('forbidden', HIDDEN_REFUSED);
  return path.join(dir, name);
}
