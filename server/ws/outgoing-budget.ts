/**
 * How much one socket may have waiting to be sent, so a client that never reads cannot make the
 * server hold its replies without bound (each malformed message is answered; a client that sends
 * them and reads nothing would otherwise grow the server's memory by hundreds of MB a minute).
 *
 * Counted: the bytes of JSON messages handed to the socket whose write has not completed (ws
 * calls back when the bytes reach the kernel). Binary data-plane frames are not counted here:
 * the relay bounds them itself (relay/flow-control.ts). Three steps, the same before and after
 * the hello:
 *   - past OUTGOING_PAUSE_BYTES the socket stops being read (read-pause.ts, reason `outgoing`):
 *     a client gets no new answers until it reads the ones it has; reading resumes under
 *     OUTGOING_RESUME_BYTES;
 *   - past OUTGOING_MAX_BYTES (messages the server pushes on its own, queue alerts, chat, keep
 *     coming while reading is paused) the socket is closed with CLOSE.notReading;
 *   - a socket whose reading this paused and that completes no JSON write for OUTGOING_STALL_MS
 *     is closed the same way (the heartbeat leaves paused sockets alone, so this is what ends a
 *     client that sent a burst and then read nothing). Only while paused: a viewer on a slow
 *     link whose few JSON bytes wait behind megabytes of screen frames is slow, not stalled.
 * A close to a peer that does not read cannot finish its handshake: Connection.close() then
 * terminates the socket after CLOSE_GRACE_MS.
 */

/** Unsent JSON bytes after which the socket stops being read. */
export const OUTGOING_PAUSE_BYTES = 256 * 1024;
/** Reading resumes once the unsent JSON bytes are back under this. */
export const OUTGOING_RESUME_BYTES = 64 * 1024;
/** Unsent JSON bytes after which the socket is closed (CLOSE.notReading). */
export const OUTGOING_MAX_BYTES = 1024 * 1024;
/** A socket paused by this budget that completes no write for this long is closed, in ms. */
export const OUTGOING_STALL_MS = 20_000;

export interface OutgoingHooks {
  pause(): void;
  resume(): void;
  /** The client is not reading: close it. Called at most once. */
  overflow(reason: 'too_much' | 'stalled'): void;
}

export interface OutgoingLimits {
  pauseBytes: number;
  resumeBytes: number;
  maxBytes: number;
  stallMs: number;
}

export const DEFAULT_OUTGOING_LIMITS: OutgoingLimits = {
  pauseBytes: OUTGOING_PAUSE_BYTES,
  resumeBytes: OUTGOING_RESUME_BYTES,
  maxBytes: OUTGOING_MAX_BYTES,
  stallMs: OUTGOING_STALL_MS,
};

export class OutgoingBudget {
  private waiting = 0;
  private paused = false;
  private overflowed = false;
  private lastProgressAt = performance.now();
  private stallTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly hooks: OutgoingHooks,
    private readonly limits: OutgoingLimits = DEFAULT_OUTGOING_LIMITS,
  ) {}

  /** Bytes handed to the socket and not written yet. */
  get bytesWaiting(): number {
    return this.waiting;
  }

  /** False once the budget is spent: the caller drops the message (the socket is being closed). */
  canSend(): boolean {
    return !this.overflowed;
  }

  /** `bytes` were handed to the socket; call `written` with the same count when ws calls back. */
  queued(bytes: number): void {
    if (this.waiting === 0) this.lastProgressAt = performance.now();
    this.waiting += bytes;
    if (this.waiting > this.limits.maxBytes) {
      this.overflow('too_much');
      return;
    }
    if (!this.paused && this.waiting > this.limits.pauseBytes) {
      this.paused = true;
      this.hooks.pause();
      if (this.stallTimer === null) this.armStall(this.limits.stallMs);
    }
  }

  written(bytes: number): void {
    this.waiting = Math.max(0, this.waiting - bytes);
    this.lastProgressAt = performance.now();
    if (this.paused && this.waiting <= this.limits.resumeBytes) {
      this.paused = false;
      this.clearStall();
      this.hooks.resume();
    }
  }

  /** The socket closed: stop the stall timer and refuse further sends. */
  dispose(): void {
    this.overflowed = true;
    this.clearStall();
  }

  private overflow(reason: 'too_much' | 'stalled'): void {
    if (this.overflowed) return;
    this.overflowed = true;
    this.clearStall();
    this.hooks.overflow(reason);
  }

  private armStall(delayMs: number): void {
    this.stallTimer = setTimeout(() => {
      this.stallTimer = null;
      if (!this.paused || this.overflowed) return;
      const idle = performance.now() - this.lastProgressAt;
      if (idle >= this.limits.stallMs) this.overflow('stalled');
      else this.armStall(this.limits.stallMs - idle);
    }, delayMs);
    this.stallTimer.unref();
  }

  private clearStall(): void {
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }
}
