/**
 * The extension's sign-in client against a real server (HTTP on 127.0.0.1), and against
 * answers a real Lifeline server never gives (a proxy's HTML error page, an oversized body).
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, logout, API_RESPONSE_MAX_BYTES } from '../../../extension/lib/login-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { unique } from '../../support/workflow';

const PASSWORD = 'a long enough password';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.services.accounts.createCompany('Acme', 'test');
});
afterAll(() => server.stop());

async function account(inactive = false) {
  const email = `${unique('login')}@example.test`;
  const user = await server.services.accounts.addUser(
    { email, name: 'Lee Login', role: 'agent', password: PASSWORD, inactive },
    'test',
  );
  return { email, user };
}

/** A TCP port on 127.0.0.1 that nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createTcpServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

describe('login outcomes', () => {
  it('signs in, and signs out (the token stops working)', async () => {
    const { email } = await account();
    const outcome = await login(server.url, { email, password: PASSWORD });
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.login.agent.name).toBe('Lee Login');
    await logout(server.url, outcome.login.token);
    const me = await fetch(`${server.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${outcome.login.token}` },
    });
    expect(me.status).toBe(401);
  });

  it('tells a wrong password and an inactive account apart', async () => {
    const { email } = await account();
    expect(await login(server.url, { email, password: 'not it at all' })).toEqual({
      kind: 'invalid_credentials',
    });
    const inactive = await account(true);
    expect(await login(server.url, { email: inactive.email, password: PASSWORD })).toEqual({
      kind: 'account_inactive',
    });
  });

  it('reports the wait after too many attempts', async () => {
    const { email } = await account();
    for (let i = 0; i < 5; i++) await login(server.url, { email, password: `wrong ${i} attempt` });
    const outcome = await login(server.url, { email, password: 'wrong again, sixth' });
    expect(outcome.kind).toBe('too_many_attempts');
    if (outcome.kind === 'too_many_attempts') expect(outcome.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('lists who holds the seats when none is free, and takes one with replace', async () => {
    await server.services.accounts.setSeats(1, 'test');
    try {
      const holder = await account();
      const held = await login(server.url, { email: holder.email, password: PASSWORD });
      expect(held.kind).toBe('ok');
      const me = await account();
      const refused = await login(server.url, { email: me.email, password: PASSWORD });
      expect(refused.kind).toBe('seat_limit');
      if (refused.kind !== 'seat_limit' || held.kind !== 'ok') return;
      expect(refused.seats).toBe(1);
      expect(refused.holders).toEqual([
        expect.objectContaining({ loginId: held.login.loginId, email: holder.email }),
      ]);
      const taken = await login(server.url, {
        email: me.email,
        password: PASSWORD,
        replace: held.login.loginId,
      });
      expect(taken.kind).toBe('ok');
    } finally {
      await server.services.accounts.setSeats(null, 'test');
    }
  });

  it('says "unreachable" when nothing answers', async () => {
    const port = await closedPort();
    expect(await login(`http://127.0.0.1:${port}`, { email: 'a@b.c', password: 'x' })).toEqual({
      kind: 'unreachable',
    });
  });
});

describe('answers no Lifeline server gives', () => {
  let odd: Server;
  let oddUrl: string;
  beforeAll(async () => {
    odd = createServer((_req, res) => {
      // A proxy in the way: HTML, not the API's JSON.
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', () => r()));
    const a = odd.address();
    oddUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(() => new Promise((r) => odd.close(r)));

  it('reports the HTTP status of a non-JSON answer', async () => {
    expect(await login(oddUrl, { email: 'a@b.c', password: 'x' })).toEqual({
      kind: 'server_error',
      message: 'HTTP 502',
    });
  });

  it('does not read a body larger than the limit', async () => {
    const big = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // Chunked (no Content-Length): the limit is enforced while reading.
      res.write('{"token":"');
      res.end('x'.repeat(API_RESPONSE_MAX_BYTES + 10) + '"}');
    });
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', () => r()));
    const a = big.address();
    const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    const outcome = await login(url, { email: 'a@b.c', password: 'x' });
    expect(outcome.kind).toBe('server_error');
    await new Promise((r) => big.close(r));
  });
});
