/**
 * One of the helper's own windows on Windows (the consent question, "type the code"), drawn from
 * a DialogSpec with Windows' standard controls: the heading in semi-bold, the paragraphs, one
 * BS_AUTOCHECKBOX per check (unticked unless the spec says so), an edit field, a red error line,
 * and the buttons on the right, the primary one the default (Enter). It is a normal window with a
 * title bar and a close box, on top of every window (WS_EX_TOPMOST) and brought to the front with
 * the keyboard on its first control when it opens; Tab, Space, Enter and Escape work as in any
 * Windows dialog (the loop passes its messages through IsDialogMessageW).
 *
 * What the customer does goes to `report`: a button (with the ticks and the field's text), or
 * `closed` for the close box (and Escape without a cancel button). Nothing is reported for a
 * disabled button ("Allow" with nothing ticked, everything while `busy`).
 * Sizes are in 96-DPI units scaled to the window's monitor.
 */
import type { DialogAction, DialogSpec } from '../../../platform/types';
import type { Handle } from '../win32-types';
import type { ScreenRect } from './ui-protocol';
import { BASE_DPI, CLASS_DIALOG, type UiWindows } from './ui-windows';

/** Client width at 96 DPI, in pixels. */
const CLIENT_WIDTH = 440;
const MARGIN = 18;
/** Space between blocks (heading, paragraph, checks, buttons), in pixels at 96 DPI. */
const GAP = 12;
const CHECK_GAP = 4;
/** Width of a checkbox's box and the space after it. */
const CHECK_BOX = 22;
const MIN_LINE = 22;
const BUTTON_HEIGHT = 28;
const BUTTON_MIN_WIDTH = 92;
const BUTTON_PADDING = 28;
const BUTTON_GAP = 8;
const FIELD_HEIGHT = 26;
/** Font size in points (Windows' message font) and the face; Windows substitutes when absent. */
const FONT_POINTS = 9;
const HEADING_POINTS = 11;
const FONT_FACE = 'Segoe UI';
const ERROR_COLOR = 0x0000b4; // COLORREF 0x00BBGGRR: dark red

const ID_CHECK = 1000;
const ID_BUTTON = 2000;
const ID_FIELD = 3000;
const ID_ERROR = 3001;
const IDOK = 1;
const IDCANCEL = 2;

const WS_CHILD = 0x40000000;
const WS_VISIBLE = 0x10000000;
const WS_POPUP = 0x80000000;
const WS_CAPTION = 0x00c00000;
const WS_SYSMENU = 0x00080000;
const WS_TABSTOP = 0x00010000;
const WS_GROUP = 0x00020000;
const WS_BORDER = 0x00800000;
const WS_EX_TOPMOST = 0x8;
/** Shows a window without activating it (a background dialog). */
const SW_SHOWNOACTIVATE = 4;
const WS_EX_CONTROLPARENT = 0x10000;
const WS_EX_DLGMODALFRAME = 0x1;
const WS_EX_APPWINDOW = 0x40000;
const BS_PUSHBUTTON = 0x0;
const BS_DEFPUSHBUTTON = 0x1;
const BS_AUTOCHECKBOX = 0x3;
const BS_MULTILINE = 0x2000;
const SS_NOPREFIX = 0x80;
const ES_AUTOHSCROLL = 0x80;
const ES_NUMBER = 0x2000;
const WM_CLOSE = 0x10;
const WM_SETFONT = 0x30;
const WM_COMMAND = 0x111;
const WM_CTLCOLORSTATIC = 0x138;
const WM_CTLCOLORBTN = 0x135;
const DM_GETDEFID = 0x400;
const DC_HASDEFID = 0x534b;
const BM_GETCHECK = 0xf0;
const BM_SETCHECK = 0xf1;
const BST_CHECKED = 1;
const BN_CLICKED = 0;
const EM_LIMITTEXT = 0xc5;
const DT_CALCRECT = 0x400;
const DT_WORDBREAK = 0x10;
const DT_NOPREFIX = 0x800;
const FW_NORMAL = 400;
const FW_SEMIBOLD = 600;
const DEFAULT_CHARSET = 1;
const CLEARTYPE_QUALITY = 5;
const TRANSPARENT = 1;
const COLOR_WINDOW = 5;
const SWP_NOZORDER = 0x4;
const SWP_NOACTIVATE = 0x10;
/** Longest text taken from the edit field, in UTF-16 units (the spec's maxChars is far less). */
const FIELD_READ_MAX = 256;

