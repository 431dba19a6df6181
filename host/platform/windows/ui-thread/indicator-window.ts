/**
 * The sharing indicator on Windows: a bar at the top centre of the primary monitor, white on red,
 * "Lifeline: sharing with Alex (code 123 456)" and a Stop button. A layered tool window on top of
 * every window (WS_EX_TOPMOST, raised again by the UI loop), never activated (WS_EX_NOACTIVATE:
 * showing or clicking it does not take the keyboard from the customer's application); only the
 * Stop button reacts to the mouse, and its click goes to `onStop`. It is laid out hidden first so
 * the main thread knows where it will be before it appears (to mask it where Windows cannot keep
 * it out of captures).
 */
import type { Handle } from '../win32-types';
import type { ScreenRect } from './ui-protocol';
import { BASE_DPI, CLASS_INDICATOR, type UiWindows } from './ui-windows';

/** Bar height, side padding and gap before the button, at 96 DPI, in pixels. */
const HEIGHT = 30;
const PADDING = 12;
const BUTTON_GAP = 12;
const BUTTON_HEIGHT = 22;
const BUTTON_MIN_WIDTH = 64;
const BUTTON_PADDING = 20;
/** Widest bar, as a share of the work area's width. */
const MAX_WIDTH_SHARE = 0.9;
const FONT_POINTS = 9;
const FONT_FACE = 'Segoe UI';
/** Opacity of the bar (0-255): a little of what is behind shows through where Windows blends. */
const OPACITY = 240;
const BACKGROUND = 0x2000b0; // COLORREF of #b00020
const FOREGROUND = 0xffffff;

const ID_STOP = 100;
const WS_POPUP = 0x80000000;
const WS_CHILD = 0x40000000;
const WS_VISIBLE = 0x10000000;
const WS_EX_TOPMOST = 0x8;
const WS_EX_TOOLWINDOW = 0x80;
const WS_EX_LAYERED = 0x80000;
const WS_EX_NOACTIVATE = 0x08000000;
const LWA_ALPHA = 0x2;
const WM_PAINT = 0xf;
const WM_SETFONT = 0x30;
const WM_COMMAND = 0x111;
const WM_MOUSEACTIVATE = 0x21;
const MA_NOACTIVATE = 3;
const BN_CLICKED = 0;
const SW_HIDE = 0;
const SW_SHOWNOACTIVATE = 4;
const SWP_NOZORDER = 0x4;
const SWP_NOACTIVATE = 0x10;
const DT_CALCRECT = 0x400;
const DT_SINGLELINE = 0x20;
const DT_VCENTER = 0x4;
const DT_NOPREFIX = 0x800;
const DT_END_ELLIPSIS = 0x8000;
const FW_SEMIBOLD = 600;
const DEFAULT_CHARSET = 1;
const CLEARTYPE_QUALITY = 5;
const TRANSPARENT = 1;

export class IndicatorWindow {
  private readonly hwnd: Handle;
  private readonly stop: Handle;
  private readonly brush: Handle;
  private font: Handle = null;
  private text = '';
  private shown = false;

  constructor(
    private readonly ui: UiWindows,
    private readonly onStop: () => void,
  ) {
    const { user32, gdi32 } = ui.w;
    this.hwnd = user32.CreateWindowExW(
      WS_EX_TOPMOST | WS_EX_TOOLWINDOW | WS_EX_LAYERED | WS_EX_NOACTIVATE,
      CLASS_INDICATOR,
      'Lifeline',
      WS_POPUP,
      0,
      0,
      1,
      1,
      null,
      0,
      ui.instance,
      null,
    );
    if (!this.hwnd) throw new Error(`CreateWindowExW failed (${ui.w.kernel32.GetLastError()})`);
    user32.SetLayeredWindowAttributes(this.hwnd, 0, OPACITY, LWA_ALPHA);
    this.stop = user32.CreateWindowExW(
      0,
      'BUTTON',
      'Stop',
      WS_CHILD | WS_VISIBLE,
      0,
      0,
      1,
      1,
      this.hwnd,
      ID_STOP,
      ui.instance,
      null,
    );
    this.brush = gdi32.CreateSolidBrush(BACKGROUND);
    ui.attach(this.hwnd, (_h, msg, wParam) => this.onMessage(msg, wParam));
  }

  get isShown(): boolean {
    return this.shown;
  }

  get handle(): Handle {
    return this.hwnd;
  }

