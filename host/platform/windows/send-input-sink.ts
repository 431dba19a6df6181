/**
 * InputSink for the Windows desktop through SendInput, the documented way to inject input as if
 * from the devices. Keys by physical code go as scan codes (scan-codes.ts: the customer's layout
 * turns them into keys); text goes as KEYEVENTF_UNICODE characters (VK_PACKET), so any character
 * types whatever the layout, a pair of UTF-16 units for characters outside the BMP, and newline
 * and tab as the Enter and Tab keys. The pointer moves in absolute coordinates over the whole
 * virtual desktop (MOUSEEVENTF_VIRTUALDESK); where the normalised coordinate lands one pixel off,
 * SetCursorPos puts it exactly. Operations run one at a time in call order, and the sink
 * remembers what it pressed so releaseAll() leaves nothing stuck.
 *
 * A helper that is not elevated cannot inject into elevated windows or the secure desktop (UIPI):
 * SendInput then reports fewer events sent, and the call fails with a stable code that says which
 * (input-block-reason.ts: input_blocked_elevated, input_blocked_secure_desktop).
 */
import { ProtocolError } from '../../../protocol/errors';
import type { InputSink, PointerButton } from '../types';
import { virtualScreen } from './gdi-screen-source';
import { inputBlockedError, win32InputBlockFacade, type InputBlockFacade } from './input-block-reason';
import { scanKeyFor } from './scan-codes';
import { loadWin32, win32 } from './win32';

/** Most characters one type() call accepts. */
export const TYPE_MAX_CHARS = 10_000;
/** Most wheel steps one wheel() call sends per axis. */
export const WHEEL_MAX_STEPS = 50;
/** How long a pointer move may take to land before SetCursorPos puts it there, in ms. */
const POINTER_SETTLE_MS = 250;
/** Interval between two looks at the pointer while it settles, in ms. */
const POINTER_POLL_MS = 10;
/** Reads in a row that must find the pointer at its target. */
const POINTER_STABLE_READS = 3;
/** One wheel notch (WHEEL_DELTA). */
const WHEEL_DELTA = 120;
/** The normalised absolute coordinate range of SendInput (0..65535). */
const ABSOLUTE_RANGE = 65_536;

const INPUT_MOUSE = 0;
const INPUT_KEYBOARD = 1;
const KEYEVENTF_EXTENDEDKEY = 0x1;
const KEYEVENTF_KEYUP = 0x2;
const KEYEVENTF_UNICODE = 0x4;
const KEYEVENTF_SCANCODE = 0x8;
const MOUSEEVENTF_MOVE = 0x1;
const MOUSEEVENTF_WHEEL = 0x800;
const MOUSEEVENTF_HWHEEL = 0x1000;
const MOUSEEVENTF_VIRTUALDESK = 0x4000;
const MOUSEEVENTF_ABSOLUTE = 0x8000;
const MAPVK_VSC_TO_VK = 1;
/** How MapVirtualKey marks an extended scan code (0xE0 prefix). */
const EXTENDED_SCAN_PREFIX = 0xe000;
const VK_RETURN = 0x0d;
const VK_TAB = 0x09;
const XBUTTON1 = 1;
const XBUTTON2 = 2;

/** Down and up flags of each button, and its mouseData. */
const BUTTONS: Record<PointerButton, { down: number; up: number; data: number }> = {
  left: { down: 0x2, up: 0x4, data: 0 },
  right: { down: 0x8, up: 0x10, data: 0 },
  middle: { down: 0x20, up: 0x40, data: 0 },
  back: { down: 0x80, up: 0x100, data: XBUTTON1 },
  forward: { down: 0x80, up: 0x100, data: XBUTTON2 },
};

interface KeyInput {
  wVk: number;
  wScan: number;
  dwFlags: number;
}

const BLOCKED =
  'Windows did not accept the input: the window in front belongs to an administrator program or the secure desktop ' +
  '(a UAC prompt) is showing, which a helper that is not elevated may not control; ask the customer to answer it';

export class SendInputSink implements InputSink {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pressedKeys = new Map<string, KeyInput>();
  private readonly pressedButtons = new Set<PointerButton>();
  private closed = false;

