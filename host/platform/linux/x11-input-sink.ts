/**
 * InputSink for an X11 display through XTEST FakeInput, on its own X connection. Keys by physical
 * code go through the server's keyboard mapping (key-codes.ts); text goes character by character
 * through keysyms (unicode-keysym.ts), with Shift where the layout needs it and a spare keycode for
 * characters the layout lacks (scratch-keys.ts). Operations run one at a time in call order; the
 * sink remembers what it pressed so releaseAll() leaves nothing stuck.
 */
import type { QueryPointerReply, XTestExtension } from 'x11';
import { ProtocolError } from '../../../protocol/errors';
import type { InputSink, PointerButton } from '../types';
import { keysymsForCode, XK } from './key-codes';
import { KeyboardMap } from './keyboard-map';
import { ScratchKeys } from './scratch-keys';
import { keysymsForChar } from './unicode-keysym';
import { X11Connection } from './x11-connection';
import type { PlatformLog } from '../platform-log';

/** Most characters one type() call accepts. */
export const TYPE_MAX_CHARS = 10_000;
/** Most wheel steps one wheel() call sends per axis (a runaway trackpad must not flood the server). */
export const WHEEL_MAX_STEPS = 50;
/** Largest coordinate X accepts (INT16). */
const X_COORD_MAX = 32_767;

/** X pointer buttons: 1 left, 2 middle, 3 right, 4/5 wheel up/down, 6/7 wheel left/right, 8 back, 9 forward. */
const BUTTONS: Record<PointerButton, number> = { left: 1, middle: 2, right: 3, back: 8, forward: 9 };
const WHEEL_UP = 4;
const WHEEL_DOWN = 5;
const WHEEL_LEFT = 6;
const WHEEL_RIGHT = 7;

/** Core modifier mask bits (KeyButMask). */
const LOCK_MASK = 1 << 1;
/** Modifier rows (Shift, Lock, Control, Mod1..Mod5) whose held keys would change typed text; Lock is a toggle, handled apart. */
const HELD_MODIFIER_ROWS = [0, 2, 3, 4, 5, 6, 7];

export class X11InputSink implements InputSink {
  private queue: Promise<unknown> = Promise.resolve();
  /** KeyboardEvent.code -> keycode pressed for it (released with the same keycode). */
  private readonly pressedKeys = new Map<string, number>();
  private readonly pressedButtons = new Set<number>();
  private closed = false;

  private constructor(
    private readonly conn: X11Connection,
    private readonly xtest: XTestExtension,
    private readonly map: KeyboardMap,
    private readonly scratch: ScratchKeys,
  ) {}

  static async open(displayName: string, log: PlatformLog): Promise<X11InputSink> {
    const conn = await X11Connection.open(displayName, log);
    try {
      const xtest = await conn.extension('xtest');
      if (!xtest)
        throw new ProtocolError(
          'input_unavailable',
          'this X server has no XTEST extension: remote control is not possible',
        );
      const map = await KeyboardMap.load(conn);
      return new X11InputSink(conn, xtest, map, new ScratchKeys(conn, map));
    } catch (err) {
      await conn.close();
      throw err;
    }
  }

  key(code: string, down: boolean): Promise<void> {
    return this.enqueue(async () => {
      if (!down) {
        const keycode = this.pressedKeys.get(code);
        if (keycode === undefined) return; // never pressed by us: nothing to release
        this.pressedKeys.delete(code);
        this.fake(this.xtest.KeyRelease, keycode);
        if (this.scratch.owns(keycode)) this.scratch.release(keycode);
        return;
      }
      const keysyms = keysymsForCode(code);
      if (!keysyms) throw new ProtocolError('bad_request', `unknown key code "${code.slice(0, 40)}"`);
      let keycode = this.pressedKeys.get(code);
      if (keycode === undefined) {
        const found = this.map.find(keysyms);
        keycode = found ? found.keycode : await this.scratch.acquire(keysyms[0]!);
        this.pressedKeys.set(code, keycode);
      }
      // A second press without release is the viewer's auto-repeat: X expects another KeyPress.
      this.fake(this.xtest.KeyPress, keycode);
    });
  }

  type(text: string): Promise<void> {
    return this.enqueue(async () => {
      // UTF-16 length bounds the code points from above: refuse before splitting a huge string.
      const chars = text.length > TYPE_MAX_CHARS * 2 ? null : [...text.replace(/\r\n/g, '\n')];
      if (!chars || chars.length > TYPE_MAX_CHARS) {
        throw new ProtocolError(
          'message_too_large',
          `text to type is longer than ${TYPE_MAX_CHARS} characters`,
        );
      }
      const restoreModifiers = await this.clearModifiers();
      try {
        for (const ch of chars) await this.typeChar(ch);
      } finally {
        restoreModifiers();
        await this.conn.sync();
      }
    });
  }

  pointerMove(x: number, y: number): Promise<void> {
    return this.enqueue(async () => {
      this.fake(this.xtest.MotionNotify, 0, clampCoord(x), clampCoord(y));
    });
  }

