/**
 * What "inside the customer's places" means, decided on real paths only: a real path is inside
 * when it is the real path of a place or lies below one with no hidden component on the way
 * down. Hidden: a name starting with "." (Unix convention: `.ssh`, `.config`, `.mozilla`, our
 * own `.x.lifeline-part` files) or, on Windows, `AppData` (where the Startup folder and the
 * browser profiles live; Node cannot read the hidden attribute itself).
 *
 * Callers resolve every component first (realpath), so a symbolic link or a junction anywhere on
 * the way is judged by where it really leads, not by the name it has in the place.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { ProtocolError } from '../../../protocol/errors';

/** Folder names hidden on Windows by attribute rather than by a leading dot (compared lower-case). */
const WINDOWS_HIDDEN_NAMES: ReadonlySet<string> = new Set(['appdata']);

/** True for a name the customer's system keeps out of sight: never listed, read or written. */
export function isHiddenName(name: string, sep: string = path.sep): boolean {
  return name.startsWith('.') || (sep === '\\' && WINDOWS_HIDDEN_NAMES.has(name.toLowerCase()));
}

export class PlaceContainment {
  private constructor(private readonly roots: readonly string[]) {}

  /** The real paths of the places (a place that cannot be resolved is left out). */
  static async of(places: readonly { path: string }[]): Promise<PlaceContainment> {
    const roots = await Promise.all(places.map((p) => realpath(p.path).catch(() => null)));
    return new PlaceContainment(roots.filter((r): r is string => r !== null));
  }

  /** Whether the real path `real` is a place or below one without a hidden component. */
  contains(real: string): boolean {
    return this.roots.some((root) => {
      if (real === root) return true;
      const prefix = root.endsWith(path.sep) ? root : root + path.sep;
      if (!real.startsWith(prefix)) return false;
      return real
        .slice(prefix.length)
        .split(path.sep)
        .every((part) => part !== '' && !isHiddenName(part));
    });
  }

  /** Throws `forbidden` unless `real` is inside a place. */
  require(real: string): void {
    if (!this.contains(real)) {
      throw new ProtocolError(
        'forbidden',
        'this is outside the folders the helper shares (hidden folders and links that lead elsewhere are not shared)',
      );
    }
  }
}
