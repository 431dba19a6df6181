/**
 * The standalone consent prompts and the terminal indicator, over in-memory streams standing in
 * for the terminal (the real pty is exercised in test/e2e/helper/helper-resume.test.ts), and the
 * consent window's answers through a scripted DialogHost (the real X window: test/e2e/helper/
 * consent-window.test.ts). In English and French.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NO_GRANTS } from '../../../../protocol/common';
import { indicatorWindowText } from '../../../../host/consent/prompts/choose-prompt';
import { grantsFrom } from '../../../../host/consent/prompts/consent-prompt';
import { TerminalIndicator } from '../../../../host/consent/prompts/terminal-indicator';
import { TerminalPrompt } from '../../../../host/consent/prompts/terminal-prompt';
import { TtyLines } from '../../../../host/consent/prompts/tty-lines';
import {
  ALLOW_BUTTON,
  DECLINE_BUTTON,
  WindowConsentPrompt,
} from '../../../../host/consent/prompts/window-consent-prompt';
import { HelperText } from '../../../../host/i18n/helper-text';
import { indicatorLine } from '../../../../host/platform/linux/x11-indicator-window';
import type { DialogAction, DialogHost, DialogSpec } from '../../../../host/platform/types';

const ALL = { view: true, control: true, clipboard: true, files: true, reboot: true };
const en = new HelperText('en');
const fr = new HelperText('fr');

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString('utf8')));
  const tty = new TtyLines(input, output);
  return { input, tty, shown: () => shown };
}

/** Answers the i-th question once it is on the terminal. */
async function answerWhenAsked(t: ReturnType<typeof terminal>, answers: string[], mark = /\[[yo]\/N\] /g) {
  const asked = () => (t.shown().match(mark) ?? []).length;
  for (const [i, a] of answers.entries()) {
    while (asked() <= i) await new Promise((r) => setTimeout(r, 2));
    t.input.write(`${a}\n`);
  }
}

describe('TerminalPrompt', () => {
  it('asks y/n for each requested capability; only y or yes allows', async () => {
    const t = terminal();
    const asking = new TerminalPrompt(t.tty, en).ask({ agentName: 'Alex', requested: ALL });
    await answerWhenAsked(t, ['y', 'YES', 'n', '', 'maybe']);
    expect(await asking).toEqual({
      kind: 'allowed',
      grants: { view: true, control: true, clipboard: false, files: false, reboot: false },
    });
    expect(t.shown()).toContain('Allow Alex to see your screen? [y/N]');
    expect(t.shown()).toContain('Allow Alex to restart this computer');
  });

  it('asks in French, where "o" and "oui" allow', async () => {
    const t = terminal();
    const asking = new TerminalPrompt(t.tty, fr).ask({
      agentName: 'Alex',
      requested: { ...NO_GRANTS, view: true, control: true },
    });
    await answerWhenAsked(t, ['oui', 'non']);
    expect(await asking).toEqual({ kind: 'allowed', grants: { ...NO_GRANTS, view: true } });
    expect(t.shown()).toContain("Alex (agent du support) demande l'accès à cet ordinateur.");
    expect(t.shown()).toContain('Autoriser Alex à voir votre écran ? [o/N]');
  });

  it('no yes at all is a decline; a terminal that closes is "closed"', async () => {
    const t = terminal();
    const no = new TerminalPrompt(t.tty, en).ask({
      agentName: 'Alex',
      requested: { ...NO_GRANTS, view: true },
    });
    await answerWhenAsked(t, ['n']);
    expect(await no).toEqual({ kind: 'declined' });
    const t2 = terminal();
    const asking = new TerminalPrompt(t2.tty, en).ask({
      agentName: 'Alex',
      requested: { ...NO_GRANTS, view: true, control: true },
    });
    await answerWhenAsked(t2, ['y']);
    t2.input.end();
    expect(await asking).toEqual({ kind: 'closed' });
    expect(t2.shown()).not.toContain('clipboard');
  });

  it('withdrawn (the session ended): resolves "cancelled" and the line moves on', async () => {
    const t = terminal();
    const prompt = new TerminalPrompt(t.tty, en);
    const asking = prompt.ask({ agentName: 'Alex', requested: ALL });
    await answerWhenAsked(t, []);
    while (!t.shown().includes('[y/N]')) await new Promise((r) => setTimeout(r, 2));
    prompt.cancel();
    expect(await asking).toEqual({ kind: 'cancelled' });
  });
});

