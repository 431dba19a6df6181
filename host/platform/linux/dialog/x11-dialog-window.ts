/**
 * One helper dialog as an X window, drawn with core requests (no toolkit: the helper is one
 * executable with nothing to install). It asks the window manager, before it is mapped, to keep it
 * above every other window (_NET_WM_STATE_ABOVE) as a dialog (_NET_WM_WINDOW_TYPE_DIALOG) at the
 * centre of the screen, and once mapped to activate it (_NET_ACTIVE_WINDOW with the "pager"
 * source, which window managers honour over their focus-stealing prevention: the customer just
 * clicked in the browser, and the question must not open behind it). Without a window manager it
 * raises itself and takes the keyboard focus. Closing it with the title bar's close box
 * (WM_DELETE_WINDOW) is reported as `closed`.
 *
 * Layout and keys are pure (dialog-layout.ts, dialog-controls.ts); this file paints the layout
 * into a pixmap and copies it to the window (no flicker), and turns X events into keys and clicks.
 */
import type { Dialog, DialogAction, DialogSpec } from '../../types';
import type { X11Connection } from '../x11-connection';
import { carryState, initialState, onClick, onKey, onPaste, type DialogKey } from './dialog-controls';
import { COLORS, dialogWidth, hitAt, layoutDialog, type DialogState, type Layout } from './dialog-layout';
import { drawableText, type DialogFonts } from './x11-dialog-fonts';
import type { X11KeyMap } from './x11-key-map';

const XA_ATOM = 4;
const XA_CARDINAL = 6;
const XA_STRING = 31;
const XA_WM_HINTS = 35;
const XA_WM_NAME = 39;
const XA_WM_NORMAL_HINTS = 40;
const XA_WM_SIZE_HINTS = 41;
const XA_WM_CLASS = 67;
const PROP_REPLACE = 0;

const EV_KEY_PRESS = 2;
const EV_BUTTON_PRESS = 4;
const EV_EXPOSE = 12;
const EV_MAP_NOTIFY = 19;
const EV_SELECTION_NOTIFY = 31;
const EV_CLIENT_MESSAGE = 33;

const MASK_KEY_PRESS = 0x1;
const MASK_BUTTON_PRESS = 0x4;
const MASK_EXPOSURE = 0x8000;
const MASK_STRUCTURE_NOTIFY = 0x20000;
const MASK_PROPERTY_CHANGE = 0x400000;
const MASK_SUBSTRUCTURE_NOTIFY = 0x80000;
const MASK_SUBSTRUCTURE_REDIRECT = 0x100000;

const STATE_SHIFT = 0x1;
const STATE_CONTROL = 0x4;
/** _NET_ACTIVE_WINDOW source indication: a pager, i.e. on the user's behalf. */
const SOURCE_PAGER = 2;
/** Longest text pasted into the field that is read, in bytes. */
const PASTE_MAX_BYTES = 1024;
/** How long a paste may take to arrive, in ms. */
const PASTE_TIMEOUT_MS = 1000;

export interface DialogAtoms {
  WM_PROTOCOLS: number;
  WM_DELETE_WINDOW: number;
  _NET_WM_NAME: number;
  UTF8_STRING: number;
  _NET_WM_WINDOW_TYPE: number;
  _NET_WM_WINDOW_TYPE_DIALOG: number;
  _NET_WM_STATE: number;
  _NET_WM_STATE_ABOVE: number;
  _NET_ACTIVE_WINDOW: number;
  _NET_WM_PID: number;
  _NET_SUPPORTING_WM_CHECK: number;
  CLIPBOARD: number;
  LIFELINE_PASTE: number;
}

export const DIALOG_ATOM_NAMES: readonly (keyof DialogAtoms)[] = [
  'WM_PROTOCOLS',
  'WM_DELETE_WINDOW',
  '_NET_WM_NAME',
  'UTF8_STRING',
  '_NET_WM_WINDOW_TYPE',
  '_NET_WM_WINDOW_TYPE_DIALOG',
  '_NET_WM_STATE',
  '_NET_WM_STATE_ABOVE',
  '_NET_ACTIVE_WINDOW',
  '_NET_WM_PID',
  '_NET_SUPPORTING_WM_CHECK',
  'CLIPBOARD',
  'LIFELINE_PASTE',
];

function u32(values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
}

