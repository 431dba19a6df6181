/**
 * The plain background on a bare X server (no desktop environment drawing its own background
 * window): the root window's background becomes one pixel value, then the root is cleared so the
 * server repaints it at once.
 *
 * What is put back, exactly: the X protocol says that setting a root window's background to None
 * restores the server's default background, and wallpaper setters (feh, hsetroot, Esetroot, nitrogen)
 * keep their picture in a pixmap they retain and name in the root's `_XROOTPMAP_ID` property. So
 * the snapshot is that pixmap id (or none); restore makes it the background again when it still
 * exists, else the server's default. A colour set with `xsetroot -solid` names no pixmap, and comes
 * back as the server's default (docs/helper-linux.md says so).
 */
import type { XScreen } from 'x11';
import { ProtocolError } from '../../../protocol/errors';
import type { PlatformLog } from '../platform-log';
import type { BackgroundSnapshot, DesktopBackground, Rgb } from '../types';
import { X11Connection } from './x11-connection';

export const X_ROOT_KIND = 'x11-root';
/** The property wallpaper setters name their retained pixmap in. */
const ROOT_PIXMAP_PROPERTY = '_XROOTPMAP_ID';
/** X's PIXMAP type atom (predefined) and the "None" resource. */
const XA_PIXMAP = 20;
const NONE = 0;

/** The pixel value of `color` in the root window's visual (TrueColor masks). */
export function rootPixel(screen: XScreen, color: Rgb): number {
  const visual = screen.depths[screen.root_depth]?.[screen.root_visual];
  if (!visual || !visual.red_mask) {
    throw new ProtocolError('feature_disabled', 'this X display has no true-colour root window');
  }
  const channel = (value: number, mask: number) => {
    const shift = 31 - Math.clz32(mask & -mask); // the lowest bit of the mask
    const bits = 32 - Math.clz32(mask >>> shift);
    const scaled = bits >= 8 ? value << (bits - 8) : value >> (8 - bits);
    return (scaled << shift) >>> 0;
  };
  return (
    (channel(color.r, visual.red_mask) |
      channel(color.g, visual.green_mask) |
      channel(color.b, visual.blue_mask)) >>>
    0
  );
}

export class X11RootBackground implements DesktopBackground {
  readonly kind = X_ROOT_KIND;

  constructor(
    private readonly display: string,
    private readonly log: PlatformLog,
  ) {}

  async read(): Promise<BackgroundSnapshot> {
    return this.withConnection(async (conn) => {
      const pixmap = await this.rootPixmap(conn);
      return { kind: X_ROOT_KIND, values: { pixmap: pixmap === NONE ? '' : String(pixmap) } };
    });
  }

  async setPlain(color: Rgb): Promise<void> {
    await this.withConnection(async (conn) => {
      const pixel = rootPixel(conn.screen, color);
      conn.client.ChangeWindowAttributes(conn.root, { backgroundPixel: pixel });
      conn.client.ClearArea(conn.root, 0, 0, 0, 0, 0);
      await conn.sync();
    });
  }

  async restore(snapshot: BackgroundSnapshot): Promise<void> {
    await this.withConnection(async (conn) => {
      const wanted = Number.parseInt(snapshot.values.pixmap ?? '', 10);
      let pixmap = Number.isInteger(wanted) && wanted > 0 ? wanted : NONE;
      if (pixmap !== NONE && !(await this.exists(conn, pixmap))) {
        this.log.warn('background.root_pixmap_gone', { pixmap });
        pixmap = NONE;
      }
      conn.client.ChangeWindowAttributes(conn.root, { backgroundPixmap: pixmap });
      conn.client.ClearArea(conn.root, 0, 0, 0, 0, 0);
      await conn.sync();
    });
  }

  private async rootPixmap(conn: X11Connection): Promise<number> {
    const atom = await conn.atom(ROOT_PIXMAP_PROPERTY);
    const reply = await conn.call<{ type: number; format: number; data: Buffer }>('GetProperty', (cb) =>
      conn.client.GetProperty(0, conn.root, atom, XA_PIXMAP, 0, 1, cb),
    );
    if (reply.format !== 32 || reply.data.length < 4) return NONE;
    const id = reply.data.readUInt32LE(0);
    return (await this.exists(conn, id)) ? id : NONE;
  }

  private async exists(conn: X11Connection, drawable: number): Promise<boolean> {
    try {
      await conn.call('GetGeometry', (cb) => conn.client.GetGeometry(drawable, cb));
      return true;
    } catch {
      return false;
    }
  }

  private async withConnection<T>(run: (conn: X11Connection) => Promise<T>): Promise<T> {
    let conn: X11Connection;
    try {
      conn = await X11Connection.open(this.display, this.log);
    } catch (err) {
      throw new ProtocolError(
        'unavailable',
        `the X display ${this.display} cannot be reached: ${String(err)}`,
      );
    }
    try {
      return await run(conn);
    } finally {
      await conn.close();
    }
  }
}
