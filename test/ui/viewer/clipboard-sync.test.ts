/** Automatic clipboard sharing on focus and on remote change, without echoes. */
import { describe, expect, it } from 'vitest';
import {
  ClipboardSync,
  type ClipboardSyncTarget,
  type SystemClipboard,
} from '../../../ui/viewer/clipboard-sync';
import { screenshotFileName } from '../../../ui/viewer/screenshot';

function setup(initial = '') {
  const local = { text: initial, failRead: false, failWrite: false };
  const clipboard: SystemClipboard = {
    readText: () => (local.failRead ? Promise.reject(new Error('denied')) : Promise.resolve(local.text)),
    writeText: (t) => {
      if (local.failWrite) return Promise.reject(new Error('not focused'));
      local.text = t;
      return Promise.resolve();
    },
  };
  const sent: string[] = [];
  const notices: string[] = [];
  let requests = 0;
  let accept = true;
  const target: ClipboardSyncTarget = {
    sendClipboard: (t) => (accept ? (sent.push(t), true) : false),
    requestClipboard: () => (requests++, true),
    notify: (k) => notices.push(k),
  };
  let focused = true;
  const sync = new ClipboardSync(
    clipboard,
    target,
    () => focused,
    () => true,
  );
  return {
    sync,
    local,
    sent,
    notices,
    requests: () => requests,
    setFocus: (f: boolean) => (focused = f),
    refuse: () => (accept = false),
  };
}

describe('ClipboardSync', () => {
  it("sends the agent's clipboard on focus when it changed, once", async () => {
    const s = setup('copied elsewhere');
    await s.sync.onFocus();
    await s.sync.onFocus();
    expect(s.sent).toEqual(['copied elsewhere']);
    s.local.text = 'another copy';
    await s.sync.onFocus();
    expect(s.sent).toEqual(['copied elsewhere', 'another copy']);
  });

  it("writes the customer's clipboard at once while focused, and does not send it back", async () => {
    const s = setup();
    await s.sync.onRemote('from the customer');
    expect(s.local.text).toBe('from the customer');
    expect(s.notices).toEqual(['clipReceived']);
    await s.sync.onFocus();
    expect(s.sent).toEqual([]);
  });

  it('never wipes the agent’s clipboard with an empty one from the customer', async () => {
    const s = setup();
    await s.sync.onRemote('from the customer');
    s.local.text = 'copied while away';
    await s.sync.onRemote(''); // the customer's copying program closed
    expect(s.local.text).toBe('copied while away');
    await s.sync.onFocus();
    expect(s.sent).toEqual(['copied while away']);
  });

  it('keeps a remote clip until the next focus, unless the agent copied something newer', async () => {
    const s = setup('old');
    await s.sync.onFocus(); // shares "old"
    s.setFocus(false);
    await s.sync.onRemote('remote while away');
    expect(s.local.text).toBe('old');
    s.setFocus(true);
    await s.sync.onFocus();
    expect(s.local.text).toBe('remote while away');

    const t = setup('a');
    await t.sync.onFocus();
    t.setFocus(false);
    await t.sync.onRemote('remote');
    t.local.text = 'newer local copy';
    t.setFocus(true);
    await t.sync.onFocus();
    expect(t.sent.at(-1)).toBe('newer local copy');
    expect(t.local.text).toBe('newer local copy');
  });

  it('explicit push and pull work whatever changed, and say when the clipboard cannot be read', async () => {
    const s = setup('same');
    await s.sync.push();
    await s.sync.push();
    expect(s.sent).toEqual(['same', 'same']);
    expect(s.notices).toEqual(['clipSent', 'clipSent']);
    s.sync.pull();
    expect(s.requests()).toBe(1);
    await s.sync.onRemote('same');
    expect(s.notices.at(-1)).toBe('clipReceived');
    s.local.failRead = true;
    await s.sync.push();
    expect(s.notices.at(-1)).toBe('clipReadFailed');
  });

  it('reports a failed write', async () => {
    const s = setup();
    s.local.failWrite = true;
    await s.sync.onRemote('x');
    expect(s.notices).toEqual(['clipWriteFailed']);
  });
});

describe('screenshotFileName', () => {
  it('names shots by local date and time', () => {
    expect(screenshotFileName(new Date(2026, 10, 5, 9, 3, 7))).toBe('lifeline-screen-2026-11-05-090307.png');
  });
});
