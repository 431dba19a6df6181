/**
 * The standalone consent prompts and the terminal indicator, over in-memory streams standing in
 * for the terminal (the real pty is exercised in test/e2e/helper/helper-resume.test.ts), and the
 * dialog programs' arguments and answers (zenity and kdialog are not installed here: detection
 * is tested with a fake program on PATH).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NO_GRANTS } from '../../../../protocol/common';
import { describeGrants, grantsFrom } from '../../../../host/consent/prompts/consent-prompt';
import {
  DialogPrompt,
  detectDialog,
  dialogArgs,
  parseDialogOutput,
} from '../../../../host/platform/linux/dialog-prompt';
import { TerminalIndicator } from '../../../../host/consent/prompts/terminal-indicator';
import { TerminalPrompt } from '../../../../host/consent/prompts/terminal-prompt';
import { TtyLines } from '../../../../host/consent/prompts/tty-lines';
import { indicatorText } from '../../../../host/platform/linux/x11-indicator-window';

const ALL = { view: true, control: true, clipboard: true, files: true, reboot: true };

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString('utf8')));
  const tty = new TtyLines(input, output);
  return { input, tty, shown: () => shown };
}

/** Answers the i-th question once it is on the terminal. */
async function answerWhenAsked(t: ReturnType<typeof terminal>, answers: string[]) {
  const asked = () => (t.shown().match(/\[y\/N\] /g) ?? []).length;
  for (const [i, a] of answers.entries()) {
    while (asked() <= i) await new Promise((r) => setTimeout(r, 2));
    t.input.write(`${a}\n`);
  }
}

describe('TerminalPrompt', () => {
  it('asks y/n for each requested capability; only y or yes allows', async () => {
    const t = terminal();
    const asking = new TerminalPrompt(t.tty).ask({ agentName: 'Alex', requested: ALL });
    await answerWhenAsked(t, ['y', 'YES', 'n', '', 'maybe']);
    expect(await asking).toEqual({
      view: true,
      control: true,
      clipboard: false,
      files: false,
      reboot: false,
    });
    expect(t.shown()).toContain('Allow Alex to see your screen? [y/N]');
    expect(t.shown()).toContain('Allow Alex to restart this computer');
  });

  it('asks only what was requested, and refuses everything when the terminal closes', async () => {
    const t = terminal();
    const asking = new TerminalPrompt(t.tty).ask({
      agentName: 'Alex',
      requested: { ...NO_GRANTS, view: true, control: true },
    });
    await answerWhenAsked(t, ['y']);
    t.input.end();
    expect(await asking).toEqual(NO_GRANTS);
    expect(t.shown()).not.toContain('clipboard');
  });
});

describe('TerminalIndicator', () => {
  it('shows who sees what, and "s" + Enter stops while something is shared', async () => {
    const t = terminal();
    let stops = 0;
    const indicator = new TerminalIndicator(t.tty, () => stops++);
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
    const indicator = new TerminalIndicator(t.tty, () => undefined);
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
});

describe('dialog prompts', () => {
  it('zenity and kdialog get a checklist of the requested capabilities, all unticked, with the name escaped', () => {
    const request = { agentName: '<b>Eve</b> & co', requested: { ...NO_GRANTS, view: true, reboot: true } };
    const z = dialogArgs('zenity', request);
    expect(z).toContain('--checklist');
    expect(z.find((a) => a.startsWith('--text='))).toContain('&lt;b&gt;Eve&lt;/b&gt; &amp; co');
    expect(z.slice(-6)).toEqual([
      'FALSE',
      'view',
      'see your screen',
      'FALSE',
      'reboot',
      expect.stringContaining('restart'),
    ]);
    const k = dialogArgs('kdialog', request);
    expect(k.slice(-6)).toEqual([
      'view',
      'see your screen',
      'off',
      'reboot',
      expect.stringContaining('restart'),
      'off',
    ]);
  });

  it('reads the ticked names, limited to what was requested', () => {
    const requested = { ...NO_GRANTS, view: true, control: true };
    expect(parseDialogOutput('view\ncontrol\n', requested)).toEqual({
      ...NO_GRANTS,
      view: true,
      control: true,
    });
    expect(parseDialogOutput('"view"\n"reboot"\nbogus\n', requested)).toEqual({ ...NO_GRANTS, view: true });
    expect(grantsFrom([], requested)).toEqual(NO_GRANTS);
    expect(describeGrants(NO_GRANTS)).toBe('nothing');
  });

  it('is found on PATH only with a display; a cancelled dialog allows nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-dialog-'));
    try {
      const fake = path.join(dir, 'zenity');
      writeFileSync(fake, '#!/bin/sh\nif [ "$LIFELINE_TEST_CANCEL" = 1 ]; then exit 1; fi\necho view\n');
      chmodSync(fake, 0o755);
      expect(detectDialog({ PATH: dir })).toBeNull();
      const found = detectDialog({ PATH: dir, DISPLAY: ':9' });
      expect(found).toEqual({ kind: 'zenity', path: fake });
      const request = { agentName: 'Alex', requested: ALL };
      expect(await new DialogPrompt('zenity', fake, { PATH: dir }).ask(request)).toEqual({
        ...NO_GRANTS,
        view: true,
      });
      const cancelled = new DialogPrompt('zenity', fake, { PATH: dir, LIFELINE_TEST_CANCEL: '1' });
      expect(await cancelled.ask(request)).toEqual(NO_GRANTS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('X indicator text', () => {
  it('names the agents in Latin-1 for the core font', () => {
    expect(indicatorText(['Zoë'])).toBe('Lifeline: sharing with Zoë - Stop');
    expect(indicatorText(['李'])).toBe('Lifeline: sharing with ? - Stop');
    expect(indicatorText([])).toBe('Lifeline: sharing with the support agent - Stop');
  });

  it('shows the security codes and the pause', () => {
    expect(indicatorText(['Alex'], [{ agentName: 'Alex', sas: '123 456' }])).toBe(
      'Lifeline: sharing with Alex (code 123 456) - Stop',
    );
    expect(
      indicatorText(
        ['Alex', 'Sam'],
        [
          { agentName: 'Alex', sas: '123 456' },
          { agentName: 'Sam', sas: '654 321' },
        ],
        true,
      ),
    ).toBe('Lifeline: sharing with Alex and Sam (codes 123 456, 654 321), paused - Stop');
  });
});