describe('TtyLines keeps lines whole', () => {
  it('a line written while a question waits goes on its own line, and the question is asked again', async () => {
    const t = terminal();
    const asking = t.tty.ask('  Allow Alex to see your screen? [y/N] ');
    t.tty.line('Security code with Alex: 123 456.');
    expect(t.shown()).toBe(
      '  Allow Alex to see your screen? [y/N] \nSecurity code with Alex: 123 456.\n  Allow Alex to see your screen? [y/N] ',
    );
    t.input.write('y\n');
    expect(await asking).toBe('y');
    t.tty.line('after');
    expect(t.shown().endsWith('[y/N] after\n')).toBe(true);
  });
});

describe('TerminalIndicator', () => {
  it('shows who sees what, and "s" + Enter stops while something is shared', async () => {
    const t = terminal();
    let stops = 0;
    const indicator = new TerminalIndicator(t.tty, en, () => stops++);
    t.input.write('s\n');
    await new Promise((r) => setTimeout(r, 10));
    expect(stops).toBe(0); // nothing shown, nothing to stop
    indicator.show({ agentNames: ['Alex', 'Sam'], grants: { ...NO_GRANTS, view: true, control: true } });
    indicator.show({ agentNames: ['Alex', 'Sam'], grants: { ...NO_GRANTS, view: true, control: true } });
    expect(
      t.shown().match(/Sharing with Alex and Sam \(screen, control\)\. Type s and Enter to stop\./g),
    ).toHaveLength(1);
    t.input.write('s\n');
    await new Promise((r) => setTimeout(r, 10));
    expect(stops).toBe(1);
    indicator.hide();
    expect(t.shown()).toContain('Nothing is shared now.');
  });

  it('prints the security code of each secured viewer, and says when the picture is paused', () => {
    const t = terminal();
    const indicator = new TerminalIndicator(t.tty, en, () => undefined);
    const grants = { ...NO_GRANTS, view: true };
    indicator.show({ agentNames: ['Alex'], grants });
    indicator.show({ agentNames: ['Alex'], grants, codes: [{ agentName: 'Alex', sas: '123 456' }] });
    expect(t.shown()).toContain(
      'Sharing with Alex (screen). Type s and Enter to stop. Security code with Alex: 123 456.',
    );
    indicator.show({
      agentNames: ['Alex', 'Sam'],
      grants,
      codes: [
        { agentName: 'Alex', sas: '123 456' },
        { agentName: 'Sam', sas: '654 321' },
      ],
      paused: true,
    });
    expect(t.shown()).toContain(
      'Type s and Enter to stop. Paused: nothing is shown now. Security codes: Alex 123 456, Sam 654 321.',
    );
  });

  it('speaks French', () => {
    const t = terminal();
    const indicator = new TerminalIndicator(t.tty, fr, () => undefined);
    indicator.show({
      agentNames: ['Alex'],
      grants: { ...NO_GRANTS, view: true, files: true },
      codes: [{ agentName: 'Alex', sas: '123 456' }],
    });
    expect(t.shown()).toContain(
      'Partage avec Alex (écran, fichiers). Tapez s puis Entrée pour arrêter. Code de sécurité avec Alex : 123 456.',
    );
  });
});

/** A DialogHost that records what it was asked to show and lets the test act as the customer. */
function scriptedHost() {
  const shown: DialogSpec[] = [];
  let act: ((a: DialogAction) => void) | null = null;
  let closes = 0;
  const host: DialogHost = {
    async open(spec, onAction) {
      shown.push(spec);
      act = onAction;
      return { update: (s) => shown.push(s), close: () => void closes++ };
    },
    async close() {},
  };
  return {
    host,
    shown,
    closes: () => closes,
    async customer(a: DialogAction) {
      while (!act) await new Promise((r) => setTimeout(r, 1));
      act(a);
    },
  };
}

