/**
 * Test helpers for the HTTP API: real fetch against a real test server, and accounts made through
 * the server's own AccountService (the same code the CLI and the management API use).
 */
import type { Role } from '../../../protocol/common';
import type { LoginResponse } from '../../../protocol/http-api';
import type { TestServer } from '../../support/test-server';

export interface ApiReply {
  status: number;
  headers: Headers;
  // The tests read fields off replies they then assert on; the shape is what is under test.
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function api(
  server: { url: string },
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<ApiReply> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

export const PASSWORD = 'correct horse battery';

export async function addAccount(
  server: TestServer,
  email: string,
  role: Role = 'agent',
  options: { name?: string; password?: string | null; inactive?: boolean } = {},
) {
  const password = options.password === undefined ? PASSWORD : options.password;
  return server.services.accounts.addUser(
    {
      email,
      role,
      ...(options.name ? { name: options.name } : {}),
      ...(password !== null ? { password } : {}),
      ...(options.inactive ? { inactive: true } : {}),
    },
    'test',
  );
}

export async function login(server: TestServer, email: string, password = PASSWORD): Promise<LoginResponse> {
  const r = await api(server, 'POST', '/api/v1/auth/login', { email, password });
  if (r.status !== 200) throw new Error(`login of ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as LoginResponse;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
