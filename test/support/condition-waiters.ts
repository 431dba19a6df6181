/**
 * Promises that resolve once a condition holds, for test clients that record what arrives (a raw
 * WebSocket's frames, a Node viewer's messages): the owner calls `changed()` after each arrival,
 * and every waiter re-checks its condition then. A waiter that times out rejects with the
 * message the caller builds (so it can show what did arrive).
 */
export class ConditionWaiters {
  private listeners: (() => void)[] = [];

  /** Resolves once `pred()` holds (at once when it already does); rejects after `timeoutMs`. */
  until(pred: () => boolean, timeoutMs: number, timeoutMessage: () => string): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(timeoutMessage()));
      }, timeoutMs);
      this.listeners.push(check);
    });
  }

  /** Something arrived: every waiter checks its condition again. */
  changed(): void {
    for (const l of [...this.listeners]) l();
  }
}
