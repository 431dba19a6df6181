import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server';
import { TestWsClient } from '../support/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('status', () => {
  it('answers /api/v1/status with counts and the store kind', async () => {
    const res = await fetch(`${server.url}/api/v1/status`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', store: 'sqlite', agentsOnline: 0, queued: 0 });
  });

  it('serves a human status page with a strict CSP', async () => {
    const res = await fetch(`${server.url}/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('Lifeline service status');
  });

  it('answers unknown API routes with a JSON not_found', async () => {
    const res = await fetch(`${server.url}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('WebSocket upgrade', () => {
  it('refuses a cross-origin upgrade before any state is created', async () => {
    await expect(TestWsClient.connect(server.wsUrl, 'https://evil.example')).rejects.toThrow(/403/);
    expect(server.hub.connections()).toBe(0);
  });

  it("accepts the server's own origin and answers a bad first message with a code, keeping the socket", async () => {
    const c = await TestWsClient.connect(server.wsUrl, server.url);
    c.send({ type: 'nonsense' });
    const err = await c.waitType('error');
    expect(err.code).toBe('unknown_message_type');
    c.ws.send('not json');
    const err2 = await c.waitType('error');
    expect(err2.code).toBe('invalid_message');
    expect(c.closeCode).toBeNull();
    c.close();
  });
});
