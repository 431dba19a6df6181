/**
 * `lifeline serve --tls-cert --tls-key`: the server speaks HTTPS and WSS on its one port, so it
 * can serve 443 directly. The certificate is a throwaway self-signed one made by openssl.
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { selfSignedCert } from '../support/self-signed-cert';
import { makeDataDir, startTestServer, type TestServer } from '../support/test-server';
import { expectHubAnswers } from '../support/ws-answers';

let server: TestServer;

beforeAll(async () => {
  const dir = makeDataDir();
  server = await startTestServer({ dataDir: dir, tls: selfSignedCert(dir) });
});
afterAll(() => server.stop());

describe('TLS', () => {
  it('answers HTTPS on the same port', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${server.url}/api/v1/status`, { rejectUnauthorized: false }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
  });

  it('accepts WebSocket upgrades over TLS (wss) with the same origin rules', async () => {
    expect(server.wsUrl).toMatch(/^wss:\/\//);
    const ws = new WebSocket(server.wsUrl, { rejectUnauthorized: false, origin: server.url });
    await expectHubAnswers(ws);
    ws.close();
    const refused = new WebSocket(server.wsUrl, {
      rejectUnauthorized: false,
      origin: 'https://evil.example',
    });
    const status = await new Promise<number>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(403);
  });
});
