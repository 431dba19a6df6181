/**
 * Keycode -> keysym for the helper's dialogs, read once from the X server (GetKeyboardMapping):
 * the dialogs read only Tab, Space, Enter, Escape, Backspace, digits and Ctrl+V, on whatever
 * layout the customer has.
 */
import type { X11Connection } from '../x11-connection';

export class X11KeyMap {
  private constructor(
    private readonly first: number,
    private readonly rows: number[][],
  ) {}

  static async load(conn: X11Connection): Promise<X11KeyMap> {
    const first = conn.info.min_keycode;
    const count = conn.info.max_keycode - first + 1;
    const rows = await conn.call<number[][]>('GetKeyboardMapping', (cb) =>
      conn.client.GetKeyboardMapping(first, count, cb),
    );
    return new X11KeyMap(first, rows);
  }

  /** The keysym of `keycode` (its shifted one when `shift` and the key has one), 0 when none. */
  keysym(keycode: number, shift: boolean): number {
    const row = this.rows[keycode - this.first];
    if (!row) return 0;
    return (shift ? row[1] || row[0] : row[0]) ?? 0;
  }
}
