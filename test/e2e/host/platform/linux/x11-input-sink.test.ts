import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { QueryPointerReply } from 'x11';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_KEY_CODES, keysymsForCode } from '../../../../../host/platform/linux/key-codes';
import { X11Connection } from '../../../../../host/platform/linux/x11-connection';
import { TYPE_MAX_CHARS, X11InputSink } from '../../../../../host/platform/linux/x11-input-sink';
import { silentPlatformLog } from '../../../../../host/platform/platform-log';
import { ProtocolError } from '../../../../../protocol/errors';
import { startXvfb, type XDisplay } from '../../../../support/xvfb';
import { EventWindow } from '../support/event-window';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);
// Core KeyButMask bits.
const SHIFT = 1;
const CONTROL = 4;
const BUTTON1 = 0x100;
const BUTTON3 = 0x400;

let x: XDisplay;
let sink: X11InputSink;
let tmp: string;
const children: { kill(): void }[] = [];

beforeAll(async () => {
  x = await startXvfb({ width: 1280, height: 800 });
  sink = await X11InputSink.open(x.display, silentPlatformLog);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-input-'));
});

afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});

afterAll(async () => {
  await sink?.close();
  await x?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function xdotool(...args: string[]): Promise<string> {
  return (await run('xdotool', args, { env: x.env })).stdout;
}

/** Starts an xterm at the top-left running `script`, waits for its window, puts the pointer on it. */
async function xtermRunning(title: string, script: string): Promise<void> {
  const child = x.spawnClient('xterm', ['-T', title, '-geometry', '80x10+0+0', '-e', 'sh', '-c', script], {
    LC_ALL: 'C.UTF-8',
    LANG: 'C.UTF-8',
  });
  children.push(child);
  await waitFor(
    `the ${title} window`,
    async () => (await xdotool('search', '--name', title).catch(() => '')).trim() || undefined,
  );
  // With no window manager, the keyboard follows the pointer.
  await sink.pointerMove(200, 60);
  await new Promise((r) => setTimeout(r, 300));
}

function fileText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

describe('X11InputSink keyboard', () => {
  it('types text with é, ü, € and characters the layout lacks into a real xterm', async () => {
    const file = path.join(tmp, 'typed.txt');
    await xtermRunning('typing', `cat > ${file}`);
    const text = 'Grüße, é ü € — 日本語 Ω ✓ [x] {y} ~`!@#$%^&*()_+|\\:;"\'<>?,./';
    await sink.type(`${text}\n`);
    expect(await waitFor('the typed line', () => fileText(file).endsWith('\n') && fileText(file))).toBe(
      `${text}\n`,
    );
  });

  it('types the same text whatever modifiers are held or Caps Lock says', async () => {
    const file = path.join(tmp, 'modifiers.txt');
    await xtermRunning('modifiers', `cat > ${file}`);
    await sink.key('CapsLock', true);
    await sink.key('CapsLock', false);
    await sink.key('ShiftLeft', true);
    await sink.type('abc XYZ é\n');
    await sink.key('ShiftLeft', false);
    expect(await waitFor('the typed line', () => fileText(file).endsWith('\n') && fileText(file))).toBe(
      'abc XYZ é\n',
    );
    await sink.key('CapsLock', true);
    await sink.key('CapsLock', false);
  });

  it('sends arrows, keypad (with and without NumLock) and function keys to the application', async () => {
    const file = path.join(tmp, 'keys.bin');
    await xtermRunning('keys', `stty raw -echo; cat > ${file}`);
    const tap = async (code: string) => {
      await sink.key(code, true);
      await sink.key(code, false);
    };
    for (const code of [
      'ArrowUp',
      'ArrowLeft',
      'Numpad7',
      'NumLock',
      'Numpad7',
      'NumpadAdd',
      'NumpadDecimal',
      'NumpadEnter',
    ]) {
      await tap(code);
    }
    await tap('NumLock');
    await tap('F5');
    await tap('F13'); // not in the US layout: bound on a spare keycode
    await tap('KeyA');
    await sink.key('ShiftLeft', true);
    await tap('Digit1');
    await sink.key('ShiftLeft', false);
    const want = '\x1b[A\x1b[D\x1b[H7+.\r\x1b[15~\x1b[25~a!';
    expect(await waitFor('the key bytes', () => fileText(file).length >= want.length && fileText(file))).toBe(
      want,
    );
  });

  it('maps every KeyboardEvent.code to a key that carries its keysym', async () => {
    const win = await EventWindow.open(x.display, { x: 0, y: 0, width: 400, height: 300 });
    try {
      await sink.pointerMove(100, 100);
      for (const code of KNOWN_KEY_CODES) {
        await sink.key(code, true);
        await sink.key(code, false);
        const events = await waitFor(`the events of ${code}`, () => {
          const e = win.events.filter((ev) => ev.kind === 'keyPress' || ev.kind === 'keyRelease');
          return e.length >= 2 && win.take();
        });
        expect(
          events.map((e) => e.kind),
          code,
        ).toEqual(['keyPress', 'keyRelease']);
        const keysyms = await win.keysymsOf(events[0]!.detail);
        const wanted = keysymsForCode(code)!;
        expect(
          wanted.some((k) => keysyms.slice(0, 2).includes(k)),
          `${code} pressed keycode ${events[0]!.detail} with keysyms ${keysyms.map((k) => k.toString(16))}`,
        ).toBe(true);
      }
    } finally {
      await win.close();
    }
  });

  it('refuses unknown key codes with a coded error', async () => {
    const err = await sink.key('NotAKey', true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('bad_request');
    const long = await sink.type('a'.repeat(TYPE_MAX_CHARS + 1)).catch((e: unknown) => e);
    expect((long as ProtocolError).code).toBe('message_too_large');
  });
});

describe('X11InputSink pointer', () => {
  it('moves the pointer where the X server reports it', async () => {
    // A move is not a round trip: wait for the server to report it rather than race xdotool.
    const at = (want: RegExp) =>
      waitFor(`the pointer at ${want.source}`, async () => want.test(await xdotool('getmouselocation')));
    await sink.pointerMove(321, 222);
    expect(await at(/^x:321 y:222 /)).toBe(true);
    await sink.pointerMove(5000, -20); // clamped by the server to the screen
    expect(await at(/^x:1279 y:0 /)).toBe(true);
  });

  it('presses the five buttons and scrolls both wheels', async () => {
    const win = await EventWindow.open(x.display, { x: 0, y: 0, width: 400, height: 300 });
    try {
      await sink.pointerMove(50, 50);
      for (const b of ['left', 'middle', 'right', 'back', 'forward'] as const) {
        await sink.button(b, true);
        await sink.button(b, false);
      }
      await sink.wheel(0, 2);
      await sink.wheel(0, -1);
      await sink.wheel(1, 0);
      await sink.wheel(-1, 0);
      const presses = await waitFor('10 button presses', () => {
        const p = win.events.filter((e) => e.kind === 'buttonPress').map((e) => e.detail);
        return p.length >= 10 && p;
      });
      expect(presses).toEqual([1, 2, 3, 8, 9, 5, 5, 4, 7, 6]);
    } finally {
      await win.close();
    }
  });

  it('double-clicks a word in xterm, which selects it (PRIMARY)', async () => {
    await xtermRunning('clicks', 'echo lifelineword; sleep 600');
    await new Promise((r) => setTimeout(r, 200));
    await sink.pointerMove(12, 8);
    for (let i = 0; i < 2; i++) {
      await sink.button('left', true);
      await sink.button('left', false);
    }
    const selected = await waitFor('the selection', async () => {
      const out = await run('xclip', ['-o', '-selection', 'primary'], { env: x.env }).catch(() => ({
        stdout: '',
      }));
      return out.stdout || undefined;
    });
    expect(selected).toBe('lifelineword');
  });

  it('releaseAll lets go of every key and button it pressed', async () => {
    const conn = await X11Connection.open(x.display, silentPlatformLog);
    // Held keys and buttons only: Caps Lock and NumLock are toggles other tests left as they were.
    const mask = async () =>
      (await conn.call<QueryPointerReply>('QueryPointer', (cb) => conn.client.QueryPointer(conn.root, cb)))
        .keyMask &
      (SHIFT | CONTROL | BUTTON1 | BUTTON3);
    try {
      await sink.pointerMove(600, 600);
      await sink.key('ShiftLeft', true);
      await sink.key('ControlRight', true);
      await sink.button('left', true);
      await sink.button('right', true);
      // Presses are not round trips (typing stays fast); this other connection may ask first.
      const held = SHIFT | CONTROL | BUTTON1 | BUTTON3;
      expect(
        await waitFor('the held keys and buttons', async () => ((await mask()) === held ? held : undefined)),
      ).toBe(held);
      await sink.releaseAll(); // a round trip: the release is done when it resolves
      expect(await mask()).toBe(0);
    } finally {
      await conn.close();
    }
  });
});