interface Control {
  hwnd: Handle;
  id: number;
}

export class DialogWindow {
  readonly hwnd: Handle;
  private spec: DialogSpec;
  private controls: Control[] = [];
  private checks = new Map<string, Control>();
  private buttons = new Map<string, Control>();
  private field: Control | null = null;
  private error: Control | null = null;
  private fonts: Handle[] = [];
  private destroyed = false;

  constructor(
    private readonly ui: UiWindows,
    spec: DialogSpec,
    private readonly report: (action: DialogAction) => void,
  ) {
    this.spec = spec;
    const { user32 } = ui.w;
    this.hwnd = user32.CreateWindowExW(
      (spec.inBackground ? 0 : WS_EX_TOPMOST) | WS_EX_CONTROLPARENT | WS_EX_DLGMODALFRAME | WS_EX_APPWINDOW,
      CLASS_DIALOG,
      spec.title,
      WS_POPUP | WS_CAPTION | WS_SYSMENU,
      0,
      0,
      CLIENT_WIDTH,
      200,
      null,
      0,
      ui.instance,
      null,
    );
    if (!this.hwnd) throw new Error(`CreateWindowExW failed (${ui.w.kernel32.GetLastError()})`);
    ui.attach(this.hwnd, (_h, msg, wParam, lParam) => this.onMessage(msg, wParam, lParam));
    this.build(spec, new Map(), null);
    this.centre();
  }

  /** Shows it in front, the keyboard on its first control (a background one: shown, no more). */
  show(): void {
    if (this.spec.inBackground) this.ui.w.user32.ShowWindow(this.hwnd, SW_SHOWNOACTIVATE);
    else this.ui.showInFront(this.hwnd, this.firstFocus());
  }

  rect(): ScreenRect {
    return this.ui.rect(this.hwnd);
  }

  /** New words or state; the customer's ticks and typed text stay. */
  update(spec: DialogSpec): void {
    if (this.destroyed) return;
    const ticked = new Map([...this.checks].map(([id, c]) => [id, this.isChecked(c)]));
    const typed = this.field ? this.fieldText() : null;
    this.spec = spec;
    this.ui.w.user32.SetWindowTextW(this.hwnd, spec.title);
    this.clearControls();
    this.build(spec, ticked, typed);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.ui.detach(this.hwnd);
    this.ui.w.user32.DestroyWindow(this.hwnd);
    for (const f of this.fonts) this.ui.w.gdi32.DeleteObject(f);
    this.fonts = [];
  }

  /** Whether `msg` belongs to this window or one of its controls (for IsDialogMessageW). */
  get handle(): Handle {
    return this.hwnd;
  }

  /** A control's place and state (tests drive the window with the real mouse and keys). */
  probe(control: string): (ScreenRect & { checked: boolean; enabled: boolean; focused: boolean }) | null {
    const c =
      this.checks.get(control) ?? this.buttons.get(control) ?? (control === 'field' ? this.field : null);
    if (!c) return null;
    const { user32 } = this.ui.w;
    return {
      ...this.ui.rect(c.hwnd),
      checked: this.checks.has(control) && this.isChecked(c),
      enabled: Boolean(user32.IsWindowEnabled(c.hwnd)),
      focused: this.ui.same(user32.GetFocus(), c.hwnd),
    };
  }