export class X11DialogWindow implements Dialog {
  readonly window: number;
  private readonly gc: number;
  private pixmap = 0;
  private pixmapSize = { width: 0, height: 0 };
  private spec: DialogSpec;
  private state: DialogState;
  private layout: Layout;
  private closed = false;
  private readonly offEvents: () => void;
  private pasteWaiter: ((text: string | null) => void) | null = null;

  constructor(
    private readonly conn: X11Connection,
    private readonly fonts: DialogFonts,
    private readonly atoms: DialogAtoms,
    private readonly keys: X11KeyMap,
    spec: DialogSpec,
    private readonly onAction: (action: DialogAction) => void,
    private readonly onClosed: (w: X11DialogWindow) => void,
    private readonly hasWindowManager: boolean,
  ) {
    this.spec = spec;
    this.state = initialState(spec);
    const screen = conn.screen;
    const width = dialogWidth(spec, fonts.metrics, screen.pixel_width);
    this.layout = layoutDialog(spec, this.state, fonts.metrics, width);
    const x = Math.max(0, Math.round((screen.pixel_width - width) / 2));
    const y = Math.max(0, Math.round((screen.pixel_height - this.layout.height) / 3));
    const c = conn.client;
    this.window = c.AllocID();
    c.CreateWindow(this.window, conn.root, x, y, width, this.layout.height, 0, 0, 1, 0, {
      backgroundPixel: COLORS.background,
      eventMask:
        MASK_KEY_PRESS | MASK_BUTTON_PRESS | MASK_EXPOSURE | MASK_STRUCTURE_NOTIFY | MASK_PROPERTY_CHANGE,
    });
    this.gc = c.AllocID();
    c.CreateGC(this.gc, this.window, {
      foreground: COLORS.text,
      background: COLORS.background,
      graphicsExposures: 0,
    });
    this.setProperties(x, y);
    this.offEvents = conn.onEvent((raw) => this.onEvent(raw));
    c.MapWindow(this.window);
    c.RaiseWindow(this.window);
  }

  update(spec: DialogSpec): void {
    if (this.closed) return;
    this.spec = spec;
    this.state = carryState(spec, this.state);
    this.setTitle(spec.title);
    this.relayout();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.offEvents();
    this.pasteWaiter?.(null);
    const c = this.conn.client;
    if (!this.conn.closed) {
      try {
        c.DestroyWindow(this.window);
        c.FreeGC(this.gc);
        if (this.pixmap) c.FreePixmap(this.pixmap);
      } catch {
        // the X server is gone already
      }
    }
    this.onClosed(this);
  }

  // ------------------------------------------------------------------ window manager

  private setProperties(x: number, y: number): void {
    const c = this.conn.client;
    const a = this.atoms;
    this.setTitle(this.spec.title);
    c.ChangeProperty(
      PROP_REPLACE,
      this.window,
      XA_WM_CLASS,
      XA_STRING,
      8,
      Buffer.from('lifeline-helper\0Lifeline\0', 'latin1'),
    );
    c.ChangeProperty(PROP_REPLACE, this.window, a.WM_PROTOCOLS, XA_ATOM, 32, u32([a.WM_DELETE_WINDOW]));
    c.ChangeProperty(
      PROP_REPLACE,
      this.window,
      a._NET_WM_WINDOW_TYPE,
      XA_ATOM,
      32,
      u32([a._NET_WM_WINDOW_TYPE_DIALOG]),
    );
    // A background dialog (the file offer) is neither kept above nor activated.
    if (!this.spec.inBackground) {
      c.ChangeProperty(PROP_REPLACE, this.window, a._NET_WM_STATE, XA_ATOM, 32, u32([a._NET_WM_STATE_ABOVE]));
    }
    c.ChangeProperty(PROP_REPLACE, this.window, a._NET_WM_PID, XA_CARDINAL, 32, u32([process.pid]));
    // WM_HINTS: InputHint | StateHint, input = true, initial state = Normal.
    c.ChangeProperty(
      PROP_REPLACE,
      this.window,
      XA_WM_HINTS,
      XA_WM_HINTS,
      32,
      u32([1 | 2, 1, 1, 0, 0, 0, 0, 0, 0]),
    );
    this.setSizeHints(x, y);
  }

