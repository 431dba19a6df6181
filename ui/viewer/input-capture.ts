/**
 * The viewer's keyboard and pointer capture (DOM glue around key-mapper.ts and
 * pointer-mapper.ts). Keys are read on a focused, visually hidden textarea so that input methods
 * and dead keys work (their result arrives as composition or input events and is sent as text).
 * While the agent controls, every key and wheel the viewer handles is preventDefault-ed, so
 * arrows, the keypad, Space and Page Up/Down never scroll the viewer instead of reaching the
 * remote application. On blur, everything held is released on the remote side (release.all).
 *
 * With `canControl()` false (view only, paused, a drawing tool chosen), nothing is sent; the
 * viewer's own shortcuts still work and the browser keeps its keys (scrolling a 1:1 view).
 */
import { INPUT_TEXT_MAX_CHARS, type InputEvent as RemoteInput } from '../../protocol/data/input';
import type { Point, Rect, Size } from './coordinate-map';
import { KeyTracker, type KeyInfo, type KeyOptions, type ViewerShortcut } from './key-mapper';
import { PointerMapper, POINTER_MOVE_MIN_MS } from './pointer-mapper';

export interface InputCaptureOptions {
  keyTarget: HTMLTextAreaElement;
  pointerTarget: HTMLElement;
  /** The picture canvas's client rectangle (getBoundingClientRect). */
  canvasRect(): Rect;
  frame(): Size | null;
  origin(): Point;
  canControl(): boolean;
  keyOptions(): KeyOptions;
  send(event: RemoteInput): boolean;
  onShortcut(shortcut: ViewerShortcut): void;
}

export class InputCapture {
  private readonly keys: KeyTracker;
  private readonly pointer = new PointerMapper();
  private moveTimer: ReturnType<typeof setTimeout> | null = null;
  private buttonsDown = 0;
  /** The last pointerdown was sent to the remote side (and cancelled here). */
  private downSent = false;
  private composing = false;
  private readonly detach: (() => void)[] = [];

  constructor(private readonly o: InputCaptureOptions) {
    this.keys = new KeyTracker(o.keyOptions());
    const k = o.keyTarget;
    const p = o.pointerTarget;
    this.on(k, 'keydown', (e) => this.onKeyDown(e));
    this.on(k, 'keyup', (e) => this.onKeyUp(e));
    this.on(k, 'compositionstart', () => (this.composing = true));
    this.on(k, 'compositionend', (e) => this.onCompositionEnd(e));
    this.on(k, 'input', (e) => this.onInput(e));
    this.on(k, 'blur', () => this.releaseAll());
    this.on(window, 'blur', () => this.releaseAll());
    this.on(p, 'pointerdown', (e) => this.onPointerDown(e));
    this.on(p, 'pointerup', (e) => this.onPointerUp(e));
    this.on(p, 'pointermove', (e) => this.onPointerMove(e));
    this.on(p, 'mousedown', (e) => this.onMouseDown(e));
    this.on(p, 'wheel', (e) => this.onWheel(e), { passive: false });
    this.on(p, 'contextmenu', (e) => {
      if (this.o.canControl()) e.preventDefault();
    });
  }

  /** Gives the keyboard to the viewer (after a click on the picture or a toolbar action). */
  focus(): void {
    this.o.keyTarget.focus({ preventScroll: true });
  }

  /** Releases every key and button on the remote side. */
  releaseAll(): void {
    const held = this.keys.held().length > 0 || this.buttonsDown !== 0;
    const events = this.keys.releaseAll();
    this.buttonsDown = 0;
    if (held) for (const e of events) this.o.send(e);
  }

  /** Sends one special combination (the viewer's menu: Ctrl+Alt+Del and friends). */
  sendCombo(combo: Extract<RemoteInput, { type: 'keys.combo' }>['combo']): boolean {
    return this.o.send({ type: 'keys.combo', combo });
  }

  dispose(): void {
    if (this.moveTimer !== null) clearTimeout(this.moveTimer);
    for (const d of this.detach) d();
    this.detach.length = 0;
  }

  // ------------------------------------------------------------------ keyboard

  private onKeyDown(e: KeyboardEvent): void {
    this.keys.setOptions(this.o.keyOptions());
    const control = this.o.canControl();
    const { action, events } = this.keys.keyDown(keyInfo(e));
    if (action.kind === 'browser') return; // composition or dead key: the result comes as text
    if (action.kind === 'shortcut') {
      e.preventDefault();
      this.keys.keyUp({ code: e.code });
      this.o.onShortcut(action.shortcut);
      return;
    }
    if (!control) {
      this.keys.keyUp({ code: e.code }); // nothing was sent: forget it
      return;
    }
    e.preventDefault();
    for (const ev of events) this.o.send(ev);
  }

