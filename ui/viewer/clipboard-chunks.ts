/**
 * Clipboard text in parts over the `clipboard` channel (protocol/data/clipboard.ts), both ways.
 *
 * Sending: clip.begin (total length first, so the receiver can refuse before buffering), parts,
 * clip.end. A part holds at most CLIPBOARD_PART_CHARS characters AND its JSON stays under the
 * payload limit (JSON escapes a control character as six bytes, so a part of 256 Ki awkward
 * characters is split again), and a surrogate pair is never cut in two. Text longer than
 * CLIPBOARD_MAX_CHARS is refused here with a clear reason, never sent.
 *
 * Receiving: ClipAssembler follows one clip at a time; a total over the limit is refused at
 * clip.begin (the answer is a clip.error for the sender), parts beyond the announced total or for
 * another clip are dropped, and the text is delivered at clip.end only when it is complete.
 */
import {
  CLIPBOARD_MAX_CHARS,
  CLIPBOARD_PART_CHARS,
  type ClipboardMessage,
} from '../../protocol/data/clipboard';
import { encodeJsonPayload, JSON_PAYLOAD_MAX_BYTES } from '../../protocol/data/json-payload';

export type SplitResult =
  { ok: true; messages: ClipboardMessage[] } | { ok: false; code: 'too_large'; chars: number; max: number };

/** Splits `text` into the messages of clip `clipId`. */
export function splitClip(
  text: string,
  clipId: number,
  partChars = CLIPBOARD_PART_CHARS,
  maxPayloadBytes = JSON_PAYLOAD_MAX_BYTES,
): SplitResult {
  if (text.length > CLIPBOARD_MAX_CHARS) {
    return { ok: false, code: 'too_large', chars: text.length, max: CLIPBOARD_MAX_CHARS };
  }
  const messages: ClipboardMessage[] = [{ type: 'clip.begin', clipId, totalChars: text.length }];
  let at = 0;
  while (at < text.length) {
    let n = Math.min(partChars, text.length - at);
    for (;;) {
      n = avoidSplitPair(text, at, n);
      const part: ClipboardMessage = { type: 'clip.part', clipId, text: text.slice(at, at + n) };
      if (n <= 1 || encodeJsonPayload(part).byteLength <= maxPayloadBytes) {
        messages.push(part);
        break;
      }
      n = Math.ceil(n / 2);
    }
    at += n;
  }
  messages.push({ type: 'clip.end', clipId });
  return { ok: true, messages };
}

/** Shortens a part by one when it would end between the two halves of a surrogate pair. */
function avoidSplitPair(text: string, at: number, n: number): number {
  if (n < 2 || at + n >= text.length) return n;
  const last = text.charCodeAt(at + n - 1);
  return last >= 0xd800 && last <= 0xdbff ? n - 1 : n;
}

export type AssemblerOutput =
  | { kind: 'clip'; text: string }
  /** The incoming clip is refused; send `reply` to the peer and show `chars`/`max` to the agent. */
  | { kind: 'refused'; reply: ClipboardMessage; chars: number; max: number }
  | { kind: 'error'; code: 'too_large' | 'not_granted' | 'unavailable'; message: string }
  | { kind: 'request' }
  | null;

export class ClipAssembler {
  private current: { clipId: number; total: number; parts: string[]; length: number } | null = null;

  constructor(private readonly maxChars = CLIPBOARD_MAX_CHARS) {}

  receive(msg: ClipboardMessage): AssemblerOutput {
    switch (msg.type) {
      case 'clip.begin': {
        this.current = null;
        if (msg.totalChars > this.maxChars) {
          return {
            kind: 'refused',
            chars: msg.totalChars,
            max: this.maxChars,
            reply: {
              type: 'clip.error',
              code: 'too_large',
              message: `clipboard text of ${msg.totalChars} characters; at most ${this.maxChars} are shared`,
            },
          };
        }
        this.current = { clipId: msg.clipId, total: msg.totalChars, parts: [], length: 0 };
        return null;
      }
      case 'clip.part': {
        const c = this.current;
        if (!c || c.clipId !== msg.clipId) return null;
        if (c.length + msg.text.length > c.total) {
          this.current = null; // longer than announced: the clip is broken, drop it whole
          return null;
        }
        c.parts.push(msg.text);
        c.length += msg.text.length;
        return null;
      }
      case 'clip.end': {
        const c = this.current;
        if (!c || c.clipId !== msg.clipId) return null;
        this.current = null;
        if (c.length !== c.total) return null;
        return { kind: 'clip', text: c.parts.join('') };
      }
      case 'clip.request':
        return { kind: 'request' };
      case 'clip.error':
        return { kind: 'error', code: msg.code, message: msg.message };
    }
  }
}
