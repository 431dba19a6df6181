/**
 * Test-side native-messaging framing, written independently of host/native so the tests do not
 * check the host against itself: encode a request, and parse a byte stream STRICTLY (every byte
 * must belong to a frame of valid JSON that is a HostToExtension message).
 */
import { HostToExtension } from '../../../protocol/native-channel';
import { NATIVE_OUTBOUND_MAX_BYTES } from '../../../protocol/limits';

export function frame(value: unknown): Buffer {
  return frameText(JSON.stringify(value));
}

export function frameText(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length);
  return Buffer.concat([head, body]);
}

/** Splits `bytes` into messages; throws if anything is not a well-formed HostToExtension frame. */
export function parseStrict(bytes: Buffer): { messages: HostToExtension[]; rest: Buffer } {
  const messages: HostToExtension[] = [];
  let at = 0;
  while (bytes.length - at >= 4) {
    const length = bytes.readUInt32LE(at);
    if (length > NATIVE_OUTBOUND_MAX_BYTES)
      throw new Error(`stdout: frame length ${length} over the 1 MB cap`);
    if (bytes.length - at - 4 < length) break;
    const text = bytes.subarray(at + 4, at + 4 + length).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`stdout: not JSON: ${JSON.stringify(text.slice(0, 200))}`);
    }
    const parsed = HostToExtension.safeParse(json);
    if (!parsed.success) throw new Error(`stdout: not a HostToExtension message: ${text.slice(0, 200)}`);
    messages.push(parsed.data);
    at += 4 + length;
  }
  return { messages, rest: bytes.subarray(at) };
}
