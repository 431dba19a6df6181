/**
 * The consent question in the terminal, where no desktop dialog is available: one y/n question
 * per requested capability ("Allow Alex to see your screen? [y/N]"). Only "y" or "yes" allows;
 * anything else, an empty line or a closed terminal refuses.
 */
import { NO_GRANTS, type Grants } from '../../../protocol/common';
import {
  CAPABILITY_TEXT,
  requestedCapabilities,
  type ConsentPrompt,
  type ConsentRequest,
} from './consent-prompt';
import type { TtyLines } from './tty-lines';

export class TerminalPrompt implements ConsentPrompt {
  readonly kind = 'terminal';

  constructor(private readonly tty: TtyLines) {}

  async ask(request: ConsentRequest): Promise<Grants> {
    const grants = { ...NO_GRANTS };
    this.tty.write(`\n${request.agentName} (support agent) asks for access to this computer.\n`);
    for (const c of requestedCapabilities(request.requested)) {
      const answer = await this.tty.ask(`  Allow ${request.agentName} to ${CAPABILITY_TEXT[c]}? [y/N] `);
      if (answer === null) return { ...NO_GRANTS };
      grants[c] = /^\s*y(es)?\s*$/i.test(answer);
    }
    return grants;
  }

  close(): void {}
}
