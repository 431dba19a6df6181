/** Keyboard rule: characters as text, everything else (arrows, keypad, F-keys, shortcuts) by physical code. */
import { describe, expect, it } from 'vitest';
import { isPrintable, keyDownAction, KeyTracker, type KeyInfo } from '../../../ui/viewer/key-mapper';
import { InputEvent } from '../../../protocol/data/input';

const OPTS = { passSystemKeys: false, viewerShortcuts: true };

function key(code: string, key: string, mods: Partial<KeyInfo> = {}): KeyInfo {
  return {
    code,
    key,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    shiftKey: false,
    repeat: false,
    isComposing: false,
    keyCode: 0,
    altGraph: false,
    ...mods,
  };
}

describe('keyDownAction', () => {
  it('sends arrows, navigation, editing and function keys by code', () => {
    for (const [code, k] of [
      ['ArrowUp', 'ArrowUp'],
      ['ArrowLeft', 'ArrowLeft'],
      ['PageDown', 'PageDown'],
      ['Home', 'Home'],
      ['Enter', 'Enter'],
      ['Tab', 'Tab'],
      ['Backspace', 'Backspace'],
      ['Escape', 'Escape'],
      ['Delete', 'Delete'],
      ['F5', 'F5'],
      ['F12', 'F12'],
      ['ShiftLeft', 'Shift'],
      ['ControlRight', 'Control'],
      ['CapsLock', 'CapsLock'],
    ]) {
      expect(keyDownAction(key(code!, k!), OPTS)).toEqual({ kind: 'key', code });
    }
  });

  it('sends every keypad key by code, digits included, so the remote sees keypad keys', () => {
    expect(keyDownAction(key('Numpad7', '7'), OPTS)).toEqual({ kind: 'key', code: 'Numpad7' });
    expect(keyDownAction(key('Numpad7', 'Home'), OPTS)).toEqual({ kind: 'key', code: 'Numpad7' });
    expect(keyDownAction(key('NumpadAdd', '+'), OPTS)).toEqual({ kind: 'key', code: 'NumpadAdd' });
    expect(keyDownAction(key('NumpadEnter', 'Enter'), OPTS)).toEqual({ kind: 'key', code: 'NumpadEnter' });
    expect(keyDownAction(key('NumpadDecimal', ','), OPTS)).toEqual({ kind: 'key', code: 'NumpadDecimal' });
  });

  it('types characters as text, whatever the layout (é on French, ß on German, € with AltGr)', () => {
    expect(keyDownAction(key('KeyA', 'a'), OPTS)).toEqual({ kind: 'text', text: 'a' });
    expect(keyDownAction(key('KeyQ', 'a'), OPTS)).toEqual({ kind: 'text', text: 'a' }); // AZERTY
    expect(keyDownAction(key('Digit2', 'é'), OPTS)).toEqual({ kind: 'text', text: 'é' });
    expect(keyDownAction(key('Minus', 'ß'), OPTS)).toEqual({ kind: 'text', text: 'ß' });
    expect(keyDownAction(key('KeyA', 'A', { shiftKey: true }), OPTS)).toEqual({ kind: 'text', text: 'A' });
    // AltGr on Windows reports Ctrl+Alt: still a character, not a shortcut.
    expect(keyDownAction(key('KeyE', '€', { ctrlKey: true, altKey: true, altGraph: true }), OPTS)).toEqual({
      kind: 'text',
      text: '€',
    });
    expect(keyDownAction(key('KeyE', '😀'), OPTS)).toEqual({ kind: 'text', text: '😀' });
  });

  it('sends Space by code (a key, not a character: games and shortcuts use it)', () => {
    expect(keyDownAction(key('Space', ' '), OPTS)).toEqual({ kind: 'key', code: 'Space' });
  });

  it('leaves composition and dead keys to the browser (their result comes as text later)', () => {
    expect(keyDownAction(key('BracketLeft', 'Dead'), OPTS)).toEqual({ kind: 'browser' });
    expect(keyDownAction(key('KeyA', 'Process', { keyCode: 229 }), OPTS)).toEqual({ kind: 'browser' });
    expect(keyDownAction(key('KeyA', 'a', { isComposing: true }), OPTS)).toEqual({ kind: 'browser' });
  });

  it('sends shortcuts as keys, by the letter the agent sees (Ctrl+A on AZERTY is KeyA)', () => {
    expect(keyDownAction(key('KeyC', 'c', { ctrlKey: true }), OPTS)).toEqual({ kind: 'key', code: 'KeyC' });
    expect(keyDownAction(key('KeyQ', 'a', { ctrlKey: true }), OPTS)).toEqual({ kind: 'key', code: 'KeyA' });
    expect(keyDownAction(key('KeyF', 'f', { altKey: true }), OPTS)).toEqual({ kind: 'key', code: 'KeyF' });
    expect(keyDownAction(key('Digit1', '&', { ctrlKey: true }), OPTS)).toEqual({
      kind: 'key',
      code: 'Digit1',
    });
    expect(keyDownAction(key('Digit1', '1', { ctrlKey: true }), OPTS)).toEqual({
      kind: 'key',
      code: 'Digit1',
    });
  });

  it('keeps the system keys local unless the agent passes them', () => {
    expect(keyDownAction(key('MetaLeft', 'Meta'), OPTS)).toEqual({ kind: 'drop' });
    expect(keyDownAction(key('KeyE', 'e', { metaKey: true }), OPTS)).toEqual({ kind: 'drop' });
    const pass = { ...OPTS, passSystemKeys: true };
    expect(keyDownAction(key('MetaLeft', 'Meta'), pass)).toEqual({ kind: 'key', code: 'MetaLeft' });
    expect(keyDownAction(key('KeyE', 'e', { metaKey: true }), pass)).toEqual({ kind: 'key', code: 'KeyE' });
  });

  it("handles the viewer's own shortcuts only while they are on", () => {
    const mods = { ctrlKey: true, altKey: true, shiftKey: true };
    expect(keyDownAction(key('KeyF', 'F', mods), OPTS)).toEqual({ kind: 'shortcut', shortcut: 'fullscreen' });
    expect(keyDownAction(key('KeyS', 'S', mods), OPTS)).toEqual({ kind: 'shortcut', shortcut: 'screenshot' });
    expect(keyDownAction(key('KeyF', 'F', mods), { ...OPTS, viewerShortcuts: false })).toEqual({
      kind: 'key',
      code: 'KeyF',
    });
  });

  it('every key event it produces is valid for the protocol', () => {
    const t = new KeyTracker(OPTS);
    for (const code of ['ArrowUp', 'Numpad0', 'F24', 'IntlBackslash', 'KeyZ']) {
      for (const ev of t.keyDown(key(code, 'x', { ctrlKey: true })).events) {
        expect(InputEvent.safeParse(ev).success).toBe(true);
      }
    }
  });
});

