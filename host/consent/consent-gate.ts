/**
 * The consent gate: the only way helper code reaches the platform. Each capability (view,
 * control, clipboard, files, reboot) is granted separately by the customer in the helper's own
 * prompt; every call through the gate checks the grant AT THAT MOMENT and is refused with
 * `consent_required` otherwise, so a revoke takes effect on the very next call (and revoking
 * control releases every pressed key and button at once). Platform objects are opened lazily,
 * on the first granted use, so nothing touches the desktop before consent. A refused call throws
 * synchronously (before any platform code runs), whether the method is sync or async.
 */
import { NO_GRANTS, type Grants } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import type {
  Clipboard,
  FileAccess,
  InputSink,
  Platform,
  PointerButton,
  Rect,
  ScreenMove,
  ScreenSource,
} from '../platform/types';

export type Capability = keyof Grants;

export type GrantsListener = (grants: Grants, previous: Grants) => void;

export class ConsentGate {
  private grants: Grants = { ...NO_GRANTS };
  private readonly listeners = new Set<GrantsListener>();
  private screenSource: Promise<ScreenSource> | null = null;
  private inputSink: Promise<InputSink> | null = null;
  private clipboardImpl: Promise<Clipboard> | null = null;

  constructor(private readonly platform: Platform) {}

  current(): Grants {
    return { ...this.grants };
  }

  has(capability: Capability): boolean {
    return this.grants[capability];
  }

  /** True while anything is shared (the indicator with its "stop" button shows then). */
  get sharing(): boolean {
    return Object.values(this.grants).some(Boolean);
  }

  onChange(listener: GrantsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies the customer's answer (grant or revoke). Revoking control releases input first. */
  async set(next: Grants): Promise<void> {
    const previous = this.grants;
    this.grants = { ...next };
    if (previous.control && !next.control && this.inputSink) {
      const sink = await this.inputSink;
      await sink.releaseAll();
    }
    for (const l of this.listeners) l(this.current(), previous);
  }

  /** "Stop": revokes everything. */
  stopAll(): Promise<void> {
    return this.set({ ...NO_GRANTS });
  }

  /** Wraps `fn` so that each call first checks `capability` (at call time, not at wrap time). */
  private guard<A extends unknown[], R>(capability: Capability, fn: (...args: A) => R): (...args: A) => R {
    return (...args: A) => {
      this.require(capability);
      return fn(...args);
    };
  }

  private require(capability: Capability): void {
    if (!this.grants[capability]) {
      throw new ProtocolError('consent_required', `the customer has not allowed ${capability}`);
    }
  }

  /** The screen, gated on `view` at every call. */
  async screen(): Promise<ScreenSource> {
    this.require('view');
    this.screenSource ??= this.platform.screen();
    const source = await this.screenSource;
    return {
      desktopSize: this.guard('view', () => source.desktopSize()),
      monitors: this.guard('view', () => source.monitors()),
      capture: this.guard('view', (rect?: Rect) => source.capture(rect)),
      ...(source.lendsFrames ? { lendsFrames: true } : {}),
      // Never refused: a viewer whose view was revoked still gives back the frame it was reading.
      ...(source.releaseFrame ? { releaseFrame: () => source.releaseFrame!() } : {}),
      onDamage: (listener) =>
        source.onDamage((rects) => {
          if (this.grants.view) listener(rects);
        }),
      ...(source.onMoves
        ? {
            onMoves: (listener: (moves: ScreenMove[]) => void) =>
              source.onMoves!((moves) => {
                if (this.grants.view) listener(moves);
              }),
          }
        : {}),
      pointer: this.guard('view', () => source.pointer()),
      cursor: this.guard('view', () => source.cursor()),
      close: () => source.close(),
    };
  }

  /** Input injection, gated on `control` at every call. */
  async input(): Promise<InputSink> {
    this.require('control');
    this.inputSink ??= this.platform.input();
    const sink = await this.inputSink;
    return {
      key: this.guard('control', (code: string, down: boolean) => sink.key(code, down)),
      type: this.guard('control', (text: string) => sink.type(text)),
      pointerMove: this.guard('control', (x: number, y: number) => sink.pointerMove(x, y)),
      pointerPosition: this.guard('control', () => sink.pointerPosition()),
      button: this.guard('control', (b: PointerButton, down: boolean) => sink.button(b, down)),
      wheel: this.guard('control', (dx: number, dy: number) => sink.wheel(dx, dy)),
      releaseAll: () => sink.releaseAll(),
      ...(sink.blockedNow ? { blockedNow: this.guard('control', () => sink.blockedNow!()) } : {}),
      close: () => sink.close(),
    };
  }

  async clipboard(): Promise<Clipboard> {
    this.require('clipboard');
    this.clipboardImpl ??= this.platform.clipboard();
    const clip = await this.clipboardImpl;
    return {
      readText: this.guard('clipboard', () => clip.readText()),
      writeText: this.guard('clipboard', (text: string) => clip.writeText(text)),
      onChange: (listener) =>
        clip.onChange(() => {
          if (this.grants.clipboard) listener();
        }),
      close: () => clip.close(),
    };
  }

  files(): FileAccess {
    this.require('files');
    const files = this.platform.files();
    return {
      places: this.guard('files', () => files.places()),
      list: this.guard('files', (dir: string) => files.list(dir)),
      freeBytes: this.guard('files', (dir: string) => files.freeBytes(dir)),
      openRead: this.guard('files', (path: string, offset: number, ownPart?: boolean) =>
        files.openRead(path, offset, ownPart),
      ),
      openWrite: this.guard('files', (dir: string, name: string, offset: number, partKey?: string) =>
        files.openWrite(dir, name, offset, partKey),
      ),
    };
  }

  reboot(): Promise<void> {
    return this.guard('reboot', () => this.platform.reboot())();
  }

  /** Closes whatever was opened. */
  async close(): Promise<void> {
    const opened = [this.screenSource, this.inputSink, this.clipboardImpl];
    this.screenSource = this.inputSink = this.clipboardImpl = null;
    for (const p of opened) if (p) await (await p).close();
  }
}