  pointerPosition(): Promise<{ x: number; y: number }> {
    // A round trip on this connection: X answers after every FakeInput sent before it.
    return this.enqueue(async () => {
      const reply = await this.conn.call<QueryPointerReply>('QueryPointer', (cb) =>
        this.conn.client.QueryPointer(this.conn.root, cb),
      );
      return { x: reply.rootX, y: reply.rootY };
    });
  }

  button(button: PointerButton, down: boolean): Promise<void> {
    return this.enqueue(async () => {
      const n = BUTTONS[button];
      if (n === undefined)
        throw new ProtocolError('bad_request', `unknown pointer button "${String(button).slice(0, 20)}"`);
      if (down) {
        this.pressedButtons.add(n);
        this.fake(this.xtest.ButtonPress, n);
      } else {
        if (!this.pressedButtons.delete(n)) return;
        this.fake(this.xtest.ButtonRelease, n);
      }
    });
  }

  wheel(dx: number, dy: number): Promise<void> {
    return this.enqueue(async () => {
      const steps = (v: number) =>
        Math.min(WHEEL_MAX_STEPS, Math.round(Math.abs(Number.isFinite(v) ? v : 0)));
      const click = (n: number, count: number) => {
        for (let i = 0; i < count; i++) {
          this.fake(this.xtest.ButtonPress, n);
          this.fake(this.xtest.ButtonRelease, n);
        }
      };
      click(dy > 0 ? WHEEL_DOWN : WHEEL_UP, steps(dy));
      click(dx > 0 ? WHEEL_RIGHT : WHEEL_LEFT, steps(dx));
    });
  }

  releaseAll(): Promise<void> {
    return this.enqueue(() => this.releaseEverything());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.releaseAll().catch(() => undefined);
    this.closed = true;
    await this.queue.catch(() => undefined);
    await this.scratch.close();
    this.map.close();
    await this.conn.close();
  }

  private async releaseEverything(): Promise<void> {
    for (const keycode of this.pressedKeys.values()) {
      this.fake(this.xtest.KeyRelease, keycode);
      if (this.scratch.owns(keycode)) this.scratch.release(keycode);
    }
    this.pressedKeys.clear();
    for (const n of this.pressedButtons) this.fake(this.xtest.ButtonRelease, n);
    this.pressedButtons.clear();
    await this.conn.sync();
  }

  private async typeChar(ch: string): Promise<void> {
    const keysyms = keysymsForChar(ch);
    if (keysyms.length === 0) return; // control characters other than newline/tab are not typed
    const found = this.map.find(keysyms);
    if (found) {
      const shift = found.shift ? this.map.find([XK.Shift_L, XK.Shift_R]) : null;
      if (shift) this.fake(this.xtest.KeyPress, shift.keycode);
      this.tap(found.keycode);
      if (shift) this.fake(this.xtest.KeyRelease, shift.keycode);
      return;
    }
    const keycode = await this.scratch.acquire(keysyms[0]!);
    this.tap(keycode);
    this.scratch.release(keycode);
  }

  /**
   * Typed text must not be changed by modifiers someone holds (the viewer's Ctrl, the customer's
   * Shift) or by Caps Lock: release held modifier keys and switch Caps Lock off, and return a
   * function that puts them back (what `xdotool type --clearmodifiers` does).
   */
  private async clearModifiers(): Promise<() => void> {
    const [pointer, keymap, modmap] = await Promise.all([
      this.conn.call<QueryPointerReply>('QueryPointer', (cb) =>
        this.conn.client.QueryPointer(this.conn.root, cb),
      ),
      this.conn.call<Buffer>('QueryKeymap', (cb) => this.conn.client.QueryKeymap(cb)),
      this.conn.call<number[][]>('GetModifierMapping', (cb) => this.conn.client.GetModifierMapping(cb)),
    ]);
    const held: number[] = [];
    for (const row of HELD_MODIFIER_ROWS) {
      for (const keycode of modmap[row] ?? []) {
        if (
          keycode !== 0 &&
          (keymap[keycode >> 3]! & (1 << (keycode & 7))) !== 0 &&
          !held.includes(keycode)
        ) {
          held.push(keycode);
        }
      }
    }
    for (const keycode of held) this.fake(this.xtest.KeyRelease, keycode);
    const capsLock = (pointer.keyMask & LOCK_MASK) !== 0 ? this.map.find([XK.Caps_Lock]) : null;
    if (capsLock) this.tap(capsLock.keycode);
    return () => {
      if (capsLock) this.tap(capsLock.keycode);
      for (const keycode of held) this.fake(this.xtest.KeyPress, keycode);
    };
  }

  private tap(keycode: number): void {
    this.fake(this.xtest.KeyPress, keycode);
    this.fake(this.xtest.KeyRelease, keycode);
  }

  private fake(type: number, detail: number, x = 0, y = 0): void {
    this.xtest.FakeInput(type, detail, 0, this.conn.root, x, y);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the input sink is closed'));
    const run = this.queue.then(op);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function clampCoord(v: number): number {
  if (!Number.isFinite(v)) return 0;
  return Math.max(0, Math.min(X_COORD_MAX, Math.round(v)));
}
