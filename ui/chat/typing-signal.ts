/**
 * When to tell the other side "typing" and "stopped typing": once when the field becomes non-empty,
 * again after a pause (so a crashed peer's indicator cannot stick forever, the receiver also
 * expires it), and "stopped" after an idle delay, on send, or when the field is cleared. Only
 * changes are reported, so a fast typist costs one message, not one per key.
 */

/** No key for this long means the user stopped typing, in ms. */
export const TYPING_IDLE_MS = 4000;

export interface TimerApi {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: TimerApi = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class TypingSignal {
  private typing = false;
  private idle: unknown = null;

  constructor(
    private readonly emit: (typing: boolean) => void,
    private readonly timers: TimerApi = realTimers,
    private readonly idleMs: number = TYPING_IDLE_MS,
  ) {}

  /** The field changed; `hasText` tells whether it holds anything but spaces. */
  input(hasText: boolean): void {
    if (!hasText) {
      this.stop();
      return;
    }
    if (!this.typing) {
      this.typing = true;
      this.emit(true);
    }
    if (this.idle !== null) this.timers.clear(this.idle);
    this.idle = this.timers.set(() => {
      this.idle = null;
      this.stop();
    }, this.idleMs);
  }

  /** The message was sent, the field lost its text, or the view goes away. */
  stop(): void {
    if (this.idle !== null) {
      this.timers.clear(this.idle);
      this.idle = null;
    }
    if (this.typing) {
      this.typing = false;
      this.emit(false);
    }
  }

  get isTyping(): boolean {
    return this.typing;
  }
}
