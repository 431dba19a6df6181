/**
 * Finding: five wrong passwords for an agent's e-mail, from anyone anywhere, locked the agent
 * out for up to 15 minutes even at their own desk: throttling was a lockout tool. Guarded by
 * server/auth/throttle.ts (an agent's usual addresses, where they signed in within 30 days,
 * have their own count) and the store's `logins.signedInFrom`. Real server, real sign-ins over
 * HTTP from distinct loopback addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FREE_FAILURES } from '../../server/auth/throttle';
import { startTestServer, type TestServer } from '../support/test-server';
import { AGENT_PASSWORD, signInAgent, TEST_ADDRESS } from '../support/workflow';
import { httpFrom } from './http-from';

const STRANGERS = ['127.40.0.1', '127.40.0.2', '127.40.0.3'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

function signIn(from: string, email: string, password: string) {
  return httpFrom('POST', `${server.url}/api/v1/auth/login`, {
    localAddress: from,
    body: { email, password },
  });
}

describe('wrong passwords from strangers', () => {
  it('lock the account for strangers, never for the agent at their usual address', async () => {
    // The agent signed in from their desk before (signInAgent signs in from TEST_ADDRESS).
    const agent = await signInAgent(server);
    for (let i = 0; i < FREE_FAILURES * 2; i++) {
      const from = STRANGERS[i % STRANGERS.length]!;
      const r = await signIn(from, agent.email, `guess ${i}`);
      expect([401, 429]).toContain(r.status);
    }
    // Strangers are held back now, wherever they are, even with the right password...
    expect((await signIn('127.40.0.9', agent.email, AGENT_PASSWORD)).status).toBe(429);
    // ...and the agent at their desk signs in.
    const own = await signIn(TEST_ADDRESS, agent.email, AGENT_PASSWORD);
    expect(own.status).toBe(200);
    expect(own.body.token).toEqual(expect.any(String));
  });

  it('still throttles wrong passwords sent from the usual address itself', async () => {
    const agent = await signInAgent(server);
    for (let i = 0; i < FREE_FAILURES; i++) {
      expect((await signIn(TEST_ADDRESS, agent.email, `typo ${i}`)).status).toBe(401);
    }
    expect((await signIn(TEST_ADDRESS, agent.email, `typo again`)).status).toBe(429);
  });
});
