/**
 * Attack: behind a reverse proxy every client arrived as the proxy's address. The server read
 * only the socket's address and exempted loopback from the request limit, so budgets were
 * shared: a few wrong join codes from anyone locked every customer out, and 400 of 400
 * requests from one client were queued (each alerting every agent). Guarded by `--trust-proxy`
 * (server/http/client-address.ts: X-Forwarded-For read only from a trusted proxy, from the
 * right, so a client cannot choose its address; no loopback exemption once a proxy is
 * configured) and the queue caps (server/session/queue-caps.ts).
 *
 * A real server trusting 127.0.0.1 as its proxy; "clients behind it" are requests from
 * 127.0.0.1 with X-Forwarded-For; an untrusted client connects from 127.0.0.2 and forges the
 * header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOIN_FREE_FAILURES } from '../../server/screen/attempt-throttle';
import { QUEUED_PER_ADDRESS } from '../../server/session/queue-caps';
import { startTestServer, type TestServer } from '../support/test-server';
import { httpFrom, type HttpReply } from './http-from';
import { TestWsClient } from '../support/ws-client';
import { addAgent, addPortal, closeAll, helperHello, screenRequested, unique } from '../support/workflow';

const PROXY = '127.0.0.1';
const UNTRUSTED = '127.0.0.2';
const CLIENT_A = '203.0.113.10';
const CLIENT_B = '198.51.100.20';

let server: TestServer;
let slug: string;
beforeAll(async () => {
  server = await startTestServer({ trustProxy: [`${PROXY}/32`] });
  slug = unique('p').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

/** POST a support request from `localAddress`, with an X-Forwarded-For when given. */
function newRequest(localAddress: string, forwardedFor?: string): Promise<HttpReply> {
  return httpFrom('POST', `${server.url}/api/v1/portals/${slug}/requests`, {
    localAddress,
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    body: { name: 'Casey', problem: 'printer on fire' },
  });
}

async function fill(localAddress: string, forwardedFor?: string): Promise<void> {
  for (let i = 0; i < QUEUED_PER_ADDRESS; i++) {
    expect((await newRequest(localAddress, forwardedFor)).status).toBe(201);
  }
}

describe('behind a trusted reverse proxy', () => {
  it('gives two clients separate request budgets, and caps each one', async () => {
    await fill(PROXY, CLIENT_A);
    const refused = await newRequest(PROXY, CLIENT_A);
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'too_many_waiting' } } });
    // The proxy appends the address it saw; whatever the client wrote on the left is not read.
    expect(await newRequest(PROXY, `${CLIENT_B}, ${CLIENT_A}`)).toMatchObject({ status: 429 });
    expect((await newRequest(PROXY, CLIENT_B)).status).toBe(201);
  });

  it('does not let an untrusted client choose its address with X-Forwarded-For', async () => {
    await fill(UNTRUSTED, '192.0.2.1');
    // Its budget is its own socket address, whatever it writes...
    expect(await newRequest(UNTRUSTED, '192.0.2.2')).toMatchObject({ status: 429 });
    expect(await newRequest(UNTRUSTED)).toMatchObject({ status: 429 });
    // ...and the address it named was not charged.
    expect((await newRequest(PROXY, '192.0.2.1')).status).toBe(201);
  });

  it("keeps one client's wrong join codes from locking out another customer", async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const { joinCode } = await screenRequested(server, agent, slug);
    const wrong = joinCode === '000000000' ? '000000001' : '000000000';
    const guess = async (forwardedFor: string, code: string) => {
      const c = await TestWsClient.connect(server.wsUrl, undefined, {
        headers: { 'X-Forwarded-For': forwardedFor },
      });
      c.send(helperHello({ kind: 'join', joinCode: code }));
      const m = await c.waitFor((x) => x.type === 'error' || x.type === 'helper.welcome');
      await closeAll(c);
      return m.type === 'error' ? m.code : m.type;
    };
    for (let i = 0; i < JOIN_FREE_FAILURES; i++)
      expect(await guess('203.0.113.66', wrong)).toBe('join_code_invalid');
    expect(await guess('203.0.113.66', joinCode)).toBe('too_many_attempts');
    // The customer, behind the same proxy, is not held up by the stranger.
    expect(await guess('198.51.100.77', joinCode)).toBe('helper.welcome');
    await closeAll(agent.client);
  });
});
