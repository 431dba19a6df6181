/**
 * The plain background's state machine with a recording desktop: nothing changes before the
 * customer's yes; the restore file is on disk before the desktop changes; a no, an off while
 * asking and the session's end each leave the desktop as it was; a failed change is undone; a
 * restore that fails keeps the file for the next start, and the next start restores from it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackgroundControlToViewer } from '../../../../protocol/data/background-control';
import { ProtocolError } from '../../../../protocol/errors';
import type {
  BackgroundSnapshot,
  DesktopBackground,
  DesktopBackgroundChoice,
  Rgb,
} from '../../../../host/platform/types';
import {
  PlainBackgroundService,
  restoreLeftoverBackground,
  type PlainBackgroundQuestion,
} from '../../../../host/session/plain-background/plain-background-service';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-plain-unit-'));
  file = path.join(dir, 'state', 'plain-background.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A desktop that shows a picture and records what was done to it. */
class RecordingDesktop implements DesktopBackground {
  readonly kind = 'test';
  shows = 'photo.jpg';
  calls: string[] = [];
  failSet = false;
  failRestore = false;
  constructor(private readonly restoreFile: () => string) {}
  async read(): Promise<BackgroundSnapshot> {
    this.calls.push('read');
    return { kind: 'test', values: { picture: this.shows } };
  }
  async setPlain(color: Rgb): Promise<void> {
    // The file says what to restore before anything changes.
    this.calls.push(`set plain (file on disk: ${existsSync(this.restoreFile())})`);
    if (this.failSet) throw new ProtocolError('internal_error', 'the desktop refused');
    this.shows = `plain ${color.r},${color.g},${color.b}`;
  }
  async restore(snapshot: BackgroundSnapshot): Promise<void> {
    this.calls.push('restore');
    if (this.failRestore) throw new Error('restore refused');
    this.shows = snapshot.values.picture!;
  }
}

interface Harness {
  service: PlainBackgroundService;
  desktop: RecordingDesktop;
  told: BackgroundControlToViewer[];
  answer(yes: boolean): void;
  asked: AbortSignal[];
}

function harness(
  options: { choice?: DesktopBackgroundChoice; question?: PlainBackgroundQuestion | null } = {},
): Harness {
  const desktop = new RecordingDesktop(() => file);
  const told: BackgroundControlToViewer[] = [];
  const asked: AbortSignal[] = [];
  let answer: (yes: boolean) => void = () => {};
  const question: PlainBackgroundQuestion = (_agent, signal) => {
    asked.push(signal);
    return new Promise((resolve) => {
      answer = resolve;
      signal.addEventListener('abort', () => resolve(false));
    });
  };
  const service = new PlainBackgroundService({
    choose: () => options.choice ?? { ok: true, background: desktop },
    file,
    question: () => (options.question === undefined ? question : options.question),
    broadcast: (m) => told.push(m),
    log: () => {},
  });
  return { service, desktop, told, answer: (yes) => answer(yes), asked };
}

