/**
 * Tells the agents, before their first click is lost, that the customer's system would refuse
 * their input: while control is granted, the input sink's blockedNow() (Windows: an administrator
 * window or a UAC prompt in front) is read every INPUT_BLOCK_POLL_MS, and each change to a new
 * reason is told once, with the same stable code a refused event carries
 * (input_blocked_elevated, input_blocked_secure_desktop), so the viewer shows the same words.
 * A reason that goes away is not told: the next event simply works.
 *
 * Sinks without blockedNow (X11, where no window can refuse another's input) are never polled.
 */
import type { ErrorCode } from '../../protocol/errors';
import type { ConsentGate } from '../consent/consent-gate';

/** How often the helper looks at what is in front while the agent has control, in ms. */
export const INPUT_BLOCK_POLL_MS = 1000;

export interface InputBlockWatchOptions {
  /** Called once per new reason, with its stable code and words. */
  tell(code: ErrorCode, message: string): void;
  log?(event: string, details?: Record<string, unknown>): void;
  pollMs?: number;
}

type WatchState = 'idle' | 'watching' | 'closed';

export class InputBlockWatch {
  private state: WatchState = 'idle';
  private timer: NodeJS.Timeout | null = null;
  private lastCode: ErrorCode | null = null;
  private lastMessage = '';
  private readonly offGrants: () => void;

  constructor(
    private readonly gate: ConsentGate,
    private readonly options: InputBlockWatchOptions,
  ) {
    this.offGrants = gate.onChange((grants) => (grants.control ? this.start() : this.stop()));
    if (gate.has('control')) this.start();
  }

  /** Reads once now (the watch's timer calls this; tests call it directly). */
  async check(): Promise<void> {
    if (this.state !== 'watching') return;
    let code: ErrorCode | null = null;
    let message = '';
    try {
      const sink = await this.gate.input();
      if (!sink.blockedNow) {
        // Nothing on this system can block input: no reason to keep looking.
        this.stop();
        return;
      }
      const blocked = sink.blockedNow();
      if (blocked) {
        code = blocked.code;
        message = blocked.message;
      }
    } catch (err) {
      // Control taken back between the timer and the read, or the system could not tell: the
      // refusal of a real event still says why.
      this.options.log?.('input_block_check_failed', {
        error: err instanceof Error ? err.message : String(err),
      });
      return;
    }
    if (this.state !== 'watching' || code === this.lastCode) return;
    this.lastCode = code;
    this.lastMessage = message;
    if (code !== null) this.options.tell(code, message);
  }

  /** What blocks input now, as last read (a viewer that arrives later is told it at once). */
  current(): { code: ErrorCode; message: string } | null {
    return this.state === 'watching' && this.lastCode !== null
      ? { code: this.lastCode, message: this.lastMessage }
      : null;
  }

  close(): void {
    this.stop();
    this.state = 'closed';
    this.offGrants();
  }

  private start(): void {
    if (this.state !== 'idle') return;
    this.state = 'watching';
    this.lastCode = null;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.options.pollMs ?? INPUT_BLOCK_POLL_MS);
    this.timer.unref?.();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.state === 'watching') this.state = 'idle';
  }
}
