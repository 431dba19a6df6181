import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_BODY_MAX_BYTES } from '../../../protocol/limits';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAccount, api, login } from './api-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await addAccount(server, 'zoe@example.com');
});
afterAll(() => server.stop());

/** Raw HTTP, so the test controls Content-Length and chunking exactly. */
function raw(
  path: string,
  headers: Record<string, string>,
  chunks: (string | Buffer)[],
): Promise<{ status: number; body: { error: { code: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    // The server may answer and close before the whole body is sent; that is the point.
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e),
    );
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('request bodies', () => {
  it('refuses a declared length over the limit with 413 before reading it', async () => {
    const big = Buffer.alloc(HTTP_BODY_MAX_BYTES + 1, 0x20);
    const r = await raw(
      '/api/v1/auth/login',
      { 'Content-Type': 'application/json', 'Content-Length': String(big.length) },
      [big],
    );
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('message_too_large');
  });

  it('cuts a chunked body (no length declared) the moment it passes the limit', async () => {
    const piece = Buffer.alloc(16 * 1024, 0x20);
    const r = await raw(
      '/api/v1/auth/login',
      { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      Array.from({ length: 8 }, () => piece),
    );
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('message_too_large');
  });

  it('answers malformed bodies with 400 and a code', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ 'Content-Type': 'application/json' }, '{"email": ', 'bad_request'],
      [{ 'Content-Type': 'text/plain' }, '{"email":"a@b","password":"x"}', 'bad_request'],
      [{ 'Content-Type': 'application/json' }, '[1,2,3]', 'invalid_message'],
      [{ 'Content-Type': 'application/json' }, '"just a string"', 'invalid_message'],
      [
        { 'Content-Type': 'application/json' },
        `{"email":"${'a'.repeat(600)}@x","password":"x"}`,
        'invalid_message',
      ],
      [
        { 'Content-Type': 'application/json' },
        `{"email":"a@b","password":"${'p'.repeat(300)}"}`,
        'invalid_message',
      ],
    ];
    for (const [headers, body, code] of cases) {
      const r = await raw('/api/v1/auth/login', headers, [body]);
      expect(r.status, body.slice(0, 40)).toBe(400);
      expect(r.body.error.code, body.slice(0, 40)).toBe(code);
    }
  });

  it('keeps serving normally afterwards', async () => {
    expect((await login(server, 'zoe@example.com')).role).toBe('agent');
    expect((await api(server, 'GET', '/api/v1/status')).status).toBe(200);
  });
});
