/**
 * The customer's question about the plain background, in the helper's window: in their language,
 * only "Use a plain background" says yes (Escape, the close box and "Keep my picture" keep the
 * picture), and the agent turning it off withdraws the window.
 */
import { describe, expect, it } from 'vitest';
import {
  PLAIN_NO_BUTTON,
  PLAIN_YES_BUTTON,
  windowBackgroundQuestion,
} from '../../../../host/consent/prompts/background-question';
import { HelperText } from '../../../../host/i18n/helper-text';
import type { DialogAction, DialogHost, DialogSpec } from '../../../../host/platform/types';

function host() {
  const opened: { spec: DialogSpec; act: (a: DialogAction) => void; closed: boolean }[] = [];
  const dialogs: DialogHost = {
    async open(spec, onAction) {
      const entry = { spec, act: onAction, closed: false };
      opened.push(entry);
      return { update: () => {}, close: () => void (entry.closed = true) };
    },
    async close() {},
  };
  return { dialogs, opened };
}

const press = (button: string): DialogAction => ({ kind: 'button', button, checks: {}, field: '' });
const closedBox: DialogAction = { kind: 'closed' };
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('windowBackgroundQuestion', () => {
  it('asks in French, and only the plain-background button says yes', async () => {
    const { dialogs, opened } = host();
    const ask = windowBackgroundQuestion(dialogs, new HelperText('fr'));
    const yes = ask('Alex', new AbortController().signal);
    await tick();
    expect(opened[0]!.spec.heading).toBe("Alex demande d'afficher un fond uni");
    expect(opened[0]!.spec.buttons.map((b) => b.label)).toEqual(['Garder mon image', 'Utiliser un fond uni']);
    expect(opened[0]!.spec.cancel).toBe(PLAIN_NO_BUTTON);
    opened[0]!.act(press(PLAIN_YES_BUTTON));
    expect(await yes).toBe(true);
    expect(opened[0]!.closed).toBe(true);

    for (const action of [press(PLAIN_NO_BUTTON), closedBox]) {
      const no = ask('Alex', new AbortController().signal);
      await tick();
      opened.at(-1)!.act(action);
      expect(await no).toBe(false);
    }
  });

  it('withdraws the window when the agent turns it off first', async () => {
    const { dialogs, opened } = host();
    const controller = new AbortController();
    const answer = windowBackgroundQuestion(dialogs, new HelperText('en'))('Alex', controller.signal);
    await tick();
    controller.abort();
    expect(await answer).toBe(false);
    expect(opened[0]!.closed).toBe(true);
  });
});