describe('isPrintable', () => {
  it('accepts one character (astral included) and refuses named keys and controls', () => {
    expect(isPrintable('a')).toBe(true);
    expect(isPrintable('😀')).toBe(true);
    expect(isPrintable('ArrowUp')).toBe(false);
    expect(isPrintable('ab')).toBe(false);
    expect(isPrintable('\u0007')).toBe(false);
    expect(isPrintable('')).toBe(false);
  });
});

describe('KeyTracker', () => {
  it('releases what a physical key pressed, even when modifiers changed in between', () => {
    const t = new KeyTracker(OPTS);
    expect(t.keyDown(key('ControlLeft', 'Control', { ctrlKey: true })).events).toEqual([
      { type: 'key', code: 'ControlLeft', down: true },
    ]);
    expect(t.keyDown(key('KeyQ', 'a', { ctrlKey: true })).events).toEqual([
      { type: 'key', code: 'KeyA', down: true },
    ]);
    expect(t.keyUp({ code: 'ControlLeft' })).toEqual([{ type: 'key', code: 'ControlLeft', down: false }]);
    expect(t.keyUp({ code: 'KeyQ' })).toEqual([{ type: 'key', code: 'KeyA', down: false }]);
    expect(t.held()).toEqual([]);
  });

  it('sends text without key events, and a key up only for keys it sent down', () => {
    const t = new KeyTracker(OPTS);
    expect(t.keyDown(key('KeyB', 'b')).events).toEqual([{ type: 'text', text: 'b' }]);
    expect(t.keyUp({ code: 'KeyB' })).toEqual([]);
  });

  it('repeats a held key as more presses and releases all on blur', () => {
    const t = new KeyTracker(OPTS);
    t.keyDown(key('ArrowDown', 'ArrowDown'));
    expect(t.keyDown(key('ArrowDown', 'ArrowDown', { repeat: true })).events).toEqual([
      { type: 'key', code: 'ArrowDown', down: true },
    ]);
    expect(t.held()).toEqual(['ArrowDown']);
    expect(t.releaseAll()).toEqual([{ type: 'release.all' }]);
    expect(t.keyUp({ code: 'ArrowDown' })).toEqual([]);
  });
});
