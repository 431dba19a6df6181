/**
 * The JSON data-plane payloads (input, clipboard, annotations) as the helper reads them: size
 * checked BEFORE decoding, strict UTF-8, then the channel's zod schema (which rebuilds the value
 * from declared fields). Never throws; and the encoder for the helper's own JSON payloads.
 */
import type * as z from 'zod';
import { parseMessage, type ParseResult } from '../../protocol/parse';

export function decodeJsonPayload<S extends z.ZodType>(
  schema: S,
  payload: Uint8Array,
  maxBytes: number,
): ParseResult<z.output<S>> {
  if (payload.byteLength > maxBytes) {
    return { ok: false, code: 'message_too_large', message: `payload of ${payload.byteLength} bytes` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return { ok: false, code: 'invalid_message', message: 'payload is not UTF-8' };
  }
  return parseMessage(schema, text, maxBytes);
}

export function encodeJsonPayload(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
