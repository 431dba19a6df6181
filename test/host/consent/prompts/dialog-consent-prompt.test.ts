/**
 * The consent question in the helper's own window (DialogConsentPrompt), over a DialogHost that
 * records what it was asked to show and lets the test act as the customer. The real window (Win32
 * under Wine) is driven in test/e2e/conformance and test/e2e/windows; here: what the window says
 * in English and French, and that only what is ticked, requested and confirmed with Allow is granted.
 */
import { describe, expect, it } from 'vitest';
import { NO_GRANTS } from '../../../../protocol/common';
import { CONSENT_WORDS } from '../../../../host/consent/prompts/consent-words';
import {
  ALLOW_BUTTON,
  DECLINE_BUTTON,
  DialogConsentPrompt,
  consentDialogSpec,
} from '../../../../host/consent/prompts/dialog-consent-prompt';
import type { DialogAction, DialogHost, DialogSpec } from '../../../../host/platform/types';

const ASKED = { view: true, control: true, clipboard: false, files: true, reboot: false };

class RecordingHost implements DialogHost {
  specs: DialogSpec[] = [];
  closed = 0;
  act: (action: DialogAction) => void = () => {};

  async open(spec: DialogSpec, onAction: (action: DialogAction) => void) {
    this.specs.push(spec);
    this.act = onAction;
    return { update: () => {}, close: () => void this.closed++ };
  }

  async close() {}
}

const press = (button: string, checks: Record<string, boolean>): DialogAction => ({
  kind: 'button',
  button,
  checks,
  field: '',
});

describe('the consent window', () => {
  it('shows the agent and one unticked box per requested capability, in English and French', () => {
    const en = consentDialogSpec(CONSENT_WORDS.en, { agentName: 'Alex Agent', requested: ASKED });
    expect(en.heading).toBe('Alex Agent (support agent) asks to:');
    expect(en.checks).toEqual([
      { id: 'view', label: 'See your screen', checked: false },
      { id: 'control', label: 'Control your mouse and keyboard', checked: false },
      { id: 'files', label: 'Send and receive files', checked: false },
    ]);
    expect(en.buttons).toEqual([
      { id: DECLINE_BUTTON, label: 'Decline' },
      { id: ALLOW_BUTTON, label: 'Allow', primary: true, needsCheck: true },
    ]);
    expect(en.cancel).toBe(DECLINE_BUTTON); // Escape declines
    const fr = consentDialogSpec(CONSENT_WORDS.fr, { agentName: 'Alex Agent', requested: ASKED });
    expect(fr.title).toBe('Lifeline : partage d’écran');
    expect(fr.heading).toBe('Alex Agent (agent du support) demande à :');
    expect(fr.checks?.map((c) => c.label)).toEqual([
      'Voir votre écran',
      expect.stringMatching(/^Contrôler/),
      expect.stringMatching(/fichiers/),
    ]);
    expect(fr.buttons.map((b) => b.label)).toEqual(['Refuser', 'Autoriser']);
  });

  it('grants only what is ticked and was requested, on Allow', async () => {
    const host = new RecordingHost();
    const prompt = new DialogConsentPrompt(host, () => CONSENT_WORDS.en);
    const answer = prompt.ask({ agentName: 'Alex', requested: ASKED });
    await Promise.resolve();
    // A forged tick for something not asked (reboot) is ignored.
    host.act(press(ALLOW_BUTTON, { view: true, control: false, files: true, reboot: true }));
    expect(await answer).toEqual({ ...NO_GRANTS, view: true, files: true });
    expect(prompt.answered).toBe('allowed');
    expect(host.closed).toBe(1);
  });

  it('grants nothing on Decline (whatever is ticked), on the close box, or when the session ends', async () => {
    const host = new RecordingHost();
    const prompt = new DialogConsentPrompt(host, () => CONSENT_WORDS.fr);
    const declined = prompt.ask({ agentName: 'Alex', requested: ASKED });
    await Promise.resolve();
    host.act(press(DECLINE_BUTTON, { view: true, control: true, files: true }));
    expect(await declined).toEqual(NO_GRANTS);
    expect(prompt.answered).toBe('declined');
    const closed = prompt.ask({ agentName: 'Alex', requested: ASKED });
    await Promise.resolve();
    host.act({ kind: 'closed' });
    expect(await closed).toEqual(NO_GRANTS);
    expect(prompt.answered).toBe('closed');
    const cancelled = prompt.ask({ agentName: 'Alex', requested: ASKED });
    prompt.close();
    expect(await cancelled).toEqual(NO_GRANTS);
    expect(prompt.answered).toBe('cancelled');
    expect(host.specs[0]!.heading).toMatch(/agent du support/);
  });

  it('shows the indicator line with the security codes, in both languages', () => {
    const codes = [{ agentName: 'Alex', sas: '123 456' }];
    expect(CONSENT_WORDS.en.indicator(['Alex'], codes, false)).toBe(
      'Lifeline: sharing with Alex (code 123 456)',
    );
    expect(CONSENT_WORDS.fr.indicator(['Alex', 'Sam'], [], true)).toBe(
      'Lifeline : partage avec Alex et Sam, en pause',
    );
  });
});