  /** `blocks`: what tells an administrator window from a UAC prompt when Windows refuses input. */
  private constructor(private readonly blocks: InputBlockFacade) {}

  static async open(blocks: InputBlockFacade = win32InputBlockFacade): Promise<SendInputSink> {
    await loadWin32();
    return new SendInputSink(blocks);
  }

  key(code: string, down: boolean): Promise<void> {
    return this.enqueue(async () => {
      if (!down) {
        const pressed = this.pressedKeys.get(code);
        if (!pressed) return;
        this.pressedKeys.delete(code);
        this.sendKey({ ...pressed, dwFlags: pressed.dwFlags | KEYEVENTF_KEYUP });
        return;
      }
      const key = scanKeyFor(code);
      if (!key) throw new ProtocolError('bad_request', `unknown key code "${code.slice(0, 40)}"`);
      // With KEYEVENTF_SCANCODE Windows ignores wVk and lets the layout map the scan code; the
      // layout's own mapping is filled in anyway, for Wine, which reads wVk (docs/windows.md). It is
      // the generic modifier (VK_CONTROL, not VK_LCONTROL): Wine keeps Ctrl's state only for that.
      const extendedScan = key.extended ? EXTENDED_SCAN_PREFIX | key.scan : key.scan;
      const input: KeyInput = key.vk
        ? { wVk: key.vk, wScan: key.scan, dwFlags: key.extended ? KEYEVENTF_EXTENDEDKEY : 0 }
        : {
            wVk: win32().user32.MapVirtualKeyW(extendedScan, MAPVK_VSC_TO_VK),
            wScan: key.scan,
            dwFlags: KEYEVENTF_SCANCODE | (key.extended ? KEYEVENTF_EXTENDEDKEY : 0),
          };
      this.pressedKeys.set(code, input);
      this.sendKey(input); // a second press without release is the viewer's auto-repeat
    });
  }

  type(text: string): Promise<void> {
    return this.enqueue(async () => {
      if (text.length > TYPE_MAX_CHARS * 2 || [...text].length > TYPE_MAX_CHARS) {
        throw new ProtocolError(
          'message_too_large',
          `text to type is longer than ${TYPE_MAX_CHARS} characters`,
        );
      }
      for (const ch of text.replace(/\r\n/g, '\n')) {
        if (ch === '\n' || ch === '\t') {
          const vk = ch === '\n' ? VK_RETURN : VK_TAB;
          this.sendKey({ wVk: vk, wScan: 0, dwFlags: 0 });
          this.sendKey({ wVk: vk, wScan: 0, dwFlags: KEYEVENTF_KEYUP });
          continue;
        }
        if (ch < ' ' || ch === '\u007f') continue; // other control characters are not typed
        for (let i = 0; i < ch.length; i++) {
          const unit = ch.charCodeAt(i);
          this.sendKey({ wVk: 0, wScan: unit, dwFlags: KEYEVENTF_UNICODE });
          this.sendKey({ wVk: 0, wScan: unit, dwFlags: KEYEVENTF_UNICODE | KEYEVENTF_KEYUP });
        }
      }
    });
  }

  pointerMove(x: number, y: number): Promise<void> {
    return this.enqueue(async () => {
      const v = virtualScreen();
      const px = clamp(x, v.width);
      const py = clamp(y, v.height);
      // Windows maps dx to pixel floor(dx * width / 65536): the ceiling of the inverse lands on px.
      const dx = Math.ceil((px * ABSOLUTE_RANGE) / v.width);
      const dy = Math.ceil((py * ABSOLUTE_RANGE) / v.height);
      this.sendMouse(dx, dy, 0, MOUSEEVENTF_MOVE | MOUSEEVENTF_ABSOLUTE | MOUSEEVENTF_VIRTUALDESK);
      // The move may land a moment later (Wine applies it through the X server) or one pixel off:
      // wait for it, then put the pointer exactly where asked, so pointerPosition() right after
      // reports our move and never mistakes it for the customer's own mouse.
      const { user32 } = win32();
      const target = { x: v.x + px, y: v.y + py };
      if (await this.pointerReaches(target)) return;
      user32.SetCursorPos(target.x, target.y);
      await this.pointerReaches(target);
    });
  }

