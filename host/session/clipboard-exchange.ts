/**
 * The clipboard channel with ONE viewer, both ways, through the consent gate (`clipboard`).
 *
 * Viewer -> helper: clip.begin announces the total; a total over CLIPBOARD_MAX_CHARS is refused
 * with a clear clip.error BEFORE any part is buffered, parts must belong to the open clip and may
 * not add up past the announced total, and clip.end writes the text to the customer's clipboard.
 * Helper -> viewer: the customer's clipboard (on clip.request, or when it changes) goes out as
 * begin / parts / end, each part small enough for one sealed frame once JSON-encoded.
 *
 * `shared.last` is the text both sides already agree on (written from a viewer, or sent to one),
 * so writing a viewer's clip does not bounce it straight back as a "change".
 */
import { ProtocolError } from '../../protocol/errors';
import { SEALED_PLAINTEXT_MAX_BYTES } from '../../protocol/crypto/e2e-session';
import { CLIPBOARD_MAX_CHARS, CLIPBOARD_PART_CHARS, ClipboardMessage } from '../../protocol/data/clipboard';
import { encodeJsonPayload, parseJsonPayload } from '../../protocol/data/json-payload';
import type { HandlerMap } from '../../protocol/message';
import type { ConsentGate } from '../consent/consent-gate';

type ClipError = Extract<ClipboardMessage, { type: 'clip.error' }>;

export interface ClipboardLimits {
  maxChars: number;
  partChars: number;
  /** Largest encoded part, in bytes (the sealed frame's plaintext limit). */
  maxPartBytes: number;
}

export const DEFAULT_CLIPBOARD_LIMITS: ClipboardLimits = {
  maxChars: CLIPBOARD_MAX_CHARS,
  partChars: CLIPBOARD_PART_CHARS,
  maxPartBytes: SEALED_PLAINTEXT_MAX_BYTES,
};

/** Text both sides already have (shared by every viewer's exchange in one session). */
export interface ClipboardMemory {
  last: string | null;
}

interface Incoming {
  clipId: number;
  total: number;
  chars: number;
  parts: string[];
}

export class ClipboardExchange {
  private incoming: Incoming | null = null;
  private nextClipId = 0;
  private readonly handlers: HandlerMap<ClipboardMessage, void>;
  /** Clips written to the customer's clipboard and sent from it, for stats. */
  readonly counts = { received: 0, sent: 0, refused: 0 };

  constructor(
    private readonly gate: ConsentGate,
    private readonly sendPayload: (payload: Uint8Array) => void,
    private readonly memory: ClipboardMemory = { last: null },
    private readonly limits: ClipboardLimits = DEFAULT_CLIPBOARD_LIMITS,
    private readonly onPeerError: (msg: ClipError) => void = () => {},
  ) {
    this.handlers = {
      'clip.begin': (m) => this.begin(m.clipId, m.totalChars),
      'clip.part': (m) => this.part(m.clipId, m.text),
      'clip.end': (m) => this.end(m.clipId),
      'clip.request': () => this.sendLocal(),
      'clip.error': (m) => this.onPeerError(m),
    };
  }

  /** One payload from the viewer's clipboard channel. */
  async onPayload(payload: Uint8Array): Promise<void> {
    const parsed = parseJsonPayload(ClipboardMessage, payload, this.limits.maxPartBytes);
    if (!parsed.ok) {
      this.incoming = null;
      this.error('unavailable', `clipboard message refused: ${parsed.message}`.slice(0, 300));
      return;
    }
    const msg = parsed.value;
    const handler = this.handlers[msg.type] as (m: ClipboardMessage, ctx: void) => void | Promise<void>;
    await handler(msg, undefined);
  }