const states = (h: Harness) => h.told.map((m) => m.state);
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('PlainBackgroundService', () => {
  it('asks first, changes nothing before the yes, saves what to restore (0600) before changing, and restores on off', async () => {
    const h = harness();
    h.service.request('Alex', true);
    expect(h.desktop.calls).toEqual([]);
    expect(states(h)).toEqual(['asking']);
    h.answer(true);
    await until(() => h.service.state === 'on');
    expect(h.desktop.calls).toEqual(['read', 'set plain (file on disk: true)']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      kind: 'test',
      values: { picture: 'photo.jpg' },
    });
    h.service.request('Alex', false);
    await until(() => h.service.state === 'off');
    expect(h.desktop.shows).toBe('photo.jpg');
    expect(existsSync(file)).toBe(false);
    expect(states(h)).toEqual(['asking', 'on', 'off']);
  });

  it('a no changes nothing and tells the agent "declined"', async () => {
    const h = harness();
    h.service.request('Alex', true);
    h.answer(false);
    await until(() => h.told.length === 2);
    expect(states(h)).toEqual(['asking', 'declined']);
    expect(h.desktop.calls).toEqual([]);
    expect(h.service.state).toBe('off');
  });

  it('off while asking, and the session end while asking, withdraw the question and change nothing', async () => {
    const h = harness();
    h.service.request('Alex', true);
    h.service.request('Alex', false);
    expect(h.asked[0]!.aborted).toBe(true);
    const h2 = harness();
    h2.service.request('Sam', true);
    await h2.service.end();
    expect(h2.asked[0]!.aborted).toBe(true);
    await settle();
    expect([...h.desktop.calls, ...h2.desktop.calls]).toEqual([]);
    expect(states(h)).toEqual(['asking', 'off']);
  });

  it('the end right after the yes waits for the change and then undoes it', async () => {
    const h = harness();
    h.service.request('Alex', true);
    h.answer(true);
    // The yes is handled (the change queued, not yet done) when the session ends.
    await Promise.resolve();
    await Promise.resolve();
    expect(h.asked[0]!.aborted).toBe(false);
    expect(h.service.state).toBe('asking');
    await h.service.end();
    expect(h.desktop.calls).toEqual(['read', 'set plain (file on disk: true)', 'restore']);
    expect(h.desktop.shows).toBe('photo.jpg');
    expect(existsSync(file)).toBe(false);
  });

  it('a change the desktop refuses is undone and reported as failed with its code', async () => {
    const h = harness();
    h.desktop.failSet = true;
    h.service.request('Alex', true);
    h.answer(true);
    await until(() => h.told.length === 2);
    expect(h.told[1]).toEqual({
      type: 'background.state',
      state: 'failed',
      code: 'internal_error',
      message: 'the desktop refused',
    });
    expect(h.desktop.calls.at(-1)).toBe('restore');
    expect(existsSync(file)).toBe(false);
  });

  it('says "unsupported" with the reason on a desktop without one, and where nobody can be asked', () => {
    const h = harness({
      choice: { ok: false, reason: 'the plain background is not supported on this desktop (XFCE)' },
    });
    h.service.request('Alex', true);
    expect(h.told).toEqual([
      {
        type: 'background.state',
        state: 'unsupported',
        code: 'feature_disabled',
        message: 'the plain background is not supported on this desktop (XFCE)',
      },
    ]);
    const h2 = harness({ question: null });
    h2.service.request('Alex', true);
    expect(h2.told[0]).toMatchObject({ state: 'unsupported', code: 'consent_required' });
  });

  it('a restore that fails keeps the file; the next start restores from it and deletes it', async () => {
    const h = harness();
    h.service.request('Alex', true);
    h.answer(true);
    await until(() => h.service.state === 'on');
    h.desktop.failRestore = true;
    await h.service.end();
    expect(existsSync(file)).toBe(true);
    expect(h.told.at(-1)).toMatchObject({ state: 'failed' });

    h.desktop.failRestore = false;
    const log: string[] = [];
    const restored = await restoreLeftoverBackground(
      file,
      () => ({ ok: true, background: h.desktop }),
      (e) => log.push(e),
    );
    expect(restored).toBe(true);
    expect(h.desktop.shows).toBe('photo.jpg');
    expect(existsSync(file)).toBe(false);
    expect(log).toEqual(['background.leftover_restored']);
  });

  it('the next start ignores (and removes) a restore file that is not ours, and does nothing without one', async () => {
    const desktop = new RecordingDesktop(() => file);
    const choose = () => ({ ok: true as const, background: desktop });
    expect(await restoreLeftoverBackground(file, choose, () => {})).toBe(false);
    rmSync(path.dirname(file), { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ kind: 'test', values: { picture: 'x'.repeat(20_000) } }));
    expect(await restoreLeftoverBackground(file, choose, () => {})).toBe(false);
    expect(existsSync(file)).toBe(false);
    expect(desktop.calls).toEqual([]);
  });
});

async function until(pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting for the service');
    await new Promise((r) => setTimeout(r, 5));
  }
}