  private setSizeHints(x: number, y: number): void {
    const { width, height } = this.layout;
    // USPosition | USSize | PPosition | PSize | PMinSize | PMaxSize: centred, not resizable.
    const flags = 1 | 2 | 4 | 8 | 16 | 32;
    const hints = [flags, x, y, width, height, width, height, width, height, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    this.conn.client.ChangeProperty(
      PROP_REPLACE,
      this.window,
      XA_WM_NORMAL_HINTS,
      XA_WM_SIZE_HINTS,
      32,
      u32(hints),
    );
  }

  private setTitle(title: string): void {
    const c = this.conn.client;
    c.ChangeProperty(
      PROP_REPLACE,
      this.window,
      XA_WM_NAME,
      XA_STRING,
      8,
      Buffer.from(drawableText(title, { id: 0, unicode: false }), 'latin1'),
    );
    c.ChangeProperty(
      PROP_REPLACE,
      this.window,
      this.atoms._NET_WM_NAME,
      this.atoms.UTF8_STRING,
      8,
      Buffer.from(title, 'utf8'),
    );
  }

  /** Asks the window manager to activate (raise and focus) the window; without one, does it. */
  private activate(): void {
    const c = this.conn.client;
    if (this.hasWindowManager) {
      const ev = Buffer.alloc(32);
      ev[0] = EV_CLIENT_MESSAGE;
      ev[1] = 32;
      ev.writeUInt32LE(this.window >>> 0, 4);
      ev.writeUInt32LE(this.atoms._NET_ACTIVE_WINDOW >>> 0, 8);
      ev.writeUInt32LE(SOURCE_PAGER, 12);
      // data[1] = timestamp 0 (CurrentTime), data[2] = our currently active window: none.
      c.SendEvent(this.conn.root, 0, MASK_SUBSTRUCTURE_REDIRECT | MASK_SUBSTRUCTURE_NOTIFY, ev);
    } else {
      c.RaiseWindow(this.window);
      // PointerRoot revert: focus goes back where the pointer is once this window is gone.
      c.SetInputFocus(this.window, 1);
    }
  }

  // ------------------------------------------------------------------ painting

  private relayout(): void {
    const width = dialogWidth(this.spec, this.fonts.metrics, this.conn.screen.pixel_width);
    const before = this.layout;
    this.layout = layoutDialog(this.spec, this.state, this.fonts.metrics, width);
    if (before.width !== this.layout.width || before.height !== this.layout.height) {
      const c = this.conn.client;
      const screen = this.conn.screen;
      const x = Math.max(0, Math.round((screen.pixel_width - this.layout.width) / 2));
      const y = Math.max(0, Math.round((screen.pixel_height - this.layout.height) / 3));
      this.setSizeHints(x, y);
      c.ConfigureWindow(this.window, { width: this.layout.width, height: this.layout.height });
    }
    this.paint();
  }

  private paint(): void {
    if (this.closed || this.conn.closed) return;
    const c = this.conn.client;
    const { width, height } = this.layout;
    if (this.pixmapSize.width !== width || this.pixmapSize.height !== height) {
      if (this.pixmap) c.FreePixmap(this.pixmap);
      this.pixmap = c.AllocID();
      c.CreatePixmap(this.pixmap, this.window, this.conn.screen.root_depth, width, height);
      this.pixmapSize = { width, height };
    }
    c.ChangeGC(this.gc, { foreground: COLORS.background });
    c.PolyFillRectangle(this.pixmap, this.gc, [0, 0, width, height]);
    for (const op of this.layout.ops) {
      if (op.kind === 'fill') {
        c.ChangeGC(this.gc, { foreground: op.color });
        c.PolyFillRectangle(this.pixmap, this.gc, [op.x, op.y, op.width, op.height]);
        continue;
      }
      const font = op.bold ? this.fonts.bold : this.fonts.regular;
      const text = drawableText(op.text, font);
      if (text === '') continue;
      c.ChangeGC(this.gc, { foreground: op.color, font: font.id });
      const items: string[] = [];
      for (let i = 0; i < text.length; i += 200) items.push(text.slice(i, i + 200));
      if (font.unicode) c.PolyText16(this.pixmap, this.gc, op.x, op.y, items);
      else c.PolyText8(this.pixmap, this.gc, op.x, op.y, items);
    }
    c.CopyArea(this.pixmap, this.window, this.gc, 0, 0, 0, 0, width, height);
  }

  // ------------------------------------------------------------------ events

  private onEvent(raw: Buffer): void {
    if (this.closed) return;
    const code = raw[0]! & 0x7f;
    switch (code) {
      case EV_EXPOSE:
        if (raw.readUInt32LE(4) === this.window && raw.readUInt16LE(16) === 0) this.paint();
        return;
      case EV_MAP_NOTIFY:
        if (raw.readUInt32LE(8) === this.window) {
          if (!this.spec.inBackground) this.activate();
          this.paint();
        }
        return;
      case EV_BUTTON_PRESS: {
        if (raw.readUInt32LE(12) !== this.window || raw[1] !== 1) return;
        const x = raw.readInt16LE(24);
        const y = raw.readInt16LE(26);
        this.step(onClick(this.spec, this.state, hitAt(this.layout, x, y)));
        return;
      }
      case EV_KEY_PRESS: {
        if (raw.readUInt32LE(12) !== this.window) return;
        const state = raw.readUInt16LE(28);
        const keysym = this.keys.keysym(raw[1]!, (state & STATE_SHIFT) !== 0);
        if ((state & STATE_CONTROL) !== 0) {
          if (keysym === 0x76 || keysym === 0x56) void this.paste();
          return;
        }
        const key = keyOf(keysym, (state & STATE_SHIFT) !== 0);
        if (key) this.step(onKey(this.spec, this.state, key));
        return;
      }
      case EV_CLIENT_MESSAGE:
        if (
          raw.readUInt32LE(4) === this.window &&
          raw.readUInt32LE(8) === this.atoms.WM_PROTOCOLS &&
          raw.readUInt32LE(12) === this.atoms.WM_DELETE_WINDOW
        ) {
          this.onAction({ kind: 'closed' });
        }
        return;
      case EV_SELECTION_NOTIFY:
        if (raw.readUInt32LE(8) === this.window) void this.readPaste(raw.readUInt32LE(20));
        return;
    }
  }

  private step(result: ReturnType<typeof onKey>): void {
    this.state = result.state;
    this.relayout();
    if (result.action) this.onAction(result.action);
  }

  /** Ctrl+V in the field: asks the clipboard's owner for its text (SelectionNotify brings it). */
  private paste(): Promise<void> {
    if (!this.spec.field) return Promise.resolve();
    const c = this.conn.client;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.pasteWaiter?.(null), PASTE_TIMEOUT_MS);
      this.pasteWaiter = (text) => {
        clearTimeout(timer);
        this.pasteWaiter = null;
        if (text !== null && !this.closed) {
          this.state = onPaste(this.spec, this.state, text);
          this.relayout();
        }
        resolve();
      };
      c.ConvertSelection(
        this.window,
        this.atoms.CLIPBOARD,
        this.atoms.UTF8_STRING,
        this.atoms.LIFELINE_PASTE,
        0,
      );
    });
  }

  private async readPaste(property: number): Promise<void> {
    const waiter = this.pasteWaiter;
    if (!waiter) return;
    if (property === 0) return waiter(null);
    try {
      const reply = await this.conn.call<{ data: Buffer }>('GetProperty', (cb) =>
        this.conn.client.GetProperty(1, this.window, property, 0, 0, PASTE_MAX_BYTES / 4, cb),
      );
      waiter(reply.data.toString('utf8'));
    } catch {
      waiter(null);
    }
  }
}

/** The dialog key for an X keysym (X.Org keysymdef.h values). */
export function keyOf(keysym: number, shift: boolean): DialogKey | null {
  if (keysym === 0xff09) return { kind: 'tab', back: shift };
  if (keysym === 0xfe20) return { kind: 'tab', back: true };
  if (keysym === 0x20) return { kind: 'space' };
  if (keysym === 0xff0d || keysym === 0xff8d) return { kind: 'enter' };
  if (keysym === 0xff1b) return { kind: 'escape' };
  if (keysym === 0xff08 || keysym === 0xffff) return { kind: 'backspace' };
  if (keysym >= 0xffb0 && keysym <= 0xffb9) return { kind: 'char', char: String(keysym - 0xffb0) };
  if (keysym >= 0x21 && keysym <= 0x7e) return { kind: 'char', char: String.fromCharCode(keysym) };
  return null;
}
