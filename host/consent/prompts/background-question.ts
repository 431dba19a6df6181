/**
 * The customer's yes or no to the plain background (host/session/plain-background/), in their
 * language: in the helper's own window where there is one ("Keep my picture" / "Use a plain
 * background", Escape or the close box keep the picture), else one terminal question ([y/N], in
 * French [o/N]). Only an explicit yes changes anything. An aborted signal (the agent turned it
 * off, the session ended) withdraws the question.
 */
import type { HelperText } from '../../i18n/helper-text';
import type { PlainBackgroundQuestion } from '../../session/plain-background/plain-background-service';
import type { DialogHost, DialogSpec } from '../../platform/types';
import type { TtyLines } from './tty-lines';

export const PLAIN_YES_BUTTON = 'plain';
export const PLAIN_NO_BUTTON = 'keep';

export function backgroundDialogSpec(text: HelperText, agentName: string): DialogSpec {
  return {
    title: text.t('background.title'),
    heading: text.t('background.heading', { agent: agentName }),
    text: [text.t('background.explain', { agent: agentName })],
    buttons: [
      { id: PLAIN_NO_BUTTON, label: text.t('background.keep') },
      { id: PLAIN_YES_BUTTON, label: text.t('background.allow'), primary: true },
    ],
    cancel: PLAIN_NO_BUTTON,
  };
}

export function windowBackgroundQuestion(host: DialogHost, text: HelperText): PlainBackgroundQuestion {
  return (agentName, signal) =>
    new Promise<boolean>((resolve, reject) => {
      let done = false;
      const opened = host.open(backgroundDialogSpec(text, agentName), (action) => {
        settle(action.kind === 'button' && action.button === PLAIN_YES_BUTTON);
      });
      const settle = (yes: boolean) => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        void opened.then(
          (d) => d.close(),
          () => undefined,
        );
        resolve(yes);
      };
      const onAbort = () => settle(false);
      signal.addEventListener('abort', onAbort);
      opened.catch((err: unknown) => {
        if (done) return;
        done = true;
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
}

export function terminalBackgroundQuestion(tty: TtyLines, text: HelperText): PlainBackgroundQuestion {
  return async (agentName, signal) => {
    const onAbort = () => tty.cancelQuestion();
    signal.addEventListener('abort', onAbort);
    try {
      tty.write(`\n${text.t('background.explain', { agent: agentName })}\n`);
      const answer = await tty.ask(text.t('background.question', { agent: agentName }));
      return !signal.aborted && answer !== null && text.isYes(answer);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
}
