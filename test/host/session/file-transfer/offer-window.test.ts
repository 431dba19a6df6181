/**
 * "Send a file to the agent..." in the helper's window (offer-window.ts), driven as the customer
 * would: the window appears only while `files` is allowed with an agent, its button opens the
 * chooser (a scripted FileChooser here: the real ones are tested in desktop-file-chooser.test.ts
 * and under Wine), the chosen file is offered through the real FileTransferService to the real
 * viewer side (loopback.ts), Withdraw takes it back, and every outcome is said in the window in
 * the customer's language: cancelled, refused with the reason, chooser failed, the agent's answer.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HelperText } from '../../../../host/i18n/helper-text';
import type { DialogAction, DialogHost, DialogSpec, FileChooser } from '../../../../host/platform/types';
import {
  HIDE_BUTTON,
  OfferWindow,
  SEND_BUTTON,
  WITHDRAW_BUTTON,
} from '../../../../host/session/file-transfer/offer-window';
import { Loopback } from './loopback';

let lb: Loopback | null = null;
afterEach(async () => {
  await lb?.close();
  lb = null;
});

/** A DialogHost that records what each window shows and lets the test press its buttons. */
function recordingHost() {
  const windows: { spec: DialogSpec; act: (a: DialogAction) => void; closed: boolean }[] = [];
  const dialogs: DialogHost = {
    async open(spec, onAction) {
      const w = { spec, act: onAction, closed: false };
      windows.push(w);
      return {
        update: (next) => void (w.spec = next),
        close: () => void (w.closed = true),
      };
    },
    async close() {},
  };
  const open = () => windows.filter((w) => !w.closed);
  return { dialogs, windows, open };
}

/** A chooser whose answers the test gives one by one (a path, null for cancel, an Error). */
function scriptedChooser() {
  const asked: { title: string; startDir: string }[] = [];
  let answer: ((v: string | null | Error) => void) | null = null;
  const chooser: FileChooser = {
    choose(options) {
      asked.push(options);
      return new Promise((resolve, reject) => {
        answer = (v) => (v instanceof Error ? reject(v) : resolve(v));
      });
    },
  };
  return {
    chooser,
    asked,
    answer(v: string | null | Error) {
      if (!answer) throw new Error('the chooser is not open');
      const a = answer;
      answer = null;
      a(v);
    },
  };
}

/** Lets the window's updates (applied once its open() resolved) land. */
const tick = () => new Promise((r) => setTimeout(r, 0));
const press = (button: string): DialogAction => ({ kind: 'button', button, checks: {}, field: '' });

function setup(lang: 'en' | 'fr' = 'en') {
  lb = new Loopback();
  const l = lb;
  const host = recordingHost();
  const ch = scriptedChooser();
  const win = new OfferWindow({
    dialogs: host.dialogs,
    chooser: ch.chooser,
    text: new HelperText(lang),
    files: () => l.service,
    startDir: l.home,
  });
  const only = () => {
    const open = host.open();
    expect(open).toHaveLength(1);
    return open[0]!;
  };
  return { l, host, ch, win, only };
}

const offers = (l: Loopback) => l.viewer.snapshot().offers;

