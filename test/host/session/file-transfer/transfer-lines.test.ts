/** What the customer reads in the standalone helper's terminal about each transfer. */
import { describe, expect, it } from 'vitest';
import type { FileTransferEvent } from '../../../../host/session/file-transfer/file-transfer-service';
import { PROGRESS_LINE_MS, TransferLines } from '../../../../host/session/file-transfer/transfer-lines';
import { HelperText } from '../../../../host/i18n/helper-text';

const base: FileTransferEvent = {
  id: 'a'.repeat(32),
  direction: 'to_customer',
  agentName: 'Alex',
  name: 'report.pdf',
  folder: 'Documents',
  state: 'active',
  figures: { doneBytes: 0, totalBytes: 50_000_000, rateBps: null, secondsLeft: null },
};

describe('TransferLines', () => {
  it('says who sends what where, then progress every few seconds, then where it was saved', () => {
    let now = 0;
    const lines = new TransferLines(new HelperText('en'), () => now);
    expect(lines.line(base)).toBe('Alex is sending you "report.pdf" (50.0 MB) into Documents.');
    const moving = {
      ...base,
      figures: { doneBytes: 25_000_000, totalBytes: 50_000_000, rateBps: 5e6, secondsLeft: 5 },
    };
    now = 1000;
    expect(lines.line(moving)).toBeNull();
    now = 1 + PROGRESS_LINE_MS;
    expect(lines.line(moving)).toBe('"report.pdf": 50 % at 5.0 MB/s, about 5 s left.');
    expect(lines.line({ ...base, state: 'done', savedAs: 'report (1).pdf' })).toBe(
      'Saved "report.pdf" in Documents as "report (1).pdf".',
    );
  });

  it('names failures and cancels in plain words', () => {
    const lines = new TransferLines(new HelperText('en'), () => 0);
    const failure = { code: 'no_space' as const, message: 'not enough space in Documents' };
    expect(lines.line({ ...base, state: 'failed', failure })).toBe(
      '"report.pdf" was not saved: not enough space in Documents.',
    );
    expect(lines.line({ ...base, direction: 'from_customer', state: 'cancelled' })).toBe(
      '"report.pdf" was cancelled.',
    );
  });

  it('speaks French to a French customer', () => {
    const lines = new TransferLines(new HelperText('fr'), () => 0);
    expect(lines.line(base)).toBe('Alex vous envoie « report.pdf » (50.0 MB) dans Documents.');
    expect(lines.line({ ...base, state: 'done' })).toBe('« report.pdf » enregistré dans Documents.');
  });
});
