/**
 * KeyboardEvent.code (the viewer's physical key) to the PC keyboard's scan code (set 1), which is
 * what Windows itself receives from a physical keyboard: SendInput with KEYEVENTF_SCANCODE lets
 * the customer's own layout turn it into a virtual key, so the key at the position of the agent's
 * "Q" is pressed whatever the layouts. `extended` keys are the ones whose scan code comes after
 * the 0xE0 prefix (KEYEVENTF_EXTENDEDKEY): right Ctrl and Alt, the arrows and the block above them,
 * the Windows keys, numpad Enter and Divide. Pause and NumLock have no plain scan code Windows
 * maps back reliably, so they go by virtual key (`vk`).
 */
export interface ScanKey {
  scan: number;
  extended: boolean;
  /** Sent by virtual key instead of scan code. */
  vk?: number;
}

const LETTERS = 'QWERTYUIOP|ASDFGHJKL|ZXCVBNM';
/** First scan code of each letter row: Q 0x10, A 0x1E, Z 0x2C. */
const ROW_STARTS = [0x10, 0x1e, 0x2c];

function buildTable(): ReadonlyMap<string, ScanKey> {
  const t = new Map<string, ScanKey>();
  const plain = (code: string, scan: number) => t.set(code, { scan, extended: false });
  const extended = (code: string, scan: number) => t.set(code, { scan, extended: true });
  LETTERS.split('|').forEach((row, r) =>
    [...row].forEach((letter, i) => plain(`Key${letter}`, ROW_STARTS[r]! + i)),
  );
  for (let d = 1; d <= 9; d++) plain(`Digit${d}`, 0x01 + d);
  plain('Digit0', 0x0b);
  for (let f = 1; f <= 10; f++) plain(`F${f}`, 0x3a + f);
  plain('F11', 0x57);
  plain('F12', 0x58);
  for (let f = 13; f <= 23; f++) plain(`F${f}`, 0x64 + f - 13);
  plain('F24', 0x76);
  const plains: [string, number][] = [
    ['Escape', 0x01],
    ['Minus', 0x0c],
    ['Equal', 0x0d],
    ['Backspace', 0x0e],
    ['Tab', 0x0f],
    ['BracketLeft', 0x1a],
    ['BracketRight', 0x1b],
    ['Enter', 0x1c],
    ['ControlLeft', 0x1d],
    ['Semicolon', 0x27],
    ['Quote', 0x28],
    ['Backquote', 0x29],
    ['ShiftLeft', 0x2a],
    ['Backslash', 0x2b],
    ['Comma', 0x33],
    ['Period', 0x34],
    ['Slash', 0x35],
    ['ShiftRight', 0x36],
    ['NumpadMultiply', 0x37],
    ['AltLeft', 0x38],
    ['Space', 0x39],
    ['CapsLock', 0x3a],
    ['ScrollLock', 0x46],
    ['Numpad7', 0x47],
    ['Numpad8', 0x48],
    ['Numpad9', 0x49],
    ['NumpadSubtract', 0x4a],
    ['Numpad4', 0x4b],
    ['Numpad5', 0x4c],
    ['Numpad6', 0x4d],
    ['NumpadAdd', 0x4e],
    ['Numpad1', 0x4f],
    ['Numpad2', 0x50],
    ['Numpad3', 0x51],
    ['Numpad0', 0x52],
    ['NumpadDecimal', 0x53],
    ['IntlBackslash', 0x56],
    ['NumpadEqual', 0x59],
    ['NumpadComma', 0x7e],
  ];
  for (const [code, scan] of plains) plain(code, scan);
  const extendeds: [string, number][] = [
    ['NumpadEnter', 0x1c],
    ['ControlRight', 0x1d],
    ['NumpadDivide', 0x35],
    ['PrintScreen', 0x37],
    ['AltRight', 0x38],
    ['Home', 0x47],
    ['ArrowUp', 0x48],
    ['PageUp', 0x49],
    ['ArrowLeft', 0x4b],
    ['ArrowRight', 0x4d],
    ['End', 0x4f],
    ['ArrowDown', 0x50],
    ['PageDown', 0x51],
    ['Insert', 0x52],
    ['Delete', 0x53],
    ['MetaLeft', 0x5b],
    ['MetaRight', 0x5c],
    ['OSLeft', 0x5b],
    ['OSRight', 0x5c],
    ['ContextMenu', 0x5d],
  ];
  for (const [code, scan] of extendeds) extended(code, scan);
  t.set('Pause', { scan: 0x45, extended: false, vk: 0x13 });
  t.set('NumLock', { scan: 0x45, extended: true, vk: 0x90 });
  return t;
}

const TABLE = buildTable();

/** Every KeyboardEvent.code the Windows backend can press. */
export const WINDOWS_KEY_CODES: readonly string[] = [...TABLE.keys()];

export function scanKeyFor(code: string): ScanKey | null {
  return TABLE.get(code) ?? null;
}