describe('the "Send a file to the agent..." window', () => {
  it('shows only while files are allowed with an agent; Close keeps it away until allowed again', async () => {
    const { host, win, only } = setup();
    expect(host.windows).toHaveLength(0);
    win.setAvailable(true, ['Alex Agent']);
    await tick();
    await until(() => host.open().length === 1, 'the window open');
    expect(only().spec.heading).toBe('Send a file to the agent');
    // It opens behind the application the agent may be typing into, and is not kept on top.
    expect(only().spec.inBackground).toBe(true);
    expect(only().spec.buttons.map((b) => b.id)).toEqual([HIDE_BUTTON, SEND_BUTTON]);
    expect(only().spec.text[0]).toMatch(/^Alex Agent may receive a file from you/u);
    only().act(press(HIDE_BUTTON));
    await tick();
    expect(host.open()).toHaveLength(0);
    win.setAvailable(true, ['Alex Agent']);
    await tick();
    expect(host.open()).toHaveLength(0);
    // Revoked, then allowed again: it comes back.
    win.setAvailable(false, []);
    await tick();
    win.setAvailable(true, ['Alex Agent']);
    await tick();
    await until(() => host.open().length === 1, 'the window back');
    win.close();
    await tick();
    expect(host.open()).toHaveLength(0);
  });

  it('offers the chosen file: the agent sees it; Withdraw takes it back; the answer is said', async () => {
    const { l, host, ch, win, only } = setup();
    writeFileSync(l.path('Documents', 'invoice.pdf'), 'pdf bytes');
    win.setAvailable(true, ['Alex Agent']);
    await tick();
    await until(() => host.open().length === 1, 'the window open');
    only().act(press(SEND_BUTTON));
    await tick();
    expect(win.state).toBe('choosing');
    expect(only().spec.busy).toBe(true);
    expect(ch.asked).toEqual([{ title: 'Choose the file to send to the agent', startDir: l.home }]);
    // A second press while the chooser is open opens nothing more.
    only().act(press(SEND_BUTTON));
    await tick();
    expect(ch.asked).toHaveLength(1);
    ch.answer(l.path('Documents', 'invoice.pdf'));
    await until(() => win.state === 'pending', 'the offer made');
    await l.until(() => offers(l).length === 1, 'the offer shown to the agent');
    expect(offers(l)[0]).toMatchObject({ name: 'invoice.pdf', size: 9, folder: 'Documents' });
    expect(only().spec.text.at(-1)).toBe('invoice.pdf is offered to the agent; waiting for their answer.');
    expect(only().spec.buttons.map((b) => b.id)).toEqual([HIDE_BUTTON, WITHDRAW_BUTTON]);
    only().act(press(WITHDRAW_BUTTON));
    await tick();
    expect(win.state).toBe('idle');
    expect(only().spec.text.at(-1)).toBe(
      'You withdrew invoice.pdf; the agent no longer sees it and nothing was sent.',
    );
    await l.until(() => offers(l).length === 0, 'the bar gone in the viewer');
    // Offered again, and the agent accepts: the window says so.
    only().act(press(SEND_BUTTON));
    await tick();
    ch.answer(l.path('Documents', 'invoice.pdf'));
    await until(() => win.state === 'pending', 'offered again');
    await l.until(() => offers(l).length === 1, 'the offer shown again');
    const id = l.viewer.acceptOffer(offers(l)[0]!.offer)!;
    await l.until(() => l.offerAnswers.length === 1, 'the answer heard');
    win.answered(l.offerAnswers[0]!);
    await tick();
    expect(win.state).toBe('idle');
    expect(only().spec.text.at(-1)).toBe('Alex Agent accepted invoice.pdf: sending it.');
    await l.until(() => l.transfer(id)?.phase === 'done', 'the file received');
  });

  it('says why nothing was offered: cancelled, refused (outside, hidden), chooser failed (fr)', async () => {
    const { l, host, ch, win, only } = setup('fr');
    writeFileSync(l.path('Documents', '.secret'), 'x');
    win.setAvailable(true, ['Alex']);
    await tick();
    await until(() => host.open().length === 1, 'the window open');
    only().act(press(SEND_BUTTON));
    await tick();
    ch.answer(null);
    await until(() => win.state === 'idle', 'back after a cancel');
    expect(only().spec.error).toBe(
      'Aucun fichier choisi ; rien n\u2019a été proposé.'.replace('\u2019', "'"),
    );
    only().act(press(SEND_BUTTON));
    await tick();
    ch.answer('/etc/passwd');
    await until(() => only().spec.error?.startsWith('passwd ') === true, 'the refusal said');
    expect(only().spec.error).toMatch(/^passwd n'est pas dans un dossier/u);
    only().act(press(SEND_BUTTON));
    await tick();
    ch.answer(l.path('Documents', '.secret'));
    await until(() => only().spec.error?.startsWith('.secret ') === true, 'the hidden file refused');
    only().act(press(SEND_BUTTON));
    await tick();
    ch.answer(new Error('comdlg32 missing'));
    await until(() => only().spec.error?.includes('comdlg32 missing') === true, 'the failure said');
    expect(only().spec.error).toMatch(/^La fenêtre de choix de fichier n'a pas pu s'ouvrir/u);
    expect(offers(l)).toEqual([]);
    expect(win.state).toBe('idle');
  });

  it('follows an offer withdrawn on the terminal, and a revoke while choosing offers nothing shown', async () => {
    const { l, host, ch, win, only } = setup();
    writeFileSync(l.path('Desktop', 'a.txt'), 'a');
    win.setAvailable(true, ['Alex Agent']);
    await tick();
    await until(() => host.open().length === 1, 'the window open');
    await l.service.offerFile(l.path('Desktop', 'a.txt'));
    win.sync('a.txt is offered to the agent; waiting for their answer.');
    await tick();
    expect(win.state).toBe('pending');
    l.service.withdrawOffer();
    win.sync('You withdrew a.txt; the agent no longer sees it and nothing was sent.');
    await tick();
    expect(win.state).toBe('idle');
    expect(only().spec.buttons.map((b) => b.id)).toContain(SEND_BUTTON);
    // Files revoked while the chooser is open: the window goes; the choice then offers what the
    // service allows (here the service refuses nothing, the window just stays hidden).
    only().act(press(SEND_BUTTON));
    await tick();
    win.setAvailable(false, []);
    await tick();
    expect(host.open()).toHaveLength(0);
    ch.answer(null);
    await until(() => win.state === 'idle', 'the choice ended');
    expect(host.open()).toHaveLength(0);
  });
});

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