  /** Sets the words and the size (hidden or not); returns where it is (or will be) on the screen. */
  layout(text: string, stopLabel: string): ScreenRect & { stop: ScreenRect } {
    const { user32, gdi32 } = this.ui.w;
    const dpi = this.ui.dpi(this.hwnd);
    const s = (px: number) => Math.round((px * dpi) / BASE_DPI);
    if (this.font) gdi32.DeleteObject(this.font);
    this.font = gdi32.CreateFontW(
      -Math.round((FONT_POINTS * dpi) / 72),
      0,
      0,
      0,
      FW_SEMIBOLD,
      0,
      0,
      0,
      DEFAULT_CHARSET,
      0,
      0,
      CLEARTYPE_QUALITY,
      0,
      FONT_FACE,
    );
    user32.SendMessageW(this.stop, WM_SETFONT, Number(this.ui.w.koffi.address(this.font)), 1);
    user32.SetWindowTextW(this.stop, stopLabel);
    this.text = text;
    const area = this.ui.workArea();
    const buttonWidth = Math.max(s(BUTTON_MIN_WIDTH), this.measure(stopLabel) + s(BUTTON_PADDING));
    const maxWidth = Math.floor(area.width * MAX_WIDTH_SHARE);
    const width = Math.min(maxWidth, this.measure(text) + buttonWidth + 2 * s(PADDING) + s(BUTTON_GAP));
    const height = s(HEIGHT);
    const x = area.x + Math.round((area.width - width) / 2);
    user32.SetWindowPos(this.hwnd, 0, x, area.y, width, height, SWP_NOZORDER | SWP_NOACTIVATE);
    const stop = {
      x: width - s(PADDING) - buttonWidth,
      y: Math.round((height - s(BUTTON_HEIGHT)) / 2),
      width: buttonWidth,
      height: s(BUTTON_HEIGHT),
    };
    user32.SetWindowPos(this.stop, 0, stop.x, stop.y, stop.width, stop.height, SWP_NOZORDER | SWP_NOACTIVATE);
    user32.InvalidateRect(this.hwnd, null, 1);
    return { x, y: area.y, width, height, stop: { ...stop, x: x + stop.x, y: area.y + stop.y } };
  }

  show(): void {
    this.ui.w.user32.ShowWindow(this.hwnd, SW_SHOWNOACTIVATE);
    this.ui.raise(this.hwnd);
    this.shown = true;
  }

  hide(): void {
    this.ui.w.user32.ShowWindow(this.hwnd, SW_HIDE);
    this.shown = false;
  }

  /** The Stop button on the screen, while shown (tests click it with the real mouse). */
  stopRect(): ScreenRect | null {
    return this.shown ? this.ui.rect(this.stop) : null;
  }

  destroy(): void {
    this.ui.detach(this.hwnd);
    this.ui.w.user32.DestroyWindow(this.hwnd);
    this.ui.w.gdi32.DeleteObject(this.brush);
    if (this.font) this.ui.w.gdi32.DeleteObject(this.font);
  }

  private measure(text: string): number {
    const { user32, gdi32 } = this.ui.w;
    const dc = user32.GetDC(this.hwnd);
    const old = gdi32.SelectObject(dc, this.font);
    const r = { left: 0, top: 0, right: 0, bottom: 0 };
    user32.DrawTextW(dc, text, -1, r, DT_CALCRECT | DT_SINGLELINE | DT_NOPREFIX);
    gdi32.SelectObject(dc, old);
    user32.ReleaseDC(this.hwnd, dc);
    return r.right - r.left;
  }

  private paint(): void {
    const { user32, gdi32 } = this.ui.w;
    // koffi fills the PAINTSTRUCT's fields into this object.
    const ps: Record<string, unknown> = {};
    const dc = user32.BeginPaint(this.hwnd, ps);
    const client = { left: 0, top: 0, right: 0, bottom: 0 };
    user32.GetClientRect(this.hwnd, client);
    user32.FillRect(dc, client, this.brush);
    const dpi = this.ui.dpi(this.hwnd);
    const stop = this.ui.rect(this.stop);
    const me = this.ui.rect(this.hwnd);
    const textBox = {
      left: Math.round((PADDING * dpi) / BASE_DPI),
      top: 0,
      right: stop.x - me.x - Math.round((BUTTON_GAP * dpi) / BASE_DPI),
      bottom: client.bottom,
    };
    const old = gdi32.SelectObject(dc, this.font);
    gdi32.SetTextColor(dc, FOREGROUND);
    gdi32.SetBkMode(dc, TRANSPARENT);
    user32.DrawTextW(dc, this.text, -1, textBox, DT_SINGLELINE | DT_VCENTER | DT_NOPREFIX | DT_END_ELLIPSIS);
    gdi32.SelectObject(dc, old);
    user32.EndPaint(this.hwnd, ps);
  }

  private onMessage(msg: number, wParam: number): number | null {
    switch (msg) {
      case WM_PAINT:
        this.paint();
        return 0;
      case WM_MOUSEACTIVATE:
        return MA_NOACTIVATE;
      case WM_COMMAND:
        if ((wParam & 0xffff) === ID_STOP && ((wParam >>> 16) & 0xffff) === BN_CLICKED) this.onStop();
        return 0;
      default:
        return null;
    }
  }
}
