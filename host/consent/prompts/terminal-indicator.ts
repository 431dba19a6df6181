/**
 * The sharing indicator as a terminal line: "Sharing with Alex Agent (screen, control). Type s
 * and Enter to stop. Security code with Alex Agent: 123 456." printed whenever what is shared,
 * the codes or the pause change; the line "s" (or "stop") typed on the controlling terminal stops
 * sharing.
 */
import { describeGrants } from './consent-prompt';
import { codesText, namesText, type SharingIndicator, type SharingState } from './sharing-indicator';
import type { TtyLines } from './tty-lines';

export class TerminalIndicator implements SharingIndicator {
  private shown: string | null = null;
  private readonly off: () => void;

  constructor(
    private readonly tty: TtyLines,
    onStop: () => void,
  ) {
    this.off = tty.onLine((line) => {
      if (this.shown !== null && /^\s*s(top)?\s*$/i.test(line)) onStop();
    });
  }

  show(state: SharingState): void {
    const text = [
      `Sharing with ${namesText(state.agentNames)} (${describeGrants(state.grants)}). Type s and Enter to stop.`,
      state.paused ? 'Paused: nothing is shown now.' : '',
      codesText(state.codes),
    ]
      .filter(Boolean)
      .join(' ');
    if (text === this.shown) return;
    this.shown = text;
    this.tty.write(`\n* ${text}\n`);
  }

  hide(): void {
    if (this.shown === null) return;
    this.shown = null;
    this.tty.write('\n* Nothing is shared now.\n');
  }

  close(): void {
    this.off();
  }
}
