/**
 * The plain background on Windows: the wallpaper is switched off (SystemParametersInfoW
 * SPI_SETDESKWALLPAPER with an empty path) and the desktop colour (COLOR_DESKTOP) set, through koffi
 * like the helper's other Win32 calls. The snapshot is the wallpaper's path (SPI_GETDESKWALLPAPER)
 * and the desktop colour; the restore sets both back.
 * The plain state is applied for this logon only (no SPIF_UPDATEINIFILE, and SetSysColors is never
 * saved): if the helper dies and is never started again, signing out and in brings the customer's
 * wallpaper back by itself. The restore writes the saved path back to the profile too.
 */
import { ProtocolError } from '../../../protocol/errors';
import type { BackgroundSnapshot, DesktopBackground, Rgb } from '../types';
import { win32 } from './win32';

export const WINDOWS_BACKGROUND_KIND = 'windows';
export const SPI_SETDESKWALLPAPER = 0x0014;
export const SPI_GETDESKWALLPAPER = 0x0073;
export const SPIF_UPDATEINIFILE = 0x01;
export const SPIF_SENDWININICHANGE = 0x02;
export const COLOR_DESKTOP = 1;
/** Longest wallpaper path SPI_GETDESKWALLPAPER fills, in UTF-16 units (MAX_PATH). */
export const WALLPAPER_PATH_MAX = 260;

/** The Win32 calls used, as a seam: tests check the sequence without Windows. */
export interface WallpaperApi {
  getWallpaper(): string | null;
  setWallpaper(path: string, persist: boolean): boolean;
  getDesktopColor(): number;
  setDesktopColor(colorRef: number): boolean;
}

/** COLORREF: 0x00BBGGRR. */
export function colorRef(color: Rgb): number {
  return (color.r | (color.g << 8) | (color.b << 16)) >>> 0;
}

export const win32WallpaperApi: WallpaperApi = {
  getWallpaper() {
    const buf = Buffer.alloc(WALLPAPER_PATH_MAX * 2);
    if (!win32().user32.GetDeskWallpaper(SPI_GETDESKWALLPAPER, WALLPAPER_PATH_MAX, buf, 0)) return null;
    const text = buf.toString('utf16le');
    const end = text.indexOf('\0');
    return end === -1 ? text : text.slice(0, end);
  },
  setWallpaper(path, persist) {
    const flags = SPIF_SENDWININICHANGE | (persist ? SPIF_UPDATEINIFILE : 0);
    return Boolean(win32().user32.SetDeskWallpaper(SPI_SETDESKWALLPAPER, 0, path, flags));
  },
  getDesktopColor: () => Number(win32().user32.GetSysColor(COLOR_DESKTOP)) >>> 0,
  setDesktopColor(value) {
    return Boolean(win32().user32.SetSysColors(1, Int32Array.of(COLOR_DESKTOP), Uint32Array.of(value)));
  },
};

export class WindowsDesktopBackground implements DesktopBackground {
  readonly kind = WINDOWS_BACKGROUND_KIND;

  constructor(private readonly api: WallpaperApi = win32WallpaperApi) {}

  async read(): Promise<BackgroundSnapshot> {
    const wallpaper = this.api.getWallpaper();
    if (wallpaper === null) {
      throw new ProtocolError('internal_error', 'Windows did not say which wallpaper is shown');
    }
    const color = this.api.getDesktopColor();
    return { kind: WINDOWS_BACKGROUND_KIND, values: { wallpaper, color: String(color) } };
  }

  async setPlain(color: Rgb): Promise<void> {
    if (!this.api.setDesktopColor(colorRef(color))) {
      throw new ProtocolError('internal_error', 'Windows refused the desktop colour');
    }
    if (!this.api.setWallpaper('', false)) {
      throw new ProtocolError('internal_error', 'Windows refused to take the wallpaper off');
    }
  }

  async restore(snapshot: BackgroundSnapshot): Promise<void> {
    const color = Number.parseInt(snapshot.values.color ?? '', 10);
    if (Number.isInteger(color) && color >= 0 && color <= 0xffffff) this.api.setDesktopColor(color);
    const wallpaper = snapshot.values.wallpaper ?? '';
    if (wallpaper.length > WALLPAPER_PATH_MAX)
      throw new ProtocolError('invalid_message', 'the saved wallpaper path is too long');
    if (!this.api.setWallpaper(wallpaper, true)) {
      throw new ProtocolError('internal_error', `Windows refused to show the wallpaper ${wallpaper} again`);
    }
  }
}
