/** Clipboard text in parts: limits, JSON size, surrogate pairs, refusal before buffering. */
import { describe, expect, it } from 'vitest';
import {
  ClipboardMessage,
  CLIPBOARD_MAX_CHARS,
  CLIPBOARD_PART_CHARS,
} from '../../../protocol/data/clipboard';
import { encodeJsonPayload, JSON_PAYLOAD_MAX_BYTES } from '../../../protocol/data/json-payload';
import { ClipAssembler, splitClip } from '../../../ui/viewer/clipboard-chunks';

function roundTrip(text: string): string | null {
  const split = splitClip(text, 9);
  if (!split.ok) throw new Error('refused');
  const asm = new ClipAssembler();
  let out: string | null = null;
  for (const m of split.messages) {
    expect(ClipboardMessage.safeParse(m).success).toBe(true);
    expect(encodeJsonPayload(m).byteLength).toBeLessThanOrEqual(JSON_PAYLOAD_MAX_BYTES);
    const r = asm.receive(m);
    if (r?.kind === 'clip') out = r.text;
  }
  return out;
}

describe('splitClip', () => {
  it('sends a short text as begin, one part, end', () => {
    const split = splitClip('hello', 3);
    expect(split).toEqual({
      ok: true,
      messages: [
        { type: 'clip.begin', clipId: 3, totalChars: 5 },
        { type: 'clip.part', clipId: 3, text: 'hello' },
        { type: 'clip.end', clipId: 3 },
      ],
    });
  });

  it('splits 1 MB of text into parts of at most CLIPBOARD_PART_CHARS, and it comes back whole', () => {
    const text = 'x'.repeat(1024 * 1024 - 3) + 'end';
    const split = splitClip(text, 1);
    expect(split.ok && split.messages.length).toBe(2 + Math.ceil(text.length / CLIPBOARD_PART_CHARS));
    expect(roundTrip(text)).toBe(text);
  });

  it('splits again when JSON escaping would make a part too large for a frame', () => {
    const text = '\u0001'.repeat(CLIPBOARD_PART_CHARS); // six bytes each in JSON
    const split = splitClip(text, 1);
    expect(split.ok && split.messages.length).toBeGreaterThan(3);
    expect(roundTrip(text)).toBe(text);
  });

  it('never cuts a surrogate pair between two parts', () => {
    const text = 'a' + '😀'.repeat(10);
    const split = splitClip(text, 1, 4);
    if (!split.ok) throw new Error('refused');
    for (const m of split.messages) {
      if (m.type !== 'clip.part') continue;
      expect(/^[\uDC00-\uDFFF]/.test(m.text)).toBe(false);
      expect(/[\uD800-\uDBFF]$/.test(m.text)).toBe(false);
    }
  });

  it('refuses text over the limit without sending anything', () => {
    expect(splitClip('y'.repeat(CLIPBOARD_MAX_CHARS + 1), 1)).toEqual({
      ok: false,
      code: 'too_large',
      chars: CLIPBOARD_MAX_CHARS + 1,
      max: CLIPBOARD_MAX_CHARS,
    });
    expect(roundTrip('')).toBe('');
  });
});

describe('ClipAssembler', () => {
  it('refuses an announced total over its limit at clip.begin, with a reply for the sender', () => {
    const asm = new ClipAssembler(10);
    const r = asm.receive({ type: 'clip.begin', clipId: 1, totalChars: 11 });
    expect(r).toMatchObject({
      kind: 'refused',
      chars: 11,
      max: 10,
      reply: { type: 'clip.error', code: 'too_large' },
    });
    // Its parts are then ignored: nothing is buffered.
    expect(asm.receive({ type: 'clip.part', clipId: 1, text: 'x'.repeat(11) })).toBeNull();
    expect(asm.receive({ type: 'clip.end', clipId: 1 })).toBeNull();
  });

  it('drops a clip whose parts exceed the announced total or end short', () => {
    const asm = new ClipAssembler();
    asm.receive({ type: 'clip.begin', clipId: 1, totalChars: 3 });
    expect(asm.receive({ type: 'clip.part', clipId: 1, text: 'abcd' })).toBeNull();
    expect(asm.receive({ type: 'clip.end', clipId: 1 })).toBeNull();
    asm.receive({ type: 'clip.begin', clipId: 2, totalChars: 3 });
    asm.receive({ type: 'clip.part', clipId: 2, text: 'ab' });
    expect(asm.receive({ type: 'clip.end', clipId: 2 })).toBeNull();
  });

  it('ignores parts of another clip and lets a new begin replace an unfinished clip', () => {
    const asm = new ClipAssembler();
    asm.receive({ type: 'clip.begin', clipId: 1, totalChars: 2 });
    asm.receive({ type: 'clip.part', clipId: 7, text: 'zz' });
    asm.receive({ type: 'clip.begin', clipId: 2, totalChars: 2 });
    asm.receive({ type: 'clip.part', clipId: 2, text: 'ok' });
    expect(asm.receive({ type: 'clip.end', clipId: 1 })).toBeNull();
    expect(asm.receive({ type: 'clip.end', clipId: 2 })).toEqual({ kind: 'clip', text: 'ok' });
  });

  it('passes requests and errors through', () => {
    const asm = new ClipAssembler();
    expect(asm.receive({ type: 'clip.request' })).toEqual({ kind: 'request' });
    expect(asm.receive({ type: 'clip.error', code: 'not_granted', message: 'no' })).toEqual({
      kind: 'error',
      code: 'not_granted',
      message: 'no',
    });
  });
});
