/**
 * From the agent's keyboard events to the `input` channel, by one rule (docs/viewer.md):
 *
 *   - a key that produces a CHARACTER with no shortcut modifier held (plain or Shift or AltGr:
 *     letters, digits, punctuation, "é" on a French layout, "ß" on a German one) is sent as
 *     `text`: the customer gets the character the agent sees on their own keycap, whatever the
 *     two keyboard layouts are;
 *   - characters that come from composition (IME, dead keys: ^ then e) are left to the browser
 *     and sent as `text` when composed (the capture layer listens for the result);
 *   - every other key is sent as `key` by its physical code (KeyboardEvent.code) with down and
 *     up: arrows, Enter, Tab, Backspace, Escape, F1-F24, Home/End/PageUp/PageDown, Insert/Delete,
 *     modifiers, Space, every keypad key (Numpad0-9 stay keypad keys on the remote side), and
 *     shortcuts (a character key while Ctrl, Alt or Meta is held). For a shortcut on a letter or
 *     digit the code follows the character the agent's layout gives (Ctrl+A on an AZERTY
 *     keyboard is KeyQ physically, sent as KeyA), so "select all" stays "select all".
 *
 * Options: without `passSystemKeys`, the Meta (Windows/Super/Command) keys and combinations with
 * them stay with the agent's own system; the viewer's own shortcuts (Ctrl+Alt+Shift+F/S/Z) work
 * only while `viewerShortcuts` is on, otherwise they too go to the remote side.
 *
 * KeyTracker remembers which code each physical key sent on its way down, so the matching up is
 * sent even if modifiers changed in between, and nothing is left pressed by releaseAll().
 */
import type { InputEvent } from '../../protocol/data/input';
import { KeyCode } from '../../protocol/data/input';

/** The fields of a KeyboardEvent the mapping reads (so tests need no DOM). */
export interface KeyInfo {
  code: string;
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  repeat: boolean;
  isComposing: boolean;
  /** Legacy keyCode (229 during composition in some browsers). */
  keyCode: number;
  /** getModifierState('AltGraph'): the third-level key is held (AltGr), not a shortcut. */
  altGraph: boolean;
}

export interface KeyOptions {
  passSystemKeys: boolean;
  viewerShortcuts: boolean;
}

export type ViewerShortcut = 'fullscreen' | 'screenshot' | 'scale';

/** The viewer's own shortcuts: Ctrl+Alt+Shift + these physical keys. */
export const VIEWER_SHORTCUTS: Readonly<Record<string, ViewerShortcut>> = {
  KeyF: 'fullscreen',
  KeyS: 'screenshot',
  KeyZ: 'scale',
};

export type KeyAction =
  | { kind: 'key'; code: string }
  | { kind: 'text'; text: string }
  | { kind: 'shortcut'; shortcut: ViewerShortcut }
  /** Leave the event to the browser (composition, dead keys): the character arrives later. */
  | { kind: 'browser' }
  /** Swallow: nothing is sent, and the browser does nothing either. */
  | { kind: 'drop' };

/** keyCode browsers report for keys that go to an input method. */
const IME_KEYCODE = 229;
const META_CODES = new Set(['MetaLeft', 'MetaRight', 'OSLeft', 'OSRight']);

/** One printable character (one code point, not a control character). */
export function isPrintable(key: string): boolean {
  if (key.length === 0 || key.length > 2) return false;
  const cp = key.codePointAt(0)!;
  if (String.fromCodePoint(cp) !== key) return false; // two characters, not one astral one
  return cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0);
}

function isValidCode(code: string): boolean {
  return KeyCode.safeParse(code).success;
}

/** The code a shortcut on a character key sends: the letter or digit the agent's layout shows. */
function shortcutCode(info: KeyInfo): string {
  if (info.key.length === 1) {
    const c = info.key.toUpperCase();
    if (c >= 'A' && c <= 'Z') return `Key${c}`;
    if (c >= '0' && c <= '9' && !info.code.startsWith('Numpad')) return `Digit${c}`;
  }
  return info.code;
}

/** What to do with a keydown. */
export function keyDownAction(info: KeyInfo, options: KeyOptions): KeyAction {
  if (info.isComposing || info.keyCode === IME_KEYCODE || info.key === 'Process') return { kind: 'browser' };
  if (info.key === 'Dead') return { kind: 'browser' };
  const isMetaKey = META_CODES.has(info.code);
  if (!options.passSystemKeys && (isMetaKey || info.metaKey)) return { kind: 'drop' };
  if (
    options.viewerShortcuts &&
    info.ctrlKey &&
    info.altKey &&
    info.shiftKey &&
    !info.metaKey &&
    VIEWER_SHORTCUTS[info.code] !== undefined
  ) {
    return { kind: 'shortcut', shortcut: VIEWER_SHORTCUTS[info.code]! };
  }
  const shortcutHeld = (info.ctrlKey || info.altKey || info.metaKey) && !info.altGraph;
  const keypad = info.code.startsWith('Numpad');
  if (isPrintable(info.key) && !keypad && info.code !== 'Space') {
    if (!shortcutHeld) return { kind: 'text', text: info.key };
    const code = shortcutCode(info);
    return isValidCode(code) ? { kind: 'key', code } : { kind: 'drop' };
  }
  if (isValidCode(info.code)) return { kind: 'key', code: info.code };
  // No usable physical code (some virtual keyboards): a character can still be typed.
  return isPrintable(info.key) ? { kind: 'text', text: info.key } : { kind: 'drop' };
}

/** Turns keydown/keyup into input events, remembering what is down. */
export class KeyTracker {
  /** Physical code -> code sent on its way down. */
  private readonly down = new Map<string, string>();

  constructor(private options: KeyOptions) {}

  setOptions(options: KeyOptions): void {
    this.options = options;
  }

  /** Events for a keydown, and what the capture layer does with the DOM event. */
  keyDown(info: KeyInfo): { action: KeyAction; events: InputEvent[] } {
    const action = keyDownAction(info, this.options);
    if (action.kind === 'text') return { action, events: [{ type: 'text', text: action.text }] };
    if (action.kind !== 'key') return { action, events: [] };
    const physical = info.code || action.code;
    const previous = this.down.get(physical);
    const events: InputEvent[] = [];
    // The same physical key now means another code (a modifier changed mid-press): release the old.
    if (previous !== undefined && previous !== action.code)
      events.push({ type: 'key', code: previous, down: false });
    this.down.set(physical, action.code);
    // A repeat is sent as another press: the remote side repeats as the agent's keyboard does.
    events.push({ type: 'key', code: action.code, down: true });
    return { action, events };
  }

  /** Events for a keyup: the release of what this physical key pressed, if anything. */
  keyUp(info: Pick<KeyInfo, 'code'>): InputEvent[] {
    const sent = this.down.get(info.code);
    if (sent === undefined) return [];
    this.down.delete(info.code);
    return [{ type: 'key', code: sent, down: false }];
  }

  /** Codes currently held on the remote side. */
  held(): string[] {
    return [...this.down.values()];
  }

  /** Forget everything pressed (the helper is told with release.all). */
  releaseAll(): InputEvent[] {
    this.down.clear();
    return [{ type: 'release.all' }];
  }
}
