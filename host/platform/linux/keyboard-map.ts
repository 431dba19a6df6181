/**
 * The server's keyboard mapping (keycode -> keysyms), kept current: reloaded when another client
 * changes it (MappingNotify), and patched locally when we bind a spare keycode ourselves. Lookups
 * only use columns 0 (no modifier) and 1 (Shift) of group 1: what the core protocol and XKB agree on.
 */
import type { X11Connection } from './x11-connection';

/** Core event code of MappingNotify. */
const MAPPING_NOTIFY = 34;
/** MappingNotify `request` value for keyboard mapping changes. */
const MAPPING_KEYBOARD = 1;

export interface KeyLocation {
  keycode: number;
  /** True when the keysym sits in column 1: the key must be pressed with Shift. */
  shift: boolean;
}

export class KeyboardMap {
  private rows: number[][] = [];
  private stopEvents: () => void;
  /** Keycodes we rebind ourselves: their MappingNotify needs no reload. */
  private readonly ownKeycodes = new Set<number>();
  private reloading: Promise<void> | null = null;

  private constructor(
    private readonly conn: X11Connection,
    readonly minKeycode: number,
    readonly maxKeycode: number,
  ) {
    this.stopEvents = conn.onEvent((raw) => {
      if ((raw[0]! & 0x7f) !== MAPPING_NOTIFY || raw[4] !== MAPPING_KEYBOARD) return;
      const first = raw[5]!;
      const count = raw[6]!;
      let onlyOurs = count > 0;
      for (let k = first; k < first + count; k++) if (!this.ownKeycodes.has(k)) onlyOurs = false;
      if (!onlyOurs) void this.reload().catch(() => undefined);
    });
  }

  static async load(conn: X11Connection): Promise<KeyboardMap> {
    const map = new KeyboardMap(conn, conn.info.min_keycode, conn.info.max_keycode);
    await map.reload();
    return map;
  }

  reload(): Promise<void> {
    if (this.reloading) return this.reloading;
    const count = this.maxKeycode - this.minKeycode + 1;
    this.reloading = this.conn
      .call<number[][]>('GetKeyboardMapping', (cb) =>
        this.conn.client.GetKeyboardMapping(this.minKeycode, count, cb),
      )
      .then((rows) => {
        this.rows = rows;
      })
      .finally(() => {
        this.reloading = null;
      });
    return this.reloading;
  }

  keysymsOf(keycode: number): readonly number[] {
    return this.rows[keycode - this.minKeycode] ?? [];
  }

  /**
   * Where `keysyms` (candidates, best first) can be typed: column 0 of any key before column 1
   * (Shift), the lowest keycode first; null when no key carries any of them.
   */
  find(keysyms: readonly number[]): KeyLocation | null {
    for (const column of [0, 1]) {
      for (const keysym of keysyms) {
        for (let i = 0; i < this.rows.length; i++) {
          if (this.rows[i]![column] === keysym) {
            // Column 1 equal to column 0 (Return NoSymbol, or "a a") needs no Shift.
            const shift = column === 1 && this.rows[i]![0] !== keysym;
            return { keycode: this.minKeycode + i, shift };
          }
        }
      }
    }
    return null;
  }

  /** Keycodes with no keysym at all: free to bind characters the layout lacks, highest first. */
  spareKeycodes(): number[] {
    const spare: number[] = [];
    for (let i = this.rows.length - 1; i >= 0; i--) {
      if (this.rows[i]!.every((k) => k === 0)) spare.push(this.minKeycode + i);
    }
    return spare;
  }

  /** Records a binding we made with ChangeKeyboardMapping (the server now holds `keysyms`). */
  setLocal(keycode: number, keysyms: number[]): void {
    this.ownKeycodes.add(keycode);
    const index = keycode - this.minKeycode;
    if (index >= 0 && index < this.rows.length) this.rows[index] = [...keysyms];
  }

  close(): void {
    this.stopEvents();
  }
}
