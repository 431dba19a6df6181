/**
 * A plain X window that records the key and button events it receives: the X server's own
 * account of what our input sink injected. It takes the keyboard focus and covers `bounds`.
 */
import { X11Connection } from '../../../../../host/platform/linux/x11-connection';
import { silentPlatformLog } from '../../../../../host/platform/platform-log';

const INPUT_OUTPUT = 1;
const KEY_PRESS = 2;
const KEY_RELEASE = 3;
const BUTTON_PRESS = 4;
const BUTTON_RELEASE = 5;
const MASK = 0x1 | 0x2 | 0x4 | 0x8; // KeyPress, KeyRelease, ButtonPress, ButtonRelease

export interface RecordedEvent {
  kind: 'keyPress' | 'keyRelease' | 'buttonPress' | 'buttonRelease';
  /** keycode or button number */
  detail: number;
}

export class EventWindow {
  readonly events: RecordedEvent[] = [];
  private constructor(
    readonly conn: X11Connection,
    readonly window: number,
  ) {
    conn.onEvent((raw) => {
      const code = raw[0]! & 0x7f;
      const kind =
        code === KEY_PRESS
          ? 'keyPress'
          : code === KEY_RELEASE
            ? 'keyRelease'
            : code === BUTTON_PRESS
              ? 'buttonPress'
              : code === BUTTON_RELEASE
                ? 'buttonRelease'
                : null;
      if (kind && raw.readUInt32LE(12) === window) this.events.push({ kind, detail: raw[1]! });
    });
  }

  static async open(
    display: string,
    bounds: { x: number; y: number; width: number; height: number },
  ): Promise<EventWindow> {
    const conn = await X11Connection.open(display, silentPlatformLog);
    const window = conn.client.AllocID();
    conn.client.CreateWindow(
      window,
      conn.root,
      bounds.x,
      bounds.y,
      bounds.width,
      bounds.height,
      0,
      0,
      INPUT_OUTPUT,
      0,
      {
        eventMask: MASK,
      },
    );
    conn.client.MapWindow(window);
    await conn.sync();
    conn.client.SetInputFocus(window, 1);
    await conn.sync();
    return new EventWindow(conn, window);
  }

  /** Keysyms the server maps to `keycode` now. */
  async keysymsOf(keycode: number): Promise<number[]> {
    const rows = await this.conn.call<number[][]>('GetKeyboardMapping', (cb) =>
      this.conn.client.GetKeyboardMapping(keycode, 1, cb),
    );
    return rows[0] ?? [];
  }

  take(): RecordedEvent[] {
    return this.events.splice(0);
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}
