/**
 * The Windows desktop as a ScreenSource through GDI: BitBlt from the screen DC into a memory
 * bitmap, then GetDIBits as 32-bit top-down BGRX, which is exactly the PixelBuffer layout. The
 * desktop is the virtual screen (all monitors; its origin may be negative, so desktop
 * coordinates are offset by SM_XVIRTUALSCREEN/SM_YVIRTUALSCREEN). The process is made per-monitor
 * DPI aware first, so pixels are physical pixels on every monitor.
 *
 * GDI does not say what changed, so onDamage reports the whole desktop every DAMAGE_POLL_MS while
 * someone listens; the encoder's exact compare then sends only what really changed. This is the
 * fallback: DXGI Desktop Duplication (dxgi-screen-source.ts) reports dirty and move rectangles
 * where Windows offers it (screen-capture-choice.ts; Wine does not, docs/windows.md).
 * CAPTUREBLT includes layered windows; our own windows are kept out with display affinity.
 */
import { ProtocolError } from '../../../protocol/errors';
import type { CursorImage, Monitor, PixelBuffer, Rect, ScreenSource } from '../types';
import { readCursor } from './win-cursor';
import { topDownBgrx } from './top-down-bgrx';
import { loadWin32, win32, type Handle } from './win32';

/** How often the whole desktop is reported as possibly changed while someone listens, in ms. */
export const DAMAGE_POLL_MS = 100;

const SM_XVIRTUALSCREEN = 76;
const SM_YVIRTUALSCREEN = 77;
const SM_CXVIRTUALSCREEN = 78;
const SM_CYVIRTUALSCREEN = 79;
const SRCCOPY = 0x00cc0020;
const CAPTUREBLT = 0x40000000;
const DIB_RGB_COLORS = 0;
const MONITORINFOF_PRIMARY = 1;
/** DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2 */
const PER_MONITOR_AWARE_V2 = -4;

let dpiAware = false;

/** Makes the process per-monitor DPI aware once (before any window or DC is made). */
export function makeDpiAware(): void {
  if (dpiAware) return;
  dpiAware = true;
  const { user32 } = win32();
  if (user32.SetProcessDpiAwarenessContext?.(PER_MONITOR_AWARE_V2)) return;
  user32.SetProcessDPIAware?.();
}

export interface VirtualScreen {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function virtualScreen(): VirtualScreen {
  const { user32 } = win32();
  return {
    x: user32.GetSystemMetrics(SM_XVIRTUALSCREEN),
    y: user32.GetSystemMetrics(SM_YVIRTUALSCREEN),
    width: user32.GetSystemMetrics(SM_CXVIRTUALSCREEN),
    height: user32.GetSystemMetrics(SM_CYVIRTUALSCREEN),
  };
}

/** The monitors, primary first, in desktop coordinates (relative to the virtual screen's origin). */
export function listMonitors(): Monitor[] {
  const { user32, koffi, types } = win32();
  const origin = virtualScreen();
  const found: { name: string; primary: boolean; bounds: Rect }[] = [];
  const callback = koffi.register((monitor: Handle) => {
    const info = {
      cbSize: koffi.sizeof(types.MONITORINFOEXW),
      rcMonitor: {},
      rcWork: {},
      dwFlags: 0,
      szDevice: '',
    };
    if (user32.GetMonitorInfoW(monitor, info)) {
      const r = info.rcMonitor as { left: number; top: number; right: number; bottom: number };
      found.push({
        name: String(info.szDevice).replace(/^\\\\\.\\/, ''),
        primary: (info.dwFlags & MONITORINFOF_PRIMARY) !== 0,
        bounds: {
          x: r.left - origin.x,
          y: r.top - origin.y,
          width: r.right - r.left,
          height: r.bottom - r.top,
        },
      });
    }
    return 1;
  }, koffi.pointer(types.MonitorEnumProc));
  try {
    user32.EnumDisplayMonitors(null, null, callback, 0);
  } finally {
    koffi.unregister(callback);
  }
  if (found.length === 0) {
    found.push({
      name: 'Screen',
      primary: true,
      bounds: { x: 0, y: 0, width: origin.width, height: origin.height },
    });
  }
  found.sort((a, b) => Number(b.primary) - Number(a.primary));
  return found.map((m, id) => ({ id, ...m }));
}

export class GdiScreenSource implements ScreenSource {
  private screenDc: Handle;
  private memDc: Handle;
  private bitmap: Handle = null;
  private bitmapSize = { width: 0, height: 0 };
  private buffer = new Uint8Array(0);
  private readonly listeners = new Set<(rects: Rect[]) => void>();
  private poll: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor() {
    const { user32, gdi32 } = win32();
    this.screenDc = user32.GetDC(null);
    if (!this.screenDc)
      throw new ProtocolError('unavailable', 'screen capture: Windows gave no screen device context');
    this.memDc = gdi32.CreateCompatibleDC(this.screenDc);
  }

