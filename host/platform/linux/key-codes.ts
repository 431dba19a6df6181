/**
 * KeyboardEvent.code (the viewer's physical key) to X keysyms. The helper finds the customer's
 * keycode by looking these keysyms up in the server's current keyboard mapping (never by hard-coded
 * keycodes, which differ between X servers and drivers). Each code lists candidates in order of
 * preference: the numpad lists its NumLock-off keysym first (that is what column 0 of a keypad key
 * holds), then the digit, so the lookup lands on the keypad key either way.
 */

/** Keysym values from X11/keysymdef.h, named for reading. */
export const XK = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Pause: 0xff13,
  Scroll_Lock: 0xff14,
  Escape: 0xff1b,
  Home: 0xff50,
  Left: 0xff51,
  Up: 0xff52,
  Right: 0xff53,
  Down: 0xff54,
  Prior: 0xff55,
  Next: 0xff56,
  End: 0xff57,
  Print: 0xff61,
  Insert: 0xff63,
  Menu: 0xff67,
  Num_Lock: 0xff7f,
  KP_Enter: 0xff8d,
  KP_Home: 0xff95,
  KP_Left: 0xff96,
  KP_Up: 0xff97,
  KP_Right: 0xff98,
  KP_Down: 0xff99,
  KP_Prior: 0xff9a,
  KP_Next: 0xff9b,
  KP_End: 0xff9c,
  KP_Begin: 0xff9d,
  KP_Insert: 0xff9e,
  KP_Delete: 0xff9f,
  KP_Equal: 0xffbd,
  KP_Multiply: 0xffaa,
  KP_Add: 0xffab,
  KP_Separator: 0xffac,
  KP_Subtract: 0xffad,
  KP_Decimal: 0xffae,
  KP_Divide: 0xffaf,
  KP_0: 0xffb0,
  F1: 0xffbe,
  Shift_L: 0xffe1,
  Shift_R: 0xffe2,
  Control_L: 0xffe3,
  Control_R: 0xffe4,
  Caps_Lock: 0xffe5,
  Meta_L: 0xffe7,
  Meta_R: 0xffe8,
  Alt_L: 0xffe9,
  Alt_R: 0xffea,
  Super_L: 0xffeb,
  Super_R: 0xffec,
  ISO_Level3_Shift: 0xfe03,
  Delete: 0xffff,
} as const;

function buildTable(): ReadonlyMap<string, readonly number[]> {
  const t = new Map<string, readonly number[]>();
  for (let i = 0; i < 26; i++) t.set(`Key${String.fromCharCode(65 + i)}`, [0x61 + i]);
  for (let i = 0; i < 10; i++) t.set(`Digit${i}`, [0x30 + i]);
  for (let i = 1; i <= 24; i++) t.set(`F${i}`, [XK.F1 + i - 1]);
  const punctuation: [string, string][] = [
    ['Minus', '-'],
    ['Equal', '='],
    ['BracketLeft', '['],
    ['BracketRight', ']'],
    ['Backslash', '\\'],
    ['Semicolon', ';'],
    ['Quote', "'"],
    ['Backquote', '`'],
    ['Comma', ','],
    ['Period', '.'],
    ['Slash', '/'],
    ['IntlBackslash', '<'],
    ['Space', ' '],
  ];
  for (const [code, ch] of punctuation) t.set(code, [ch.charCodeAt(0)]);
  const named: [string, number[]][] = [
    ['Enter', [XK.Return]],
    ['Tab', [XK.Tab]],
    ['Backspace', [XK.BackSpace]],
    ['Escape', [XK.Escape]],
    ['Delete', [XK.Delete]],
    ['Insert', [XK.Insert]],
    ['Home', [XK.Home]],
    ['End', [XK.End]],
    ['PageUp', [XK.Prior]],
    ['PageDown', [XK.Next]],
    ['ArrowLeft', [XK.Left]],
    ['ArrowUp', [XK.Up]],
    ['ArrowRight', [XK.Right]],
    ['ArrowDown', [XK.Down]],
    ['ShiftLeft', [XK.Shift_L]],
    ['ShiftRight', [XK.Shift_R]],
    ['ControlLeft', [XK.Control_L]],
    ['ControlRight', [XK.Control_R]],
    ['AltLeft', [XK.Alt_L]],
    ['AltRight', [XK.Alt_R, XK.ISO_Level3_Shift]],
    ['MetaLeft', [XK.Super_L, XK.Meta_L]],
    ['MetaRight', [XK.Super_R, XK.Meta_R]],
    // Older browsers' names for the Windows/Super keys.
    ['OSLeft', [XK.Super_L, XK.Meta_L]],
    ['OSRight', [XK.Super_R, XK.Meta_R]],
    ['CapsLock', [XK.Caps_Lock]],
    ['NumLock', [XK.Num_Lock]],
    ['ScrollLock', [XK.Scroll_Lock]],
    ['Pause', [XK.Pause]],
    ['PrintScreen', [XK.Print]],
    ['ContextMenu', [XK.Menu]],
    ['NumpadEnter', [XK.KP_Enter]],
    ['NumpadAdd', [XK.KP_Add]],
    ['NumpadSubtract', [XK.KP_Subtract]],
    ['NumpadMultiply', [XK.KP_Multiply]],
    ['NumpadDivide', [XK.KP_Divide]],
    ['NumpadEqual', [XK.KP_Equal]],
    ['NumpadComma', [XK.KP_Separator]],
    ['NumpadDecimal', [XK.KP_Delete, XK.KP_Decimal]],
    ['Numpad0', [XK.KP_Insert, XK.KP_0]],
    ['Numpad1', [XK.KP_End, XK.KP_0 + 1]],
    ['Numpad2', [XK.KP_Down, XK.KP_0 + 2]],
    ['Numpad3', [XK.KP_Next, XK.KP_0 + 3]],
    ['Numpad4', [XK.KP_Left, XK.KP_0 + 4]],
    ['Numpad5', [XK.KP_Begin, XK.KP_0 + 5]],
    ['Numpad6', [XK.KP_Right, XK.KP_0 + 6]],
    ['Numpad7', [XK.KP_Home, XK.KP_0 + 7]],
    ['Numpad8', [XK.KP_Up, XK.KP_0 + 8]],
    ['Numpad9', [XK.KP_Prior, XK.KP_0 + 9]],
  ];
  for (const [code, syms] of named) t.set(code, syms);
  return t;
}

const TABLE = buildTable();

/** Every KeyboardEvent.code the helper understands. */
export const KNOWN_KEY_CODES: readonly string[] = [...TABLE.keys()];

/** Keysym candidates for a KeyboardEvent.code, or null for a code we do not know. */
export function keysymsForCode(code: string): readonly number[] | null {
  return TABLE.get(code) ?? null;
}
