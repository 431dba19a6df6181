/**
 * The clipboard channel with one viewer: parts, the size limit (refused with a clear clip.error
 * before anything is buffered), consent, and the way back in parts that each fit one frame.
 * Fake platform (in-memory clipboard); the X11 CLIPBOARD is tested in test/e2e/host/platform.
 */
import { describe, expect, it } from 'vitest';
import { ClipboardMessage } from '../../../protocol/data/clipboard';
import { encodeJsonPayload, parseJsonPayload } from '../../../protocol/data/json-payload';
import { ConsentGate } from '../../../host/consent/consent-gate';
import {
  ClipboardExchange,
  splitParts,
  type ClipboardLimits,
} from '../../../host/session/clipboard-exchange';
import { fakePlatform } from './fake-platform';

const ALL = { view: true, control: true, clipboard: true, files: true, reboot: true };
const SMALL: ClipboardLimits = { maxChars: 100, partChars: 10, maxPartBytes: 200 };

async function setup(limits?: ClipboardLimits, grants = ALL) {
  const platform = fakePlatform();
  const gate = new ConsentGate(platform);
  await gate.set(grants);
  const sent: ClipboardMessage[] = [];
  const memory = { last: null as string | null };
  const ex = new ClipboardExchange(
    gate,
    (payload) => {
      const parsed = parseJsonPayload(ClipboardMessage, payload);
      if (!parsed.ok) throw new Error(`helper sent an invalid clipboard payload: ${parsed.message}`);
      sent.push(parsed.value);
    },
    memory,
    limits,
  );
  const feed = (m: ClipboardMessage) => ex.onPayload(encodeJsonPayload(m));
  return { platform, gate, ex, sent, memory, feed };
}

describe('ClipboardExchange: viewer -> helper', () => {
  it('assembles parts and writes the text at clip.end', async () => {
    const { platform, feed, memory } = await setup(SMALL);
    await feed({ type: 'clip.begin', clipId: 1, totalChars: 13 });
    await feed({ type: 'clip.part', clipId: 1, text: 'Grüße, ' });
    await feed({ type: 'clip.part', clipId: 1, text: '€ 42 !' });
    await feed({ type: 'clip.end', clipId: 1 });
    expect(platform.board.writes).toEqual(['Grüße, € 42 !']);
    expect(memory.last).toBe('Grüße, € 42 !');
  });

  it('refuses a clip over the limit at clip.begin, with too_large, and buffers none of its parts', async () => {
    const { platform, feed, sent } = await setup(SMALL);
    await feed({ type: 'clip.begin', clipId: 2, totalChars: 101 });
    expect(sent).toEqual([expect.objectContaining({ type: 'clip.error', code: 'too_large' })]);
    expect((sent[0] as { message: string }).message).toMatch(/101 characters is too large: at most 100/);
    await feed({ type: 'clip.part', clipId: 2, text: 'x'.repeat(10) });
    await feed({ type: 'clip.end', clipId: 2 });
    expect(platform.board.writes).toEqual([]);
    expect(platform.opened).not.toContain('clipboard');
  });

  it('refuses parts that add up past the announced total, and clips that end short', async () => {
    const { platform, feed, sent } = await setup(SMALL);
    await feed({ type: 'clip.begin', clipId: 3, totalChars: 5 });
    await feed({ type: 'clip.part', clipId: 3, text: 'abcdef' });
    await feed({ type: 'clip.end', clipId: 3 });
    await feed({ type: 'clip.begin', clipId: 4, totalChars: 5 });
    await feed({ type: 'clip.part', clipId: 4, text: 'abc' });
    await feed({ type: 'clip.end', clipId: 4 });
    expect(sent.map((m) => m.type === 'clip.error' && m.code)).toEqual(['too_large', 'unavailable']);
    expect(platform.board.writes).toEqual([]);
  });

  it('without the clipboard grant: not_granted, and the clipboard is never opened', async () => {
    const { platform, feed, sent, ex } = await setup(SMALL, { ...ALL, clipboard: false });
    await feed({ type: 'clip.begin', clipId: 5, totalChars: 3 });
    await feed({ type: 'clip.part', clipId: 5, text: 'abc' });
    await feed({ type: 'clip.end', clipId: 5 });
    await ex.sendLocal();
    expect(sent.map((m) => m.type === 'clip.error' && m.code)).toEqual(['not_granted', 'not_granted']);
    expect(platform.opened).not.toContain('clipboard');
  });

  it('answers a malformed payload with a clip.error and drops the clip in progress', async () => {
    const { platform, ex, feed, sent } = await setup(SMALL);
    await feed({ type: 'clip.begin', clipId: 6, totalChars: 3 });
    await ex.onPayload(new Uint8Array([0x7b, 0xff]));
    await feed({ type: 'clip.part', clipId: 6, text: 'abc' });
    await feed({ type: 'clip.end', clipId: 6 });
    expect(sent).toEqual([expect.objectContaining({ type: 'clip.error', code: 'unavailable' })]);
    expect(platform.board.writes).toEqual([]);
  });
});

describe('ClipboardExchange: helper -> viewer', () => {
  it('sends the customer clipboard on clip.request as begin, parts and end', async () => {
    const { platform, feed, sent } = await setup(SMALL);
    platform.board.text = 'x'.repeat(25);
    await feed({ type: 'clip.request' });
    expect(sent.map((m) => m.type)).toEqual([
      'clip.begin',
      'clip.part',
      'clip.part',
      'clip.part',
      'clip.end',
    ]);
    expect(sent[0]).toMatchObject({ totalChars: 25 });
    const text = sent.flatMap((m) => (m.type === 'clip.part' ? [m.text] : [])).join('');
    expect(text).toBe(platform.board.text);
  });

  it('refuses to send a clipboard over the limit, saying how large it is', async () => {
    const { platform, ex, sent } = await setup(SMALL);
    platform.board.text = 'y'.repeat(150);
    await ex.sendLocal();
    expect(sent).toEqual([expect.objectContaining({ type: 'clip.error', code: 'too_large' })]);
  });

  it('splits so every part fits its byte limit, never inside a surrogate pair', () => {
    const limits = { maxChars: 1e6, partChars: 64, maxPartBytes: 120 };
    const text = '\u0001'.repeat(30) + '😀'.repeat(40) + 'plain';
    const parts = splitParts(text, 9, limits);
    let joined = '';
    for (const p of parts) {
      expect(p.byteLength).toBeLessThanOrEqual(limits.maxPartBytes);
      const parsed = parseJsonPayload(ClipboardMessage, p);
      expect(parsed.ok).toBe(true);
      if (parsed.ok && parsed.value.type === 'clip.part') {
        const t = parsed.value.text;
        expect(/[\ud800-\udbff]$/.test(t)).toBe(false);
        joined += t;
      }
    }
    expect(joined).toBe(text);
  });

  it('1 MiB of text goes in parts under the frame limit and comes back whole', async () => {
    const { platform, feed, sent } = await setup();
    platform.board.text = 'Lifeline ✓ '.repeat(100_000).slice(0, 1024 * 1024);
    await feed({ type: 'clip.request' });
    const parts = sent.filter((m) => m.type === 'clip.part');
    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(parts.map((m) => (m.type === 'clip.part' ? m.text : '')).join('')).toBe(platform.board.text);
  });
});