  private onKeyUp(e: KeyboardEvent): void {
    const events = this.keys.keyUp({ code: e.code });
    if (events.length === 0) return;
    e.preventDefault();
    if (this.o.canControl()) for (const ev of events) this.o.send(ev);
  }

  private onCompositionEnd(e: CompositionEvent): void {
    this.composing = false;
    this.sendText(e.data);
    this.o.keyTarget.value = '';
  }

  /** Text the browser inserted without a keydown we handled (dead keys, some layouts, on-screen keyboards). */
  private onInput(e: Event): void {
    if (this.composing || (e instanceof InputEvent && e.isComposing)) return;
    const data = e instanceof InputEvent ? e.data : null;
    if (data) this.sendText(data);
    this.o.keyTarget.value = '';
  }

  private sendText(text: string | null): void {
    if (!text || !this.o.canControl()) return;
    for (let at = 0; at < text.length; at += INPUT_TEXT_MAX_CHARS) {
      this.o.send({ type: 'text', text: text.slice(at, at + INPUT_TEXT_MAX_CHARS) });
    }
  }

  // ------------------------------------------------------------------ pointer

  private geometry() {
    const frame = this.o.frame();
    if (!frame) return null;
    return { canvasRect: this.o.canvasRect(), frame, origin: this.o.origin() };
  }

  private onPointerDown(e: PointerEvent): void {
    this.focus();
    this.downSent = false;
    const geo = this.geometry();
    if (!geo || !this.o.canControl()) return;
    e.preventDefault();
    this.downSent = true;
    this.o.pointerTarget.setPointerCapture?.(e.pointerId);
    this.buttonsDown |= 1 << e.button;
    for (const ev of this.pointer.button(e.button, true, point(e), geo, performance.now())) this.o.send(ev);
  }

  /**
   * The compatibility mousedown after a pointerdown sent to the remote side: cancelled, so that
   * its default action does not move focus off the key target (a blur releases everything held,
   * the button just pressed included, and the keys after the click would go nowhere). Chromium
   * sends no such mousedown once pointerdown is cancelled; Firefox ignores preventDefault on
   * pointerdown in extension pages (so that add-ons cannot break a page's mouse events) and does.
   */
  private onMouseDown(e: MouseEvent): void {
    if (!this.downSent) return;
    this.downSent = false;
    e.preventDefault();
  }

  private onPointerUp(e: PointerEvent): void {
    const geo = this.geometry();
    if (!geo || !this.o.canControl()) return;
    if ((this.buttonsDown & (1 << e.button)) === 0) return;
    this.buttonsDown &= ~(1 << e.button);
    e.preventDefault();
    for (const ev of this.pointer.button(e.button, false, point(e), geo, performance.now())) this.o.send(ev);
  }

  private onPointerMove(e: PointerEvent): void {
    const geo = this.geometry();
    if (!geo || !this.o.canControl()) return;
    const ev = this.pointer.move(point(e), geo, performance.now());
    if (ev) this.o.send(ev);
    else if (this.moveTimer === null) {
      this.moveTimer = setTimeout(() => {
        this.moveTimer = null;
        const late = this.pointer.flushMove(performance.now());
        if (late && this.o.canControl()) this.o.send(late);
      }, POINTER_MOVE_MIN_MS);
    }
  }

  private onWheel(e: WheelEvent): void {
    const geo = this.geometry();
    if (!geo || !this.o.canControl()) return;
    e.preventDefault();
    for (const ev of this.pointer.wheel(e.deltaX, e.deltaY, e.deltaMode, point(e), geo, performance.now())) {
      this.o.send(ev);
    }
  }

  private on<K extends keyof HTMLElementEventMap>(
    target: HTMLElement | Window,
    type: K,
    handler: (e: HTMLElementEventMap[K]) => void,
    options?: AddEventListenerOptions,
  ): void {
    const listener = (e: Event) => handler(e as HTMLElementEventMap[K]);
    target.addEventListener(type, listener, options);
    this.detach.push(() => target.removeEventListener(type, listener, options));
  }
}

function point(e: MouseEvent): Point {
  return { x: e.clientX, y: e.clientY };
}

function keyInfo(e: KeyboardEvent): KeyInfo {
  return {
    code: e.code,
    key: e.key,
    ctrlKey: e.ctrlKey,
    altKey: e.altKey,
    metaKey: e.metaKey,
    shiftKey: e.shiftKey,
    repeat: e.repeat,
    isComposing: e.isComposing,
    keyCode: e.keyCode,
    altGraph: e.getModifierState?.('AltGraph') ?? false,
  };
}
