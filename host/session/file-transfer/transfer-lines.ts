/**
 * The customer's view of file transfers in the standalone helper's terminal: one line when a
 * transfer starts, a progress line (percent, rate, time left) at most every PROGRESS_LINE_MS,
 * and one line when it ends, so the customer always knows what is written to their disk and
 * where. Native mode shows transfers in the extension's window instead.
 */
import { formatBytes } from './file-error';
import type { FileTransferEvent } from './file-transfer-service';

/** Shortest time between two progress lines of one transfer, in ms. */
export const PROGRESS_LINE_MS = 5000;

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export class TransferLines {
  private readonly lastLineAt = new Map<string, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The line to print for this event, or null. */
  line(e: FileTransferEvent): string | null {
    const to = e.direction === 'to_customer';
    const what = `"${e.name}"`;
    const seen = this.lastLineAt.has(e.id);
    const now = this.now();
    switch (e.state) {
      case 'active': {
        if (!seen) {
          this.lastLineAt.set(e.id, now);
          return to
            ? `${e.agentName} is sending you ${what} (${formatBytes(e.figures.totalBytes)}) into ${e.folder}.`
            : `${e.agentName} is copying ${what} (${formatBytes(e.figures.totalBytes)}) from ${e.folder}.`;
        }
        if (now - this.lastLineAt.get(e.id)! < PROGRESS_LINE_MS) return null;
        this.lastLineAt.set(e.id, now);
        const f = e.figures;
        const pct = f.totalBytes > 0 ? Math.floor((f.doneBytes * 100) / f.totalBytes) : 100;
        const rate = f.rateBps !== null ? ` at ${formatBytes(Math.round(f.rateBps))}/s` : '';
        const left = f.secondsLeft !== null ? `, about ${formatSeconds(f.secondsLeft)} left` : '';
        return `${what}: ${pct} %${rate}${left}.`;
      }
      case 'suspended':
        return `${what}: waiting for the connection to come back.`;
      case 'done':
        this.lastLineAt.delete(e.id);
        return to
          ? `Saved ${what} in ${e.folder}${e.savedAs && e.savedAs !== e.name ? ` as "${e.savedAs}"` : ''}.`
          : `${what} was copied to ${e.agentName}.`;
      case 'failed':
        this.lastLineAt.delete(e.id);
        return `${what} was not ${to ? 'saved' : 'copied'}: ${e.failure?.message ?? 'it failed'}.`;
      case 'cancelled':
        this.lastLineAt.delete(e.id);
        return `${what} was cancelled${to ? '; nothing was saved' : ''}.`;
    }
  }
}
