/**
 * The drawing overlay's windows on Windows: one layered window per drawing, the size of its
 * bounding box, whose bitmap holds the drawing's exact pixels in its colour (alpha 255) and
 * nothing elsewhere (alpha 0), and one small layered window per viewer's laser, moved with
 * SetWindowPos. Every one is click-through (WS_EX_LAYERED | WS_EX_TRANSPARENT: the mouse goes to
 * the window below), topmost, a tool window (not in the task bar, never activated), and asked to
 * stay out of captures (display affinity, where Windows offers it). Later drawings stack above
 * earlier ones, lasers above all; the UI loop raises the indicator and the dialogs above them.
 * What to draw (the pixels) and the capture mask are the main thread's (host/overlay/).
 */
import type { Handle } from '../win32-types';
import type { ScreenRect } from './ui-protocol';
import { CLASS_OVERLAY, type UiWindows } from './ui-windows';

const WS_POPUP = 0x80000000;
const WS_EX_TOPMOST = 0x8;
const WS_EX_TRANSPARENT = 0x20;
const WS_EX_TOOLWINDOW = 0x80;
const WS_EX_LAYERED = 0x80000;
const WS_EX_NOACTIVATE = 0x08000000;
const WM_NCHITTEST = 0x84;
const HTTRANSPARENT = -1;
const SW_SHOWNOACTIVATE = 4;
const SWP_NOSIZE = 0x1;
const SWP_NOZORDER = 0x4;
const SWP_NOACTIVATE = 0x10;
const ULW_ALPHA = 0x2;
const AC_SRC_ALPHA = 0x1;
const BI_RGB = 0;
const DIB_RGB_COLORS = 0;
const OPAQUE = 0xff000000;

export class OverlayLayers {
  /** Drawing windows by key, in stacking order (bottom first). */
  private readonly drawings = new Map<string, Handle>();
  private readonly lasers = new Map<number, Handle>();

  constructor(private readonly ui: UiWindows) {}

  get count(): number {
    return this.drawings.size + this.lasers.size;
  }

  /** Shows a drawing above the others (one already shown under `key` goes). */
  add(key: string, bounds: ScreenRect, spans: Int32Array, color: number): void {
    const old = this.drawings.get(key);
    this.drawings.delete(key);
    const hwnd = this.layer(bounds, spans, color);
    if (hwnd) this.drawings.set(key, hwnd);
    if (old) this.destroy(old);
    for (const l of this.lasers.values()) this.ui.raise(l);
  }

  remove(key: string): void {
    const hwnd = this.drawings.get(key);
    if (!hwnd) return;
    this.drawings.delete(key);
    this.destroy(hwnd);
  }

  /** Shows or moves the laser of `peer`, its top-left at `at`. */
  laser(peer: number, at: { x: number; y: number }, size: number, spans: Int32Array, color: number): void {
    const hwnd = this.lasers.get(peer);
    if (hwnd) {
      this.ui.w.user32.SetWindowPos(hwnd, 0, at.x, at.y, 0, 0, SWP_NOSIZE | SWP_NOZORDER | SWP_NOACTIVATE);
      return;
    }
    const made = this.layer({ x: at.x, y: at.y, width: size, height: size }, spans, color);
    if (made) this.lasers.set(peer, made);
  }

  hideLaser(peer: number): void {
    const hwnd = this.lasers.get(peer);
    if (!hwnd) return;
    this.lasers.delete(peer);
    this.destroy(hwnd);
  }

  clear(): void {
    for (const h of [...this.drawings.values(), ...this.lasers.values()]) this.destroy(h);
    this.drawings.clear();
    this.lasers.clear();
  }

  /** Puts every layer back above other topmost windows, in order (the lasers last). */
  raiseAll(): void {
    for (const h of [...this.drawings.values(), ...this.lasers.values()]) this.ui.raise(h);
  }

  private destroy(hwnd: Handle): void {
    this.ui.detach(hwnd);
    this.ui.w.user32.DestroyWindow(hwnd);
  }

  /** A shown, click-through layered window at `box` painting `spans` (window coordinates). */
  private layer(box: ScreenRect, spans: Int32Array, color: number): Handle {
    if (box.width <= 0 || box.height <= 0) return null;
    const { user32, gdi32, koffi, types } = this.ui.w;
    const hwnd = user32.CreateWindowExW(
      WS_EX_LAYERED | WS_EX_TRANSPARENT | WS_EX_TOPMOST | WS_EX_TOOLWINDOW | WS_EX_NOACTIVATE,
      CLASS_OVERLAY,
      '',
      WS_POPUP,
      box.x,
      box.y,
      box.width,
      box.height,
      null,
      0,
      this.ui.instance,
      null,
    );
    if (!hwnd) throw new Error(`CreateWindowExW failed (${this.ui.w.kernel32.GetLastError()})`);
    this.ui.attach(hwnd, (_h, msg) => (msg === WM_NCHITTEST ? HTTRANSPARENT : null));
    this.ui.excludeFromCapture(hwnd);
    const screen = user32.GetDC(null);
    const mem = gdi32.CreateCompatibleDC(screen);
    const bits: unknown[] = [null];
    const info = {
      bmiHeader: {
        biSize: koffi.sizeof(types.BITMAPINFOHEADER),
        biWidth: box.width,
        biHeight: -box.height,
        biPlanes: 1,
        biBitCount: 32,
        biCompression: BI_RGB,
        biSizeImage: 0,
        biXPelsPerMeter: 0,
        biYPelsPerMeter: 0,
        biClrUsed: 0,
        biClrImportant: 0,
      },
      bmiColors: new Array<number>(256).fill(0),
    };
    const dib = gdi32.CreateDIBSection(mem, info, DIB_RGB_COLORS, bits, null, 0);
    try {
      if (!dib || !bits[0]) throw new Error('out of memory for an overlay bitmap');
      const old = gdi32.SelectObject(mem, dib);
      // Pixels B,G,R,A in memory: one little-endian word each, premultiplied (alpha is 0 or 255).
      const px = new Uint32Array(koffi.view(bits[0], box.width * box.height * 4));
      const word = (OPAQUE | (color & 0xffffff)) >>> 0;
      for (let i = 0; i + 2 < spans.length; i += 3) {
        const row = spans[i]! * box.width;
        px.fill(word, row + spans[i + 1]!, row + spans[i + 2]!);
      }
      gdi32.GdiFlush();
      user32.UpdateLayeredWindow(
        hwnd,
        screen,
        { x: box.x, y: box.y },
        { cx: box.width, cy: box.height },
        mem,
        { x: 0, y: 0 },
        0,
        { BlendOp: 0, BlendFlags: 0, SourceConstantAlpha: 255, AlphaFormat: AC_SRC_ALPHA },
        ULW_ALPHA,
      );
      gdi32.SelectObject(mem, old);
    } finally {
      if (dib) gdi32.DeleteObject(dib);
      gdi32.DeleteDC(mem);
      user32.ReleaseDC(null, screen);
    }
    user32.ShowWindow(hwnd, SW_SHOWNOACTIVATE);
    return hwnd;
  }
}