describe('WindowConsentPrompt', () => {
  it('shows one unticked box per requested capability, in French, and reports what was ticked', async () => {
    const s = scriptedHost();
    const prompt = new WindowConsentPrompt(s.host, fr);
    const asking = prompt.ask({ agentName: 'Alex', requested: { ...NO_GRANTS, view: true, control: true } });
    await s.customer({
      kind: 'button',
      button: ALLOW_BUTTON,
      checks: { view: true, control: false },
      field: '',
    });
    expect(await asking).toEqual({ kind: 'allowed', grants: { ...NO_GRANTS, view: true } });
    const spec = s.shown[0]!;
    expect(spec.heading).toBe('Alex (agent du support) demande à :');
    expect(spec.checks).toEqual([
      { id: 'view', label: 'voir votre écran', checked: false },
      { id: 'control', label: 'contrôler votre souris et votre clavier', checked: false },
    ]);
    expect(spec.buttons.map((b) => b.label)).toEqual(['Refuser', 'Autoriser']);
    expect(spec.buttons.find((b) => b.id === ALLOW_BUTTON)?.needsCheck).toBe(true);
    expect(spec.cancel).toBe(DECLINE_BUTTON);
    expect(s.closes()).toBe(1);
  });

  it('tells a decline from a closed window, and a ticked box outside the request is ignored', async () => {
    for (const [action, kind] of [
      [{ kind: 'button', button: DECLINE_BUTTON, checks: {}, field: '' }, 'declined'],
      [{ kind: 'closed' }, 'closed'],
      [{ kind: 'button', button: ALLOW_BUTTON, checks: { reboot: true }, field: '' }, 'declined'],
    ] as const) {
      const s = scriptedHost();
      const asking = new WindowConsentPrompt(s.host, en).ask({
        agentName: 'Alex',
        requested: { ...NO_GRANTS, view: true },
      });
      await s.customer(action);
      expect((await asking).kind).toBe(kind);
    }
  });

  it('withdrawn when the session ends: "cancelled", the window closes, the next question is asked', async () => {
    const s = scriptedHost();
    const prompt = new WindowConsentPrompt(s.host, en);
    const asking = prompt.ask({ agentName: 'Alex', requested: ALL });
    await s.customer({ kind: 'closed' }).then(() => undefined);
    expect((await asking).kind).toBe('closed');
    const again = prompt.ask({ agentName: 'Sam', requested: ALL });
    await new Promise((r) => setTimeout(r, 5));
    prompt.cancel();
    expect(await again).toEqual({ kind: 'cancelled' });
    expect(s.closes()).toBe(2);
  });
});

describe('words', () => {
  it('grants and names in both languages', () => {
    expect(en.grants(NO_GRANTS)).toBe('nothing');
    expect(fr.grants({ ...NO_GRANTS, clipboard: true, reboot: true })).toBe('presse-papiers, redémarrage');
    expect(en.names([])).toBe('the support agent');
    expect(fr.names(['Alex', 'Sam', 'Kim'])).toBe('Alex, Sam et Kim');
    expect(grantsFrom(['view', 'bogus'], { ...NO_GRANTS, view: true })).toEqual({ ...NO_GRANTS, view: true });
  });

  it('the indicator line: Latin-1 for the X core font, codes and pause, in French too; no Stop in it', () => {
    expect(indicatorLine(indicatorWindowText(en, { agentNames: ['Zoë'], grants: NO_GRANTS }))).toBe(
      'Lifeline: sharing with Zoë',
    );
    expect(indicatorLine(indicatorWindowText(en, { agentNames: ['李'], grants: NO_GRANTS }))).toBe(
      'Lifeline: sharing with ?',
    );
    expect(
      indicatorWindowText(en, {
        agentNames: ['Alex', 'Sam'],
        grants: NO_GRANTS,
        codes: [
          { agentName: 'Alex', sas: '123 456' },
          { agentName: 'Sam', sas: '654 321' },
        ],
        paused: true,
      }),
    ).toBe('Lifeline: sharing with Alex and Sam (codes 123 456, 654 321), paused');
    expect(
      indicatorLine(
        indicatorWindowText(fr, {
          agentNames: ['Alex'],
          grants: NO_GRANTS,
          codes: [{ agentName: 'Alex', sas: '123 456' }],
        }),
      ),
    ).toBe('Lifeline : partage avec Alex (code 123 456)');
  });
});
