/**
 * Findings on the /ws door, against a real server over real WebSockets:
 *  - no cap on the sockets one address or one request token held (each costs buffers, a
 *    heartbeat and a hello timer): now SOCKETS_PER_ADDRESS per address, refused at the upgrade
 *    with 429, and SOCKETS_PER_REQUEST per request (`too_many_connections`);
 *  - error replies before the hello lacked the request id they answered;
 *  - messages sent while a hello was being checked were dropped unanswered when it failed: now
 *    each is answered, with the hello's own code and its own id (server/ws/hub.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../protocol/common';
import { CONTROL_MESSAGE_MAX_BYTES } from '../../protocol/limits';
import { SOCKETS_PER_REQUEST } from '../../server/ws/socket-counts';
import { startTestServer, type TestServer } from '../support/test-server';
import { TestWsClient, type TestMessage } from '../support/ws-client';
import { addPortal, closeAll, customerViaHttp, unique } from '../support/workflow';

/** A small cap for the test server, so the test opens few sockets. */
const PER_ADDRESS = 6;

let server: TestServer;
let slug: string;
beforeAll(async () => {
  // A proxy is configured (one that never calls), so loopback clients are clients like any
  // other: without one, loopback may be a reverse proxy and is not capped per address.
  server = await startTestServer(
    { trustProxy: ['192.0.2.254'] },
    { hub: { socketsPerAddress: PER_ADDRESS } },
  );
  slug = unique('lim').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

async function errorFor(c: TestWsClient, text: string): Promise<TestMessage> {
  const mark = c.received.length;
  c.ws.send(text);
  return c.waitFor((m) => m.type === 'error' && c.received.indexOf(m) >= mark, 5000, 'error');
}

describe('the /ws door', () => {
  it('caps the sockets one address holds (refused at the upgrade), not another address', async () => {
    const from = (n: number) => ({ localAddress: `127.30.0.${n}` });
    const open: TestWsClient[] = [];
    for (let i = 0; i < PER_ADDRESS; i++)
      open.push(await TestWsClient.connect(server.wsUrl, undefined, from(1)));
    await expect(TestWsClient.connect(server.wsUrl, undefined, from(1))).rejects.toThrow(
      'upgrade refused: 429',
    );
    const other = await TestWsClient.connect(server.wsUrl, undefined, from(2));
    // A closed socket gives its place back.
    await closeAll(open.pop());
    await new Promise((r) => setTimeout(r, 100));
    open.push(await TestWsClient.connect(server.wsUrl, undefined, from(1)));
    await closeAll(...open, other);
  });

  it('caps the support-page sockets of one request', async () => {
    const first = await customerViaHttp(server, slug);
    const pages: TestWsClient[] = [first.client];
    for (let i = 1; i < SOCKETS_PER_REQUEST; i++) {
      // Each from its own address: the request's cap, not the address's, is what is tested.
      const c = await TestWsClient.connect(server.wsUrl, server.url, { localAddress: `127.31.0.${i}` });
      c.send({ type: 'customer.hello', requestToken: first.requestToken, protocol: PROTOCOL_VERSION });
      await c.waitType('customer.welcome');
      pages.push(c);
    }
    const extra = await TestWsClient.connect(server.wsUrl, server.url, { localAddress: '127.31.1.1' });
    extra.send({ type: 'customer.hello', requestToken: first.requestToken, protocol: PROTOCOL_VERSION });
    expect(await extra.waitFor((m) => m.type === 'error' || m.type === 'customer.welcome')).toMatchObject({
      type: 'error',
      code: 'too_many_connections',
    });
    await closeAll(...pages, extra);
  });

  it('answers every error before the hello with the request id it is about', async () => {
    const c = await TestWsClient.connect(server.wsUrl, server.url);
    expect(await errorFor(c, JSON.stringify({ type: 'no.such.hello', id: 'a1' }))).toMatchObject({
      code: 'unknown_message_type',
      id: 'a1',
    });
    expect(await errorFor(c, '{"id":"a2","type":"customer.hello",')).toMatchObject({
      code: 'invalid_message',
      id: 'a2',
    });
    const big = JSON.stringify({
      id: 'a3',
      type: 'request.create',
      problem: 'x'.repeat(CONTROL_MESSAGE_MAX_BYTES),
    });
    expect(await errorFor(c, big)).toMatchObject({ code: 'message_too_large', id: 'a3' });
    await closeAll(c);
  });

  it('answers the messages held behind a hello that fails, each with its id', async () => {
    const c = await TestWsClient.connect(server.wsUrl, server.url);
    c.send({ type: 'customer.hello', requestToken: 'r'.repeat(40), protocol: PROTOCOL_VERSION });
    for (const id of ['h1', 'h2', 'h3']) c.send({ type: 'chat.send', id, text: 'hello?' });
    for (const id of ['h1', 'h2', 'h3']) {
      expect(
        await c.waitFor((m) => m.type === 'error' && m.id === id, 5000, `answer to ${id}`),
      ).toMatchObject({
        code: 'request_not_found',
      });
    }
    await closeAll(c);
  });
});