  static async open(): Promise<GdiScreenSource> {
    await GdiScreenSource.prepare();
    return new GdiScreenSource();
  }

  /** Win32 loaded and the process DPI aware: what any capture needs first (DXGI's too). */
  static async prepare(): Promise<void> {
    await loadWin32();
    makeDpiAware();
  }

  /** The pointer on the helper's desktop (relative to the virtual screen's origin). */
  static async pointer(): Promise<{ x: number; y: number }> {
    const { user32 } = win32();
    const p = { x: 0, y: 0 };
    user32.GetCursorPos(p);
    const v = virtualScreen();
    return { x: p.x - v.x, y: p.y - v.y };
  }

  desktopSize(): { width: number; height: number } {
    const v = virtualScreen();
    return { width: v.width, height: v.height };
  }

  async monitors(): Promise<Monitor[]> {
    return listMonitors();
  }

  async capture(rect?: Rect): Promise<PixelBuffer> {
    if (this.closed) throw new ProtocolError('unavailable', 'screen capture is closed');
    const { gdi32 } = win32();
    const v = virtualScreen();
    const r = rect ?? { x: 0, y: 0, width: v.width, height: v.height };
    this.ensureBitmap(r.width, r.height);
    if (
      !gdi32.BitBlt(
        this.memDc,
        0,
        0,
        r.width,
        r.height,
        this.screenDc,
        v.x + r.x,
        v.y + r.y,
        SRCCOPY | CAPTUREBLT,
      )
    ) {
      throw new ProtocolError(
        'unavailable',
        'screen capture: Windows refused to copy the screen (the secure desktop may be showing)',
      );
    }
    const bytes = r.width * r.height * 4;
    if (this.buffer.byteLength < bytes) this.buffer = new Uint8Array(bytes);
    const info = topDownBgrx(r.width, r.height);
    // The bitmap may be larger than the rectangle (it is reused): only the top rows are read,
    // and GetDIBits takes the width from `info`, so rows come out r.width pixels wide.
    const view = this.buffer.subarray(0, bytes);
    const lines = gdi32.GetDIBits(this.memDc, this.bitmap, 0, r.height, view, info, DIB_RGB_COLORS);
    if (lines !== r.height)
      throw new ProtocolError('unavailable', 'screen capture: Windows returned no pixels');
    return { width: r.width, height: r.height, stride: r.width * 4, data: view };
  }

  /** A bitmap exactly the size asked (GetDIBits reads from its top-left corner). */
  private ensureBitmap(width: number, height: number): void {
    if (this.bitmap && this.bitmapSize.width === width && this.bitmapSize.height === height) return;
    const { gdi32 } = win32();
    const bitmap = gdi32.CreateCompatibleBitmap(this.screenDc, width, height);
    if (!bitmap) throw new ProtocolError('unavailable', 'screen capture: out of graphics memory');
    gdi32.SelectObject(this.memDc, bitmap);
    if (this.bitmap) gdi32.DeleteObject(this.bitmap);
    this.bitmap = bitmap;
    this.bitmapSize = { width, height };
  }

  onDamage(listener: (rects: Rect[]) => void): () => void {
    this.listeners.add(listener);
    if (!this.poll) {
      this.poll = setInterval(() => {
        const { width, height } = this.desktopSize();
        for (const l of [...this.listeners]) l([{ x: 0, y: 0, width, height }]);
      }, DAMAGE_POLL_MS);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.poll) {
        clearInterval(this.poll);
        this.poll = null;
      }
    };
  }

  pointer(): Promise<{ x: number; y: number }> {
    return GdiScreenSource.pointer();
  }

  async cursor(): Promise<CursorImage | null> {
    return readCursor();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    this.listeners.clear();
    const { user32, gdi32 } = win32();
    if (this.bitmap) gdi32.DeleteObject(this.bitmap);
    gdi32.DeleteDC(this.memDc);
    user32.ReleaseDC(null, this.screenDc);
  }
}
