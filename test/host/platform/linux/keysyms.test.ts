import { describe, expect, it } from 'vitest';
import { argbPremultipliedToRgba, toCursorImage } from '../../../../host/platform/linux/cursor-image';
import { KNOWN_KEY_CODES, keysymsForCode, XK } from '../../../../host/platform/linux/key-codes';
import { orderMonitors, parseGetMonitorsReply } from '../../../../host/platform/linux/randr-monitors';
import { keysymsForChar } from '../../../../host/platform/linux/unicode-keysym';

describe('keysymsForChar', () => {
  it('uses Latin-1 keysyms for Latin-1 characters', () => {
    expect(keysymsForChar('a')).toEqual([0x61]);
    expect(keysymsForChar('é')).toEqual([0xe9]);
    expect(keysymsForChar('ü')).toEqual([0xfc]);
  });

  it('offers the legacy keysym first, then the Unicode one', () => {
    expect(keysymsForChar('€')).toEqual([0x20ac, 0x10020ac]);
    expect(keysymsForChar('Ω')).toEqual([0x7d9, 0x10003a9]);
  });

  it('uses Unicode keysyms for everything else, including astral characters', () => {
    expect(keysymsForChar('日')).toEqual([0x10065e5]);
    expect(keysymsForChar('😀')).toEqual([0x101f600]);
  });

  it('types newline and tab as keys and drops other control characters', () => {
    expect(keysymsForChar('\n')).toEqual([XK.Return]);
    expect(keysymsForChar('\t')).toEqual([XK.Tab]);
    expect(keysymsForChar('\u0000')).toEqual([]);
    expect(keysymsForChar('\u001b')).toEqual([]);
    expect(keysymsForChar('\u0085')).toEqual([]);
  });
});

describe('keysymsForCode', () => {
  it('knows every key a viewer sends', () => {
    const required = [
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((c) => `Key${c}`),
      ...'0123456789'.split('').map((d) => `Digit${d}`),
      ...Array.from({ length: 24 }, (_, i) => `F${i + 1}`),
      ...'Minus Equal BracketLeft BracketRight Backslash Semicolon Quote Backquote Comma Period Slash'.split(
        ' ',
      ),
      ...'ArrowLeft ArrowRight ArrowUp ArrowDown Home End PageUp PageDown Insert Delete'.split(' '),
      ...'Backspace Tab Enter Escape Space CapsLock NumLock PrintScreen ContextMenu'.split(' '),
      ...'ShiftLeft ShiftRight ControlLeft ControlRight AltLeft AltRight MetaLeft MetaRight'.split(' '),
      ...'0123456789'.split('').map((d) => `Numpad${d}`),
      ...'NumpadEnter NumpadDecimal NumpadAdd NumpadSubtract NumpadMultiply NumpadDivide'.split(' '),
    ];
    for (const code of required) {
      expect(KNOWN_KEY_CODES).toContain(code);
      expect(keysymsForCode(code)!.length).toBeGreaterThan(0);
    }
    expect(keysymsForCode('KeyQ')).toEqual([0x71]);
    expect(keysymsForCode('F24')).toEqual([0xffd5]);
    expect(keysymsForCode('Numpad7')).toEqual([XK.KP_Home, 0xffb7]);
    expect(keysymsForCode('NoSuchKey')).toBeNull();
  });
});

describe('cursor images', () => {
  it('turns premultiplied BGRA words into straight RGBA', () => {
    // opaque red, transparent, half-transparent white (premultiplied 128,128,128,128)
    const argb = Uint8Array.from([0, 0, 255, 255, 9, 9, 9, 0, 128, 128, 128, 128]);
    expect([...argbPremultipliedToRgba(argb, 3, 1)]).toEqual([
      255, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 128,
    ]);
  });

  it('drops empty and absurdly large cursors', () => {
    const base = { xhot: 0, yhot: 0, cursorSerial: 7, cursorImage: new Uint8Array(0) };
    expect(toCursorImage({ ...base, width: 0, height: 0 })).toBeNull();
    expect(toCursorImage({ ...base, width: 1000, height: 16 })).toBeNull();
    const img = toCursorImage({
      ...base,
      width: 1,
      height: 1,
      xhot: 5,
      cursorImage: Uint8Array.from([1, 2, 3, 255]),
    });
    expect(img).toEqual({
      width: 1,
      height: 1,
      hotX: 0,
      hotY: 0,
      rgba: Uint8Array.from([3, 2, 1, 255]),
      serial: 7,
    });
  });
});

describe('RandR monitors', () => {
  it('parses GetMonitors replies and puts the primary monitor first', () => {
    const body = Buffer.alloc(24 + 2 * 24 + 4);
    body.writeUInt32LE(2, 4);
    // monitor 1: atom 300, not primary, one output, 1920x1080 at 1920,0
    body.writeUInt32LE(300, 24);
    body.writeUInt16LE(1, 30);
    body.writeInt16LE(1920, 32);
    body.writeUInt16LE(1920, 36);
    body.writeUInt16LE(1080, 38);
    // monitor 2 follows the output list: atom 301, primary, at 0,0 1280x1024
    const m2 = 24 + 24 + 4;
    body.writeUInt32LE(301, m2);
    body.writeUInt8(1, m2 + 4);
    body.writeUInt16LE(1280, m2 + 12);
    body.writeUInt16LE(1024, m2 + 14);
    const raw = parseGetMonitorsReply(body);
    expect(raw).toEqual([
      { nameAtom: 300, primary: false, x: 1920, y: 0, width: 1920, height: 1080 },
      { nameAtom: 301, primary: true, x: 0, y: 0, width: 1280, height: 1024 },
    ]);
    const ordered = orderMonitors(
      raw.map((m) => ({
        name: String(m.nameAtom),
        primary: m.primary,
        bounds: { x: m.x, y: m.y, width: m.width, height: m.height },
      })),
    );
    expect(ordered.map((m) => [m.id, m.name, m.primary])).toEqual([
      [0, '301', true],
      [1, '300', false],
    ]);
    expect(() => parseGetMonitorsReply(body.subarray(0, 40))).toThrow(/truncated/);
  });
});
