/**
 * The sharing indicator as a terminal line: "Sharing with Alex Agent (screen, control). Type s
 * and Enter to stop. Security code with Alex Agent: 123 456." (in the customer's language)
 * printed whenever what is shared, the codes or the pause change; the line "s" (or "stop")
 * typed on the controlling terminal stops sharing.
 */
import type { HelperText } from '../../i18n/helper-text';
import type { SharingIndicator, SharingState } from './sharing-indicator';
import type { TtyLines } from './tty-lines';

export class TerminalIndicator implements SharingIndicator {
  private shown: string | null = null;
  private readonly off: () => void;

  constructor(
    private readonly tty: TtyLines,
    private readonly text: HelperText,
    onStop: () => void,
  ) {
    this.off = tty.onLine((line) => {
      if (this.shown !== null && /^\s*s(top)?\s*$/i.test(line)) onStop();
    });
  }

  show(state: SharingState): void {
    const t = this.text;
    const line = [
      t.t('indicator.sharing', { names: t.names(state.agentNames), grants: t.grants(state.grants) }),
      state.paused ? t.t('indicator.paused') : '',
      t.codes(state.codes),
    ]
      .filter(Boolean)
      .join(' ');
    if (line === this.shown) return;
    this.shown = line;
    this.tty.write(`\n* ${line}\n`);
  }

  hide(): void {
    if (this.shown === null) return;
    this.shown = null;
    this.tty.write(`\n* ${this.text.t('indicator.nothing')}\n`);
  }

  close(): void {
    this.off();
  }
}
