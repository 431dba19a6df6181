/**
 * The UI thread's window classes and their one window procedure: every window the helper makes
 * belongs to one of our classes, and messages for it go to the handler registered for its handle
 * (a dialog, the indicator, an overlay layer); anything a handler does not take goes to
 * DefWindowProcW. Also the few things every kind of window needs: the DPI, the primary work area,
 * keeping a window out of captures, and putting a window in front with the keyboard focus.
 */
import type { Handle } from '../win32-types';
import type { ScreenRect } from './ui-protocol';
import type { UiWin32 } from './ui-win32';

export type WndProc = (hwnd: Handle, msg: number, wParam: number, lParam: number) => number | null;

export const CLASS_DIALOG = 'LifelineDialog';
export const CLASS_INDICATOR = 'LifelineIndicator';
export const CLASS_OVERLAY = 'LifelineOverlay';

/** The DPI Windows lays everything out at when a window has no other (100 %). */
export const BASE_DPI = 96;
const WDA_EXCLUDEFROMCAPTURE = 0x11;
const SPI_GETWORKAREA = 0x30;
const COLOR_WINDOW = 5;
const IDC_ARROW = 32512;
const SW_SHOW = 5;
const HWND_TOPMOST = -1;
const SWP_NOSIZE = 0x1;
const SWP_NOMOVE = 0x2;
const SWP_NOACTIVATE = 0x10;
const CS_HREDRAW = 0x2;
const CS_VREDRAW = 0x1;

export class UiWindows {
  private readonly handlers = new Map<bigint, WndProc>();
  private readonly proc: unknown;
  readonly instance: Handle;

  constructor(readonly w: UiWin32) {
    const { koffi, user32, kernel32, types } = w;
    this.instance = kernel32.GetModuleHandleW(null);
    this.proc = koffi.register(
      (hwnd: Handle, msg: number, wParam: number | bigint, lParam: number | bigint) => {
        const handler = hwnd ? this.handlers.get(koffi.address(hwnd)) : undefined;
        const result = handler?.(hwnd, msg, Number(wParam), Number(lParam)) ?? null;
        return result ?? user32.DefWindowProcW(hwnd, msg, wParam, lParam);
      },
      koffi.pointer(types.WNDPROC),
    );
    const cursor = user32.LoadCursorW(null, IDC_ARROW);
    for (const name of [CLASS_DIALOG, CLASS_INDICATOR, CLASS_OVERLAY]) {
      const atom = user32.RegisterClassExW({
        cbSize: koffi.sizeof(types.WNDCLASSEXW),
        style: CS_HREDRAW | CS_VREDRAW,
        lpfnWndProc: this.proc,
        cbClsExtra: 0,
        cbWndExtra: 0,
        hInstance: this.instance,
        hIcon: null,
        hCursor: cursor,
        hbrBackground: name === CLASS_DIALOG ? user32.GetSysColorBrush(COLOR_WINDOW) : null,
        lpszMenuName: null,
        lpszClassName: name,
        hIconSm: null,
      });
      if (!atom) throw new Error(`RegisterClassExW(${name}) failed (${kernel32.GetLastError()})`);
    }
  }

  /** Messages for `hwnd` go to `handler` from now on (WM_CREATE and earlier go to DefWindowProc). */
  attach(hwnd: Handle, handler: WndProc): void {
    this.handlers.set(this.w.koffi.address(hwnd), handler);
  }

  detach(hwnd: Handle): void {
    this.handlers.delete(this.w.koffi.address(hwnd));
  }

  /** The window's DPI (per-monitor aware process), or 96 where Windows cannot say. */
  dpi(hwnd: Handle): number {
    return this.w.user32.GetDpiForWindow?.(hwnd) || BASE_DPI;
  }

  /** The primary monitor's work area (the screen less the task bar), in screen coordinates. */
  workArea(): ScreenRect {
    const r = { left: 0, top: 0, right: 0, bottom: 0 };
    this.w.user32.SystemParametersInfoW(SPI_GETWORKAREA, 0, r, 0);
    return { x: r.left, y: r.top, width: r.right - r.left, height: r.bottom - r.top };
  }

  /** Asks Windows to leave `hwnd` out of every capture; false where it cannot (Wine, before 2004). */
  excludeFromCapture(hwnd: Handle): boolean {
    return Boolean(this.w.user32.SetWindowDisplayAffinity?.(hwnd, WDA_EXCLUDEFROMCAPTURE));
  }

  /** Whether two handles are the same window (koffi gives a new object for each handle it returns). */
  same(a: Handle, b: Handle): boolean {
    if (!a || !b) return !a && !b;
    return this.w.koffi.address(a) === this.w.koffi.address(b);
  }

  rect(hwnd: Handle): ScreenRect {
    const r = { left: 0, top: 0, right: 0, bottom: 0 };
    this.w.user32.GetWindowRect(hwnd, r);
    return { x: r.left, y: r.top, width: r.right - r.left, height: r.bottom - r.top };
  }

  /** Puts `hwnd` above every other topmost window without activating it. */
  raise(hwnd: Handle): void {
    this.w.user32.SetWindowPos(hwnd, HWND_TOPMOST, 0, 0, 0, 0, SWP_NOMOVE | SWP_NOSIZE | SWP_NOACTIVATE);
  }

  /**
   * Shows `hwnd` in front with the keyboard in `focus`. Windows lets a process take the
   * foreground only in some cases; when it refuses, the input of the thread in front is joined
   * for a moment (the documented way for a window the customer is waiting for).
   */
  showInFront(hwnd: Handle, focus: Handle): void {
    const { user32, kernel32 } = this.w;
    user32.ShowWindow(hwnd, SW_SHOW);
    this.raise(hwnd);
    if (!user32.SetForegroundWindow(hwnd) || !this.same(user32.GetForegroundWindow(), hwnd)) {
      const front = user32.GetForegroundWindow();
      const frontThread = front ? user32.GetWindowThreadProcessId(front, [0]) : 0;
      const ours = kernel32.GetCurrentThreadId();
      if (frontThread && frontThread !== ours && user32.AttachThreadInput(ours, frontThread, 1)) {
        user32.BringWindowToTop(hwnd);
        user32.SetForegroundWindow(hwnd);
        user32.AttachThreadInput(ours, frontThread, 0);
      }
    }
    if (focus) user32.SetFocus(focus);
  }
}