  /** Sends the customer's current clipboard to this viewer. */
  async sendLocal(): Promise<void> {
    if (!this.gate.has('clipboard')) {
      this.error('not_granted', 'the customer has not allowed clipboard sharing');
      return;
    }
    let text: string;
    try {
      const clip = await this.gate.clipboard();
      text = await clip.readText();
    } catch (err) {
      this.error(...clipFailure(err, "the customer's clipboard could not be read"));
      return;
    }
    this.sendText(text);
  }

  /** Sends `text` as begin / parts / end (or a too_large error when it is over the limit). */
  sendText(text: string): void {
    if (text.length > this.limits.maxChars) {
      this.error(
        'too_large',
        `the customer's clipboard holds ${text.length} characters; at most ${this.limits.maxChars} are shared`,
      );
      return;
    }
    const clipId = this.nextClipId++;
    this.send({ type: 'clip.begin', clipId, totalChars: text.length });
    for (const part of splitParts(text, clipId, this.limits)) this.sendPayload(part);
    this.send({ type: 'clip.end', clipId });
    this.memory.last = text;
    this.counts.sent++;
  }

  private begin(clipId: number, total: number): void {
    this.incoming = null;
    if (!this.gate.has('clipboard')) {
      this.refuse('not_granted', 'the customer has not allowed clipboard sharing');
      return;
    }
    if (total > this.limits.maxChars) {
      this.refuse(
        'too_large',
        `a clip of ${total} characters is too large: at most ${this.limits.maxChars} can be shared`,
      );
      return;
    }
    this.incoming = { clipId, total, chars: 0, parts: [] };
  }

  private part(clipId: number, text: string): void {
    const clip = this.incoming;
    if (!clip || clip.clipId !== clipId) return; // refused or unknown clip: its parts are dropped
    if (clip.chars + text.length > clip.total) {
      this.incoming = null;
      this.refuse('too_large', `clip ${clipId} is longer than the ${clip.total} characters it announced`);
      return;
    }
    clip.chars += text.length;
    clip.parts.push(text);
  }

  private async end(clipId: number): Promise<void> {
    const clip = this.incoming;
    if (!clip || clip.clipId !== clipId) return;
    this.incoming = null;
    if (clip.chars !== clip.total) {
      this.refuse('unavailable', `clip ${clipId} ended after ${clip.chars} of ${clip.total} characters`);
      return;
    }
    const text = clip.parts.join('');
    try {
      const board = await this.gate.clipboard();
      await board.writeText(text);
      this.memory.last = text;
      this.counts.received++;
    } catch (err) {
      this.refuse(...clipFailure(err, "the customer's clipboard could not be written"));
    }
  }

  private refuse(code: ClipError['code'], message: string): void {
    this.counts.refused++;
    this.error(code, message);
  }

  private error(code: ClipError['code'], message: string): void {
    this.send({ type: 'clip.error', code, message: message.slice(0, 300) });
  }

  private send(msg: ClipboardMessage): void {
    this.sendPayload(encodeJsonPayload(msg));
  }
}

function clipFailure(err: unknown, what: string): [ClipError['code'], string] {
  if (err instanceof ProtocolError && err.code === 'consent_required') {
    return ['not_granted', 'the customer has not allowed clipboard sharing'];
  }
  return ['unavailable', `${what}: ${err instanceof Error ? err.message : String(err)}`];
}

/**
 * Encoded clip.part payloads for `text`: at most `partChars` characters each, never splitting a
 * surrogate pair, and halved until the JSON fits `maxPartBytes` (escaped control characters take
 * six bytes each, so characters alone do not bound the size).
 */
export function splitParts(text: string, clipId: number, limits: ClipboardLimits): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < text.length) {
    let size = Math.min(limits.partChars, text.length - at);
    for (;;) {
      let end = at + size;
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff && size > 1) end--;
      const payload = encodeJsonPayload({ type: 'clip.part', clipId, text: text.slice(at, end) });
      if (payload.byteLength <= limits.maxPartBytes || size === 1) {
        out.push(payload);
        at = end;
        break;
      }
      size = Math.max(1, Math.floor(size / 2));
    }
  }
  return out;
}