  /**
   * Polls the pointer until it is at `target` on POINTER_STABLE_READS reads in a row (true), or
   * POINTER_SETTLE_MS passed (false). One read is not enough under Wine, where the position may
   * flick back to the previous one for a moment while the X server catches up.
   */
  private async pointerReaches(target: { x: number; y: number }): Promise<boolean> {
    const { user32 } = win32();
    const at = { x: 0, y: 0 };
    const deadline = Date.now() + POINTER_SETTLE_MS;
    let stable = 0;
    for (;;) {
      user32.GetCursorPos(at);
      stable = at.x === target.x && at.y === target.y ? stable + 1 : 0;
      if (stable >= POINTER_STABLE_READS) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, POINTER_POLL_MS));
    }
  }

  pointerPosition(): Promise<{ x: number; y: number }> {
    return this.enqueue(async () => {
      const { user32 } = win32();
      const at = { x: 0, y: 0 };
      user32.GetCursorPos(at);
      const v = virtualScreen();
      return { x: at.x - v.x, y: at.y - v.y };
    });
  }

  button(button: PointerButton, down: boolean): Promise<void> {
    return this.enqueue(async () => {
      const b = BUTTONS[button];
      if (!b)
        throw new ProtocolError('bad_request', `unknown pointer button "${String(button).slice(0, 20)}"`);
      if (down) this.pressedButtons.add(button);
      else if (!this.pressedButtons.delete(button)) return;
      this.sendMouse(0, 0, b.data, down ? b.down : b.up);
    });
  }

  wheel(dx: number, dy: number): Promise<void> {
    return this.enqueue(async () => {
      const steps = (v: number) =>
        Math.min(WHEEL_MAX_STEPS, Math.round(Math.abs(Number.isFinite(v) ? v : 0)));
      // Windows: a positive wheel delta scrolls up (away from the user); ours scrolls down.
      if (steps(dy)) this.sendMouse(0, 0, (dy > 0 ? -1 : 1) * steps(dy) * WHEEL_DELTA, MOUSEEVENTF_WHEEL);
      if (steps(dx)) this.sendMouse(0, 0, (dx > 0 ? 1 : -1) * steps(dx) * WHEEL_DELTA, MOUSEEVENTF_HWHEEL);
    });
  }

  releaseAll(): Promise<void> {
    return this.enqueue(async () => this.releaseEverything());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.releaseAll().catch(() => undefined);
    this.closed = true;
    await this.queue.catch(() => undefined);
  }

  private releaseEverything(): void {
    for (const k of this.pressedKeys.values())
      this.sendKey({ ...k, dwFlags: k.dwFlags | KEYEVENTF_KEYUP }, false);
    this.pressedKeys.clear();
    for (const b of this.pressedButtons) this.sendMouse(0, 0, BUTTONS[b].data, BUTTONS[b].up, false);
    this.pressedButtons.clear();
  }

  private sendKey(ki: KeyInput, strict = true): void {
    this.send({ type: INPUT_KEYBOARD, u: { ki: { ...ki, time: 0, dwExtraInfo: 0 } } }, strict);
  }

  private sendMouse(dx: number, dy: number, data: number, flags: number, strict = true): void {
    this.send(
      {
        type: INPUT_MOUSE,
        u: { mi: { dx, dy, mouseData: data >>> 0, dwFlags: flags, time: 0, dwExtraInfo: 0 } },
      },
      strict,
    );
  }

  /** Read without sending anything (what a refusal would say now), for the helper's watch. */
  blockedNow(): ProtocolError | null {
    return inputBlockedError(this.blocks);
  }

  private send(input: unknown, strict: boolean): void {
    const { user32, koffi, types } = win32();
    const sent = user32.SendInput(1, input, koffi.sizeof(types.INPUT));
    if (sent !== 1 && strict) throw inputBlockedError(this.blocks) ?? new ProtocolError('forbidden', BLOCKED);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the input sink is closed'));
    const run = this.queue.then(op);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function clamp(v: number, size: number): number {
  if (!Number.isFinite(v)) return 0;
  return Math.max(0, Math.min(size - 1, Math.round(v)));
}
