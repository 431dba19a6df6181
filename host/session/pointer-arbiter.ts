/**
 * The customer's own mouse takes precedence over the agent's. Two hands on one pointer fight: the
 * customer moves to show something and the agent's next move yanks it away. So when the pointer is
 * found somewhere the agent did not put it, the customer moved it: the agent's pointer events are
 * dropped (not queued, the viewer is told why) until the customer's mouse has been still for
 * CUSTOMER_POINTER_HOLD_MS, and everything the agent held down (a drag, Shift for a shift-click) is
 * released at once, so nothing stays pressed under the customer's hand. Keys are not arbitrated:
 * two keyboards on one machine work side by side.
 *
 * How it knows: after each agent pointer event the sink reports where the pointer ended up (as the
 * system placed it, clamped to the screen); before the next one, a different position means
 * someone else moved it. Two QueryPointer round trips per event, about 0.1 ms each on a local X
 * server. If the agent was idle for longer than the hold, a difference only says the customer moved
 * at some point since: a second look SETTLE_MS later tells whether they are moving now.
 */
import type { InputSink } from '../platform/types';

/** How long the customer's mouse must be still before the agent's pointer works again. */
export const CUSTOMER_POINTER_HOLD_MS = 1000;
/** Wait between two looks when the last one is too old to tell whether the customer is moving now. */
export const SETTLE_MS = 60;

interface Point {
  x: number;
  y: number;
}

export interface PointerArbiterOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  holdMs?: number;
}

export class PointerArbiter {
  /** Where the pointer was at the last look (null before the first agent event). */
  private expected: Point | null = null;
  private lastLookAt = -Infinity;
  private customerUntil = -Infinity;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly holdMs: number;

  constructor(options: PointerArbiterOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.holdMs = options.holdMs ?? CUSTOMER_POINTER_HOLD_MS;
  }

  /** True while the customer's mouse has the pointer (for status and tests). */
  customerHasPointer(): boolean {
    return this.now() < this.customerUntil;
  }

  /** Before an agent pointer event: may it run? False while the customer is using their mouse. */
  async admit(sink: InputSink): Promise<boolean> {
    const stale = this.now() - this.lastLookAt > this.holdMs;
    let at = await this.look(sink);
    let moved = this.expected !== null && !same(at, this.expected);
    if (moved && stale) {
      // It moved some time since the agent's last event; is it moving now?
      await this.sleep(SETTLE_MS);
      const again = await this.look(sink);
      moved = !same(again, at);
      at = again;
    }
    this.expected = at;
    if (moved) {
      const takeover = !this.customerHasPointer();
      this.customerUntil = this.now() + this.holdMs;
      if (takeover) await sink.releaseAll();
    }
    return !this.customerHasPointer();
  }

  /** After an agent pointer event ran: the pointer is where the agent left it. */
  async applied(sink: InputSink): Promise<void> {
    this.expected = await this.look(sink);
  }

  private async look(sink: InputSink): Promise<Point> {
    const at = await sink.pointerPosition();
    this.lastLookAt = this.now();
    return at;
  }
}

function same(a: Point, b: Point): boolean {
  return a.x === b.x && a.y === b.y;
}
