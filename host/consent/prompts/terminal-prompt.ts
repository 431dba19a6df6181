/**
 * The consent question in the terminal, where no window can be shown: one yes/no question per
 * requested capability ("Allow Alex to see your screen? [y/N]", in French "[o/N]"). Only a yes
 * of the customer's language allows (y/yes, o/oui); anything else or an empty line refuses. No
 * yes at all is a decline; a terminal that closes mid-way is `closed` (nothing allowed).
 */
import { NO_GRANTS } from '../../../protocol/common';
import type { HelperText } from '../../i18n/helper-text';
import {
  answerFor,
  requestedCapabilities,
  type ConsentAnswer,
  type ConsentPrompt,
  type ConsentRequest,
} from './consent-prompt';
import type { TtyLines } from './tty-lines';

export class TerminalPrompt implements ConsentPrompt {
  readonly kind = 'terminal';
  private withdrawn = false;

  constructor(
    private readonly tty: TtyLines,
    private readonly text: HelperText,
  ) {}

  async ask(request: ConsentRequest): Promise<ConsentAnswer> {
    this.withdrawn = false;
    const grants = { ...NO_GRANTS };
    this.tty.write(`\n${this.text.t('terminal.asks', { agent: request.agentName })}\n`);
    for (const c of requestedCapabilities(request.requested)) {
      const answer = await this.tty.ask(
        this.text.t('terminal.question', { agent: request.agentName, capability: this.text.capability(c) }),
      );
      if (this.withdrawn) return { kind: 'cancelled' };
      if (answer === null) return { kind: 'closed' };
      grants[c] = this.text.isYes(answer);
    }
    return answerFor(grants);
  }

  cancel(): void {
    this.withdrawn = true;
    this.tty.cancelQuestion();
  }

  close(): void {
    this.cancel();
  }
}
