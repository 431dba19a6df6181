/**
 * Requests waiting for one answer by a deadline: a transfer nobody has accepted, or a customer's
 * "continue with Ann" waiting for Ann. Past its deadline each expires once (`onExpire`), and the
 * session service decides what that means (back to the sender, on to the portal). Deadlines live
 * in memory and are rebuilt from the store at start-up (SessionService.load), so a restart keeps
 * them; a deadline already past at start-up expires at once. With several nodes every node keeps
 * them (rebuilt from the store whenever another node changes a session) and one node acts on each
 * (cluster/deadline-gate.ts), so a node that dies loses none.
 */

/** setTimeout's largest delay, in ms (about 24.8 days); longer deadlines are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class AnswerDeadlines {
  private readonly deadlines = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly now: () => number,
    private readonly onExpire: (sessionId: string) => void,
  ) {}

  /** Sets (or moves) the deadline of a session. */
  set(sessionId: string, at: number): void {
    this.clear(sessionId);
    const arm = (): ReturnType<typeof setTimeout> => {
      const timer = setTimeout(
        () => {
          const d = this.deadlines.get(sessionId);
          if (!d || d.timer !== timer) return;
          if (this.now() < d.at) {
            d.timer = arm();
            return;
          }
          this.deadlines.delete(sessionId);
          this.onExpire(sessionId);
        },
        Math.min(MAX_TIMER_MS, Math.max(0, at - this.now())),
      );
      timer.unref?.();
      return timer;
    };
    this.deadlines.set(sessionId, { at, timer: arm() });
  }

  /** The deadline of a session, if it waits for one. */
  of(sessionId: string): number | undefined {
    return this.deadlines.get(sessionId)?.at;
  }

  clear(sessionId: string): void {
    const d = this.deadlines.get(sessionId);
    if (d) clearTimeout(d.timer);
    this.deadlines.delete(sessionId);
  }

  close(): void {
    for (const d of this.deadlines.values()) clearTimeout(d.timer);
    this.deadlines.clear();
  }
}
