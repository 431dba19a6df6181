/**
 * Characters to X keysyms, for typing text independent of the customer's layout. Latin-1 keysyms
 * equal their code points; other characters have either a legacy keysym (EuroSign 0x20ac, Greek,
 * Cyrillic, kana...) or the Unicode keysym 0x01000000 + code point, which every modern X client
 * understands. A keymap may hold either form, so both are candidates, the one to bind on a spare
 * keycode first.
 */
import keysymTable from 'x11/lib/keysyms.js';

/** X keysyms for Unicode characters outside Latin-1: 0x01000000 + code point. */
const UNICODE_KEYSYM_BASE = 0x01000000;

const CONTROL_KEYSYMS = new Map<number, number>([
  [0x0a, 0xff0d], // newline -> Return
  [0x0d, 0xff0d], // carriage return -> Return
  [0x09, 0xff09], // tab -> Tab
  [0x08, 0xff08], // backspace -> BackSpace
]);

let legacyByCodePoint: Map<number, number> | null = null;

/** Code point -> legacy (pre-Unicode) keysym, built once from the keysym table's descriptions. */
function legacyKeysyms(): Map<number, number> {
  if (legacyByCodePoint) return legacyByCodePoint;
  const map = new Map<number, number>();
  for (const entry of Object.values(keysymTable)) {
    if (typeof entry !== 'object' || typeof entry.code !== 'number' || typeof entry.description !== 'string')
      continue;
    if (entry.code >= UNICODE_KEYSYM_BASE || entry.code < 0x100) continue;
    const m = /^\((.)\)/u.exec(entry.description);
    const cp = m?.[1]?.codePointAt(0);
    // First entry wins: keysymdef.h lists the preferred name before its aliases.
    if (cp !== undefined && !map.has(cp)) map.set(cp, entry.code);
  }
  legacyByCodePoint = map;
  return map;
}

/**
 * Keysyms that produce `char` (one code point), best first; empty for control characters we do
 * not type (NUL, escape, ...).
 */
export function keysymsForChar(char: string): number[] {
  const cp = char.codePointAt(0);
  if (cp === undefined) return [];
  const control = CONTROL_KEYSYMS.get(cp);
  if (control !== undefined) return [control];
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return [];
  if (cp <= 0xff) return [cp];
  const legacy = legacyKeysyms().get(cp);
  return legacy !== undefined ? [legacy, UNICODE_KEYSYM_BASE + cp] : [UNICODE_KEYSYM_BASE + cp];
}