  // ------------------------------------------------------------------ layout

  private scale(dpi: number, px: number): number {
    return Math.round((px * dpi) / BASE_DPI);
  }

  private font(points: number, weight: number, dpi: number): Handle {
    const f = this.ui.w.gdi32.CreateFontW(
      -Math.round((points * dpi) / 72),
      0,
      0,
      0,
      weight,
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
    this.fonts.push(f);
    return f;
  }

  /** Height of `text` wrapped to `width` in `font`, in pixels. */
  private textHeight(text: string, font: Handle, width: number): number {
    const { user32, gdi32 } = this.ui.w;
    const dc = user32.GetDC(this.hwnd);
    const old = gdi32.SelectObject(dc, font);
    const r = { left: 0, top: 0, right: width, bottom: 0 };
    user32.DrawTextW(dc, text, -1, r, DT_CALCRECT | DT_WORDBREAK | DT_NOPREFIX);
    gdi32.SelectObject(dc, old);
    user32.ReleaseDC(this.hwnd, dc);
    return r.bottom - r.top;
  }

  private textWidth(text: string, font: Handle): number {
    const { user32, gdi32 } = this.ui.w;
    const dc = user32.GetDC(this.hwnd);
    const old = gdi32.SelectObject(dc, font);
    const r = { left: 0, top: 0, right: 0, bottom: 0 };
    user32.DrawTextW(dc, text, -1, r, DT_CALCRECT | DT_NOPREFIX);
    gdi32.SelectObject(dc, old);
    user32.ReleaseDC(this.hwnd, dc);
    return r.right - r.left;
  }

  private child(
    cls: string,
    text: string,
    style: number,
    id: number,
    font: Handle,
    box: ScreenRect,
  ): Control {
    const { user32 } = this.ui.w;
    const hwnd = user32.CreateWindowExW(
      0,
      cls,
      text,
      WS_CHILD | WS_VISIBLE | style,
      box.x,
      box.y,
      box.width,
      box.height,
      this.hwnd,
      id,
      this.ui.instance,
      null,
    );
    if (!hwnd) throw new Error(`CreateWindowExW(${cls}) failed (${this.ui.w.kernel32.GetLastError()})`);
    user32.SendMessageW(hwnd, WM_SETFONT, Number(this.ui.w.koffi.address(font)), 1);
    const c = { hwnd, id };
    this.controls.push(c);
    return c;
  }

  private build(spec: DialogSpec, ticked: Map<string, boolean>, typed: string | null): void {
    const dpi = this.ui.dpi(this.hwnd);
    const s = (px: number) => this.scale(dpi, px);
    for (const f of this.fonts) this.ui.w.gdi32.DeleteObject(f);
    this.fonts = [];
    const body = this.font(FONT_POINTS, FW_NORMAL, dpi);
    const bold = this.font(HEADING_POINTS, FW_SEMIBOLD, dpi);
    const inner = s(CLIENT_WIDTH) - 2 * s(MARGIN);
    let y = s(MARGIN);
    const text = (words: string, font: Handle, id = 0) => {
      const h = Math.max(this.textHeight(words, font, inner), s(MIN_LINE) - s(6));
      const c = this.child('STATIC', words, SS_NOPREFIX, id, font, {
        x: s(MARGIN),
        y,
        width: inner,
        height: h,
      });
      y += h + s(GAP);
      return c;
    };
    text(spec.heading, bold);
    for (const p of spec.text) text(p, body);
    this.checks = new Map();
    for (const [i, check] of (spec.checks ?? []).entries()) {
      const labelWidth = inner - s(CHECK_BOX);
      const h = Math.max(s(MIN_LINE), this.textHeight(check.label, body, labelWidth) + s(4));
      const c = this.child(
        'BUTTON',
        check.label,
        BS_AUTOCHECKBOX | BS_MULTILINE | WS_TABSTOP | (i === 0 ? WS_GROUP : 0),
        ID_CHECK + i,
        body,
        { x: s(MARGIN), y, width: inner, height: h },
      );
      const on = ticked.get(check.id) ?? check.checked;
      if (on) this.ui.w.user32.SendMessageW(c.hwnd, BM_SETCHECK, BST_CHECKED, 0);
      this.checks.set(check.id, c);
      y += h + s(CHECK_GAP);
    }
    if (spec.checks?.length) y += s(GAP) - s(CHECK_GAP);
    this.field = null;
    if (spec.field) {
      text(spec.field.label, body);
      y -= s(GAP) - s(CHECK_GAP);
      this.field = this.child(
        'EDIT',
        typed ?? spec.field.value,
        WS_BORDER |
          WS_TABSTOP |
          WS_GROUP |
          ES_AUTOHSCROLL |
          (spec.field.allowed === 'digits' ? ES_NUMBER : 0),
        ID_FIELD,
        body,
        { x: s(MARGIN), y, width: Math.min(inner, s(200)), height: s(FIELD_HEIGHT) },
      );
      this.ui.w.user32.SendMessageW(this.field.hwnd, EM_LIMITTEXT, spec.field.maxChars, 0);
      y += s(FIELD_HEIGHT) + s(GAP);
    }
    this.error = spec.error ? text(spec.error, body, ID_ERROR) : null;
    // Buttons right-aligned in the spec's order; the primary one is the default (Enter).
    const widths = spec.buttons.map((b) =>
      Math.max(s(BUTTON_MIN_WIDTH), this.textWidth(b.label, body) + s(BUTTON_PADDING)),
    );
    let x =
      s(CLIENT_WIDTH) - s(MARGIN) - widths.reduce((a, b) => a + b, 0) - s(BUTTON_GAP) * (widths.length - 1);
    this.buttons = new Map();
    for (const [i, b] of spec.buttons.entries()) {
      const c = this.child(
        'BUTTON',
        b.label,
        (b.primary ? BS_DEFPUSHBUTTON : BS_PUSHBUTTON) | WS_TABSTOP | (i === 0 ? WS_GROUP : 0),
        ID_BUTTON + i,
        body,
        { x, y, width: widths[i]!, height: s(BUTTON_HEIGHT) },
      );
      this.buttons.set(b.id, c);
      x += widths[i]! + s(BUTTON_GAP);
    }
    y += s(BUTTON_HEIGHT) + s(MARGIN);
    this.refreshEnabled();
    this.resize(s(CLIENT_WIDTH), y);
  }

  private resize(clientWidth: number, clientHeight: number): void {
    const { user32 } = this.ui.w;
    const r = { left: 0, top: 0, right: clientWidth, bottom: clientHeight };
    user32.AdjustWindowRectEx(r, WS_POPUP | WS_CAPTION | WS_SYSMENU, 0, WS_EX_DLGMODALFRAME);
    const before = this.ui.rect(this.hwnd);
    const width = r.right - r.left;
    const height = r.bottom - r.top;
    // Keeps its centre where it was (an update that adds a line grows it both ways).
    user32.SetWindowPos(
      this.hwnd,
      0,
      before.x + Math.round((before.width - width) / 2),
      before.y + Math.round((before.height - height) / 2),
      width,
      height,
      SWP_NOZORDER | SWP_NOACTIVATE,
    );
  }

  /** In the middle of the primary monitor's work area. */
  private centre(): void {
    const area = this.ui.workArea();
    const r = this.ui.rect(this.hwnd);
    this.ui.w.user32.SetWindowPos(
      this.hwnd,
      0,
      area.x + Math.max(0, Math.round((area.width - r.width) / 2)),
      area.y + Math.max(0, Math.round((area.height - r.height) / 2)),
      0,
      0,
      SWP_NOZORDER | SWP_NOACTIVATE | 0x1 /* SWP_NOSIZE */,
    );
  }

  private clearControls(): void {
    for (const c of this.controls) this.ui.w.user32.DestroyWindow(c.hwnd);
    this.controls = [];
  }

  private firstFocus(): Handle {
    const first = this.checks.values().next().value ?? this.field;
    if (first) return first.hwnd;
    const primary = this.spec.buttons.find((b) => b.primary);
    return (primary && this.buttons.get(primary.id)?.hwnd) ?? null;
  }

  // ------------------------------------------------------------------ behaviour

  private isChecked(c: Control): boolean {
    return Number(this.ui.w.user32.SendMessageW(c.hwnd, BM_GETCHECK, 0, 0)) === BST_CHECKED;
  }

  private fieldText(): string {
    if (!this.field) return '';
    const buf = new Uint16Array(FIELD_READ_MAX);
    const n = this.ui.w.user32.GetWindowTextW(this.field.hwnd, buf, FIELD_READ_MAX);
    return Buffer.from(buf.buffer, 0, Math.max(0, n) * 2).toString('utf16le');
  }

  private anyChecked(): boolean {
    for (const c of this.checks.values()) if (this.isChecked(c)) return true;
    return false;
  }

  /** Buttons are enabled unless the window is busy, or they need a tick and none is given. */
  private refreshEnabled(): void {
    const ticked = this.anyChecked();
    for (const b of this.spec.buttons) {
      const c = this.buttons.get(b.id);
      if (!c) continue;
      const on = !this.spec.busy && (!b.needsCheck || ticked);
      this.ui.w.user32.EnableWindow(c.hwnd, on ? 1 : 0);
    }
  }

  private press(buttonId: string): void {
    const b = this.spec.buttons.find((x) => x.id === buttonId);
    const c = this.buttons.get(buttonId);
    if (!b || !c || !this.ui.w.user32.IsWindowEnabled(c.hwnd)) {
      this.ui.w.user32.MessageBeep(0);
      return;
    }
    const checks: Record<string, boolean> = {};
    for (const [id, ctl] of this.checks) checks[id] = this.isChecked(ctl);
    this.report({ kind: 'button', button: buttonId, checks, field: this.fieldText() });
  }

  private onMessage(msg: number, wParam: number, lParam: number): number | null {
    switch (msg) {
      case WM_COMMAND: {
        const id = wParam & 0xffff;
        const code = (wParam >>> 16) & 0xffff;
        if (id === IDCANCEL) {
          if (this.spec.cancel) this.press(this.spec.cancel);
          else this.report({ kind: 'closed' });
          return 0;
        }
        if (id === IDOK) {
          const primary = this.spec.buttons.find((b) => b.primary);
          if (primary) this.press(primary.id);
          return 0;
        }
        if (code !== BN_CLICKED) return 0;
        if (id >= ID_CHECK && id < ID_CHECK + this.checks.size) {
          this.refreshEnabled();
          return 0;
        }
        const button = this.spec.buttons[id - ID_BUTTON];
        if (button) this.press(button.id);
        return 0;
      }
      case DM_GETDEFID: {
        const i = this.spec.buttons.findIndex((b) => b.primary);
        return i < 0 ? 0 : ((DC_HASDEFID << 16) | (ID_BUTTON + i)) >>> 0;
      }
      case WM_CLOSE:
        this.report({ kind: 'closed' });
        return 0;
      case WM_CTLCOLORSTATIC:
      case WM_CTLCOLORBTN: {
        const { user32, gdi32, koffi } = this.ui.w;
        if (this.error && BigInt(lParam) === koffi.address(this.error.hwnd))
          gdi32.SetTextColorOf(wParam, ERROR_COLOR);
        gdi32.SetBkModeOf(wParam, TRANSPARENT);
        return Number(koffi.address(user32.GetSysColorBrush(COLOR_WINDOW)));
      }
      default:
        return null;
    }
  }
}
