/**
 * Sign-in and sign-out over the HTTP API (POST /api/v1/auth/login and /logout), with every
 * answer turned into an outcome the popup can put in words: the server's stable error codes,
 * the seat-limit list, the wait after too many attempts, and "cannot reach the server" for
 * everything that never got an answer (network, firewall, wrong address, TLS).
 */
import * as z from 'zod';
import { LoginResponse, SeatHolder, type LoginRequest } from '../../protocol/http-api';
import { apiUrl } from './server-address';

/** A sign-in that takes longer than this is reported as "cannot reach the server", in ms. */
export const LOGIN_TIMEOUT_MS = 15_000;
/** Largest API answer read, in bytes (a login answer is well under 1 KiB; a seat list a few KiB). */
export const API_RESPONSE_MAX_BYTES = 64 * 1024;

export const LoginOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ok'), login: LoginResponse }),
  z.object({ kind: z.literal('invalid_credentials') }),
  z.object({ kind: z.literal('account_inactive') }),
  z.object({ kind: z.literal('too_many_attempts'), retryAfterSeconds: z.number().int().min(1).max(86_400) }),
  z.object({
    kind: z.literal('seat_limit'),
    seats: z.number().int().nullable(),
    holders: z.array(SeatHolder).max(1000),
  }),
  z.object({ kind: z.literal('unreachable') }),
  /** Not a server address (checked before anything is sent). */
  z.object({ kind: z.literal('bad_address') }),
  z.object({ kind: z.literal('server_error'), message: z.string().max(1000) }),
]);
export type LoginOutcome = z.infer<typeof LoginOutcome>;

/** The API's one error shape: `{ error: { code, message, details? } }`. */
const ApiError = z.object({
  error: z.object({
    code: z.string().max(64),
    message: z.string().max(1000),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

const TooManyDetails = z.object({ retryAfterSeconds: z.number().int().min(1).max(86_400) });
const SeatDetails = z.object({
  seats: z.number().int().nullable().optional(),
  loggedIn: z.array(SeatHolder).max(1000),
});

/** Seconds to wait when neither the body nor Retry-After says. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export async function login(
  origin: string,
  body: LoginRequest,
  fetchFn: FetchFn = fetch,
): Promise<LoginOutcome> {
  const answer = await postJson(fetchFn, apiUrl(origin, '/auth/login'), body, undefined);
  if (answer.kind === 'unreachable') return { kind: 'unreachable' };
  const { status, json, retryAfter } = answer;
  if (status === 200) {
    const ok = LoginResponse.safeParse(json);
    return ok.success
      ? { kind: 'ok', login: ok.data }
      : { kind: 'server_error', message: 'the server answered in a form this extension does not know' };
  }
  const err = ApiError.safeParse(json);
  if (!err.success) return { kind: 'server_error', message: `HTTP ${status}` };
  const { code, message, details } = err.data.error;
  const known = Object.hasOwn(ERROR_OUTCOMES, code) ? ERROR_OUTCOMES[code] : undefined;
  return known ? known(details, retryAfter, message) : { kind: 'server_error', message };
}

type ErrorOutcome = (details: unknown, retryAfter: number | undefined, message: string) => LoginOutcome;

/** The server's stable login error codes and what the popup is told for each. */
const ERROR_OUTCOMES: Record<string, ErrorOutcome> = {
  invalid_credentials: () => ({ kind: 'invalid_credentials' }),
  account_inactive: () => ({ kind: 'account_inactive' }),
  too_many_attempts: (details, retryAfter) => {
    const fromBody = TooManyDetails.safeParse(details);
    const seconds = fromBody.success
      ? fromBody.data.retryAfterSeconds
      : (retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS);
    return { kind: 'too_many_attempts', retryAfterSeconds: seconds };
  },
  seat_limit_reached: (details, _retryAfter, message) => {
    const seat = SeatDetails.safeParse(details);
    return seat.success
      ? { kind: 'seat_limit', seats: seat.data.seats ?? null, holders: seat.data.loggedIn }
      : { kind: 'server_error', message };
  },
};

/** Ends the login behind `token`; failures are ignored (the token is forgotten either way). */
export async function logout(origin: string, token: string, fetchFn: FetchFn = fetch): Promise<void> {
  await postJson(fetchFn, apiUrl(origin, '/auth/logout'), {}, token);
}

type Answer =
  { kind: 'unreachable' } | { kind: 'answer'; status: number; json: unknown; retryAfter: number | undefined };

async function postJson(
  fetchFn: FetchFn,
  url: string,
  body: unknown,
  token: string | undefined,
): Promise<Answer> {
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
      credentials: 'omit',
      signal: AbortSignal.timeout(LOGIN_TIMEOUT_MS),
    });
    const declared = Number(response.headers.get('Content-Length') ?? '0');
    if (declared > API_RESPONSE_MAX_BYTES)
      return { kind: 'answer', status: response.status, json: null, retryAfter: undefined };
    text = await readLimited(response, API_RESPONSE_MAX_BYTES);
  } catch {
    return { kind: 'unreachable' };
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (a proxy's error page): the caller reports the HTTP status
  }
  const retryHeader = Number(response.headers.get('Retry-After'));
  return {
    kind: 'answer',
    status: response.status,
    json,
    retryAfter: Number.isInteger(retryHeader) && retryHeader > 0 ? retryHeader : undefined,
  };
}

/** Reads a body up to `maxBytes`, refusing more without buffering it. */
async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return '';
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
