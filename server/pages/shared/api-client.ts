/**
 * JSON over the server's HTTP API for the pages: one function that sends, checks the answer's
 * size before reading it, validates it with the caller's schema (never `as`), and turns the API's
 * error shape `{ error: { code, message } }` into an ApiError with a stable code. A network
 * failure is `unavailable`.
 */
import type * as z from 'zod';
import { isErrorCode, type ErrorCode } from '../../../protocol/errors';

/** Largest API answer a page reads, in bytes (lists of users or sessions stay well below). */
export const API_RESPONSE_MAX_BYTES = 4 * 1024 * 1024;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string | null;
}

export async function apiJson<S extends z.ZodType>(
  path: string,
  schema: S,
  options: ApiOptions = {},
): Promise<z.output<S>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      credentials: 'omit',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw new ApiError('unavailable', 'the server could not be reached', 0);
  }
  const length = Number(res.headers.get('Content-Length') ?? '0');
  if (length > API_RESPONSE_MAX_BYTES)
    throw new ApiError('message_too_large', 'answer too large', res.status);
  const text = await res.text();
  if (text.length > API_RESPONSE_MAX_BYTES)
    throw new ApiError('message_too_large', 'answer too large', res.status);
  let raw: unknown = null;
  try {
    raw = text === '' ? null : JSON.parse(text);
  } catch {
    throw new ApiError(res.ok ? 'invalid_message' : 'unavailable', 'the answer was not JSON', res.status);
  }
  if (!res.ok) throw errorOf(raw, res.status);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError('invalid_message', 'the answer was not understood', res.status);
  return parsed.data;
}

function errorOf(raw: unknown, status: number): ApiError {
  if (typeof raw === 'object' && raw !== null && 'error' in raw) {
    const e: unknown = raw.error;
    if (typeof e === 'object' && e !== null && 'code' in e && isErrorCode(e.code)) {
      const message = 'message' in e && typeof e.message === 'string' ? e.message.slice(0, 500) : e.code;
      const details =
        'details' in e && typeof e.details === 'object' && e.details !== null && !Array.isArray(e.details)
          ? Object.fromEntries(Object.entries(e.details))
          : undefined;
      return new ApiError(e.code, message, status, details);
    }
  }
  return new ApiError(status >= 500 ? 'internal_error' : 'bad_request', `HTTP ${status}`, status);
}
