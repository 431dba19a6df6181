/**
 * Runs background jobs one at a time, giving the event loop back between two jobs (setImmediate),
 * so a burst of them never holds the loop for long. Used for what follows a session's first
 * screen frame (store write, status to the customer, update to the agent): when hundreds of
 * sessions start streaming at once, doing all of that inline stalled every relayed frame for
 * ~1 s (500 sessions on one node); paced, a frame waits for one job at most. A failed job is
 * logged and the queue goes on.
 */
import type { Log } from '../log';

export type Job = () => Promise<void>;

export class PacedQueue {
  private readonly jobs: Job[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly log: Log) {}

  push(job: Job): void {
    this.jobs.push(job);
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.drain());
    }
  }

  get pending(): number {
    return this.jobs.length;
  }

  /** Resolves once every job queued so far has run (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    for (let job = this.jobs.shift(); job; job = this.jobs.shift()) {
      try {
        await job();
      } catch (err) {
        this.log.error('paced_job_failed', { error: String(err) });
      }
      if (this.jobs.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.running = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
