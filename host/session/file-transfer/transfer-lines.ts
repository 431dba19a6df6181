/**
 * The customer's view of file transfers in the standalone helper's terminal: one line when a
 * transfer starts, a progress line (percent, rate, time left) at most every PROGRESS_LINE_MS,
 * and one line when it ends, so the customer always knows what is written to their disk and
 * where, in their language. Native mode shows transfers in the extension's window instead.
 */
import type { HelperText } from '../../i18n/helper-text';
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

  constructor(
    private readonly text: HelperText,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The line to print for this event, or null. */
  line(e: FileTransferEvent): string | null {
    const t = this.text;
    const to = e.direction === 'to_customer';
    const name = e.name;
    const seen = this.lastLineAt.has(e.id);
    const now = this.now();
    switch (e.state) {
      case 'active': {
        if (!seen) {
          this.lastLineAt.set(e.id, now);
          const params = {
            agent: e.agentName,
            name,
            size: formatBytes(e.figures.totalBytes),
            folder: e.folder,
          };
          return to ? t.t('file.sending', params) : t.t('file.copying', params);
        }
        if (now - this.lastLineAt.get(e.id)! < PROGRESS_LINE_MS) return null;
        this.lastLineAt.set(e.id, now);
        const f = e.figures;
        const percent = f.totalBytes > 0 ? Math.floor((f.doneBytes * 100) / f.totalBytes) : 100;
        const rate = f.rateBps !== null ? t.t('file.rate', { rate: formatBytes(Math.round(f.rateBps)) }) : '';
        const left = f.secondsLeft !== null ? t.t('file.left', { time: formatSeconds(f.secondsLeft) }) : '';
        return t.t('file.progress', { name, percent, rate, left });
      }
      case 'suspended':
        return t.t('file.suspended', { name });
      case 'done':
        this.lastLineAt.delete(e.id);
        if (!to) return t.t('file.copied', { name, agent: e.agentName });
        return e.savedAs && e.savedAs !== e.name
          ? t.t('file.savedAs', { name, folder: e.folder, savedAs: e.savedAs })
          : t.t('file.saved', { name, folder: e.folder });
      case 'failed': {
        this.lastLineAt.delete(e.id);
        const reason = e.failure?.message ?? t.t('file.failedReason');
        return to ? t.t('file.notSaved', { name, reason }) : t.t('file.notCopied', { name, reason });
      }
      case 'cancelled':
        this.lastLineAt.delete(e.id);
        return to ? t.t('file.cancelledIn', { name }) : t.t('file.cancelledOut', { name });
    }
  }
}
