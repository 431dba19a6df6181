/**
 * A node behind a real HAProxy 2.6 (Debian), configured with the block docs/deployment.md gives
 * (read from the doc, so the doc stays true): TLS terminated by HAProxy, the health check on
 * /api/v1/status, WebSocket upgrades through it, and the client's own address (X-Forwarded-For
 * from the trusted balancer, --trust-proxy) in the audit log, a spoofed header notwithstanding.
 * The client connects from 127.0.0.2 so its address differs from HAProxy's (127.0.0.1).
 */

import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../support/free-port';
import { startHaproxy, type Haproxy } from '../support/haproxy';
import { certificatePem, documentedHaproxyConfig } from '../support/haproxy-config';
import { makeDataDir, startTestServer, type TestServer } from '../support/test-server';
import { addAccount, PASSWORD } from './http/api-client';
import { expectHubAnswers } from '../support/ws-answers';

const CLIENT_ADDRESS = '127.0.0.2';
/** How long HAProxy's health check may take to mark the node up, in ms (inter 2s, rise 2). */
const NODE_UP_MS = 20_000;

let node: TestServer;
let haproxy: Haproxy;
let publicUrl: string;

function get(path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      `${publicUrl}${path}`,
      {
        method: body ? 'POST' : 'GET',
        rejectUnauthorized: false,
        localAddress: CLIENT_ADDRESS,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  const dir = makeDataDir();
  const pem = certificatePem(dir);
  const port = await freePort();
  publicUrl = `https://127.0.0.1:${port}`;
  node = await startTestServer({ dataDir: dir, publicUrl, trustProxy: ['127.0.0.1'] });
  const config = documentedHaproxyConfig({ port, pem, nodePorts: [node.port] });
  haproxy = await startHaproxy(config, port);
  const deadline = Date.now() + NODE_UP_MS;
  while ((await get('/api/v1/status')).status !== 200) {
    if (Date.now() > deadline) throw new Error('HAProxy never marked the node up');
    await new Promise((r) => setTimeout(r, 200));
  }
}, 60_000);

afterAll(async () => {
  await haproxy?.stop();
  await node?.stop();
});

describe('behind HAProxy', () => {
  it('serves the status API over the TLS HAProxy terminates', async () => {
    const r = await get('/api/v1/status');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ status: 'ok' });
  });

  it('upgrades WebSockets through HAProxy, with the origin rules of the public URL', async () => {
    const ws = new WebSocket(`${publicUrl.replace('https', 'wss')}/ws`, {
      rejectUnauthorized: false,
      origin: publicUrl,
      localAddress: CLIENT_ADDRESS,
    });
    await expectHubAnswers(ws);
    ws.close();
  });

  it("records the client's own address, not HAProxy's nor one the client made up", async () => {
    await addAccount(node, 'ann@haproxy.example');
    const r = await get(
      '/api/v1/auth/login',
      { 'X-Forwarded-For': '6.6.6.6' },
      JSON.stringify({ email: 'ann@haproxy.example', password: PASSWORD }),
    );
    expect(r.status).toBe(200);
    const entry = (await node.store.audit.recent(10)).find((e) => e.action === 'login');
    expect(entry?.address).toBe(CLIENT_ADDRESS);
  });
});
