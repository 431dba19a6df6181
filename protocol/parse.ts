/**
 * The one way untrusted text becomes a typed message: size check (before anything is
 * allocated from it), JSON.parse, then the channel's schema, which rebuilds the value from the
 * declared fields only. Never throws: every failure is a stable error code and a short reason.
 */
import type * as z from 'zod';
import type { ErrorCode } from './errors';
import { CONTROL_MESSAGE_MAX_BYTES } from './limits';

export type ParseResult<T> =
  { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; id?: string };

/**
 * True when `text` is larger than `maxBytes` in UTF-8. Cheap bounds first (a UTF-16 unit is 1-3
 * UTF-8 bytes); the exact count only for the narrow band in between, whose size is bounded.
 */
export function exceedsUtf8Bytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return new TextEncoder().encode(text).byteLength > maxBytes;
}

/** Validates an already-parsed value against a schema. */
export function validate<S extends z.ZodType>(schema: S, raw: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const id = requestIdOf(raw);
  const typeIssue = result.error.issues.find(
    (i) =>
      i.path.length === 1 &&
      i.path[0] === 'type' &&
      (i.code === 'invalid_union' || i.code === 'invalid_value'),
  );
  const unknownType =
    typeIssue !== undefined ||
    (result.error.issues[0]?.code === 'invalid_union' &&
      result.error.issues[0].path.length === 0 &&
      hasType(raw));
  const first = result.error.issues[0];
  const where = first && first.path.length > 0 ? first.path.join('.') : 'message';
  return {
    ok: false,
    code: unknownType ? 'unknown_message_type' : 'invalid_message',
    message: unknownType ? `unknown message type` : `${where}: ${first?.message ?? 'invalid'}`.slice(0, 300),
    ...(id !== undefined ? { id } : {}),
  };
}

/** Parses one text message of a channel. `maxBytes` defaults to the control-message limit. */
export function parseMessage<S extends z.ZodType>(
  schema: S,
  text: string,
  maxBytes: number = CONTROL_MESSAGE_MAX_BYTES,
): ParseResult<z.output<S>> {
  if (exceedsUtf8Bytes(text, maxBytes)) {
    return failure('message_too_large', `message larger than ${maxBytes} bytes`, peekRequestId(text));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return failure('invalid_message', 'not JSON', peekRequestId(text));
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: 'invalid_message', message: 'not a JSON object' };
  }
  return validate(schema, raw);
}

/** Characters of an unparsable or oversized message searched for its request id. */
export const REQUEST_ID_PEEK_CHARS = 512;
const PEEK_ID = /"id"\s*:\s*"([^"\\]{1,64})"/;

/**
 * The request id of a message that cannot be parsed (not JSON, or too large to parse), found
 * by a bounded search of its first REQUEST_ID_PEEK_CHARS characters, so that even its error
 * answers the request it belongs to. Best effort: undefined when there is none to be seen.
 */
export function peekRequestId(text: string): string | undefined {
  return PEEK_ID.exec(text.slice(0, REQUEST_ID_PEEK_CHARS))?.[1];
}

function failure(code: ErrorCode, message: string, id: string | undefined): ParseResult<never> {
  return { ok: false, code, message, ...(id !== undefined ? { id } : {}) };
}

function hasType(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && typeof (raw as { type?: unknown }).type === 'string';
}

/** The request id of a message that failed validation, so the error can still answer it. */
function requestIdOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined;
}
