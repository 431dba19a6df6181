/**
 * Wire form of the JSON data channels (input, clipboard, annotations and the control channel's
 * session messages): the message's JSON as UTF-8, the whole plaintext of one sealed frame.
 * Decoding checks the byte size BEFORE it decodes, refuses invalid UTF-8, then validates with the
 * channel's zod union (which rebuilds the value from declared fields only). Never throws.
 */
import type * as z from 'zod';
import { DATA_FRAME_MAX_BYTES } from '../limits';
import { parseMessage, type ParseResult } from '../parse';

/** Largest JSON payload on a data channel, in bytes (a sealed frame adds 32 bytes). */
export const JSON_PAYLOAD_MAX_BYTES = DATA_FRAME_MAX_BYTES - 4096;

export function encodeJsonPayload<T extends { type: string }>(msg: T): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(msg));
}

export function parseJsonPayload<S extends z.ZodType>(
  schema: S,
  payload: Uint8Array,
  maxBytes: number = JSON_PAYLOAD_MAX_BYTES,
): ParseResult<z.output<S>> {
  if (payload.byteLength > maxBytes) {
    return { ok: false, code: 'message_too_large', message: `payload larger than ${maxBytes} bytes` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return { ok: false, code: 'invalid_message', message: 'payload is not UTF-8' };
  }
  return parseMessage(schema, text, maxBytes);
}
