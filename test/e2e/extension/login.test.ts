/**
 * Signing in through the popup of the built extension in Chromium, against a real server: each
 * refusal in words a person understands (wrong password, account not activated, server down,
 * too many attempts), the seat-limit question and taking a seat, signing out, and signing in
 * without a seat (nothing shown until a seat frees, then the queue).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { startTestServer, type TestServer } from '../../support/test-server';
import { TestWsClient } from '../../support/ws-client';
import { signInThroughPopup } from '../../support/agent-extension';
import { saveScreenshot } from '../../support/screenshots';
import { closedPort, createAgent, createPortal, PASSWORD } from './accounts';
import { closeAll, customerViaWs } from '../../support/workflow';
import { launchAgentBrowser, textOf, until, type AgentBrowser, POLL_MS } from './harness';

let server: TestServer;
let agent: AgentBrowser;
/**
 * The server's clock stands still while this is set. The wait after the free failures is 1 s
 * (docs/security.md, "Limits"): on real time it could run out while the popup opens, and the
 * popup's attempt would then be a plain wrong password.
 */
let frozenAt: number | null = null;

beforeAll(async () => {
  server = await startTestServer({}, { now: () => frozenAt ?? Date.now() });
  await server.services.accounts.createCompany('Acme', 'test');
  agent = await launchAgentBrowser();
});
afterEach(() => {
  frozenAt = null;
});
afterAll(async () => {
  await agent?.close();
  await server?.stop();
});

describe('sign-in errors shown in the popup', () => {
  it('says the e-mail or password is wrong', async () => {
    const a = await createAgent(server);
    const popup = await agent.openPage('popup.html');
    await signInThroughPopup(popup, server.url, a.email, 'not the password at all');
    const text = await textOf(popup, '.login-error[data-kind=invalid_credentials]');
    expect(text).toBe('Invalid e-mail address or password.');
    await popup.close();
  });

  it('says the account is not activated and to contact the manager', async () => {
    const a = await createAgent(server, { inactive: true });
    const popup = await agent.openPage('popup.html');
    await signInThroughPopup(popup, server.url, a.email, PASSWORD);
    expect(await textOf(popup, '.login-error[data-kind=account_inactive]')).toBe(
      'Your account is not activated. Contact your manager.',
    );
    await popup.close();
  });

  it('says the server cannot be reached, what to check, and links its status page', async () => {
    const port = await closedPort();
    const popup = await agent.openPage('popup.html');
    await signInThroughPopup(popup, `http://127.0.0.1:${port}`, 'someone@example.test', PASSWORD);
    const text = await textOf(popup, '.login-error[data-kind=unreachable]', 20_000);
    expect(text).toContain(`Cannot connect to the server at http://127.0.0.1:${port}.`);
    expect(text).toContain('Check your network connection.');
    expect(text).toContain('firewall');
    expect(text).toContain('Check the server address.');
    const link = await popup.$eval('.login-error a.status-link', (a) => a.getAttribute('href'));
    expect(link).toBe(`http://127.0.0.1:${port}/status`);
    await popup.close();
  });

  it('says how long to wait after too many attempts, and lets the agent retry after it', async () => {
    const a = await createAgent(server);
    frozenAt = Date.now();
    // Five wrong passwords use up the free attempts (same address as the browser: 127.0.0.1).
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: a.email, password: `wrong password ${i}` }),
      });
      expect(res.status).toBe(401);
    }
    const popup = await agent.openPage('popup.html');
    await signInThroughPopup(popup, server.url, a.email, 'still the wrong one');
    const text = await textOf(popup, '.login-error[data-kind=too_many_attempts]');
    expect(text).toMatch(/^Too many sign-in attempts\. Wait \d+ s, then try again\.$/);
    expect(await popup.$eval('button[type=submit]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    frozenAt = null;
    // The countdown ends and the button comes back.
    await popup.waitForFunction(
      () => !(document.querySelector('button[type=submit]') as HTMLButtonElement).disabled,
      { timeout: 10_000, polling: POLL_MS },
    );
    expect(await textOf(popup, '.login-error')).toBe(
      'Too many sign-in attempts earlier. You can try again now.',
    );
    await popup.close();
  });
});

describe('seat limit and sign-out', () => {
  it('asks whether to sign out another agent when every seat is taken, and takes the seat', async () => {
    await server.services.accounts.setSeats(1, 'test');
    const holder = await createAgent(server, { name: 'Hilda Holder' });
    const login = await server.services.auth.login({
      email: holder.email,
      password: PASSWORD,
      address: '127.0.0.1',
    });
    const holderSocket = await TestWsClient.connect(server.wsUrl, server.url);
    holderSocket.send({ type: 'agent.hello', token: login.token, protocol: PROTOCOL_VERSION });
    await holderSocket.waitType('agent.welcome');

    const me = await createAgent(server, { name: 'Mia Newcomer' });
    const popup = await agent.openPage('popup.html');
    await signInThroughPopup(popup, server.url, me.email, PASSWORD);
    expect(await textOf(popup, '.seat-question h1')).toBe('All seats are in use');
    expect(await textOf(popup, '.seat-count')).toBe(
      'Agents signed in: 1. Sign out one of them to take their seat?',
    );
    const holders = await popup.$$eval('.seat-holder', (li) => li.map((l) => l.textContent ?? ''));
    expect(holders).toHaveLength(1);
    expect(holders[0]).toContain('Hilda Holder');
    expect(holders[0]).toContain(holder.email);
    await saveScreenshot(popup, 'popup-seat-limit.png');

    await popup.click('.seat-holder button.replace');
    await popup.waitForSelector('.alert-list');
    expect(await textOf(popup, '.agent-name')).toBe('Mia Newcomer');
    const signedOut = await holderSocket.waitType('signed_out');
    expect(signedOut.reason).toBe('seat_taken');
    await popup.close();
    await server.services.accounts.setSeats(null, 'test');
  });

  it('signs out: the server forgets the token and the popup shows the sign-in form again', async () => {
    const popup = await agent.openPage('popup.html');
    await popup.waitForSelector('.alert-list');
    const token = await agent.inWorker(async () => {
      const stored = await chrome.storage.local.get('account');
      return (stored.account as { token: string }).token;
    });
    const before = await fetch(`${server.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(before.status).toBe(200);

    await popup.click('button.logout');
    await popup.waitForSelector('form #email');
    const after = await until(
      async () => {
        const r = await fetch(`${server.url}/api/v1/auth/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return r.status === 401 ? r.status : undefined;
      },
      5000,
      'the token to be revoked',
    );
    expect(after).toBe(401);
    await popup.close();
  });

  it('signs in without a seat: nothing to see or take, then the freed seat and the queue arrive', async () => {
    await server.services.accounts.setSeats(1, 'test');
    const portal = await createPortal(server, 'Seat desk');
    const holder = await createAgent(server, { name: 'Hank Holder', portals: [portal] });
    const login = await server.services.auth.login({
      email: holder.email,
      password: PASSWORD,
      address: '127.0.0.1',
    });
    const holderSocket = await TestWsClient.connect(server.wsUrl, server.url);
    holderSocket.send({ type: 'agent.hello', token: login.token, protocol: PROTOCOL_VERSION });
    await holderSocket.waitType('agent.welcome');

    const me = await createAgent(server, { name: 'Wendy Waiter', portals: [portal] });
    const popup = await agent.openPage('popup.html');
    await popup.setViewport({ width: 380, height: 600 });
    await signInThroughPopup(popup, server.url, me.email, PASSWORD);
    await popup.waitForSelector('.seat-question button.wait-for-seat');
    await popup.click('.seat-question button.wait-for-seat');
    expect(await textOf(popup, '.alert-list .without-seat')).toBe(
      'You are signed in without a seat: every seat is taken, so you receive no requests. When a seat frees, it is yours at once.',
    );
    // A customer asks: Hank is alerted, Wendy sees nothing.
    const customer = await customerViaWs(server, portal, { name: 'Sid Seatless' });
    await holderSocket.waitFor((m) => m.type === 'queue.added');
    await popup.waitForSelector('.connection.online');
    expect(await popup.$('.queue-entry')).toBeNull();
    await saveScreenshot(popup, 'popup-without-seat.png');

    // Hank signs out: the seat is Wendy's without her doing anything, and the request appears.
    const out = await fetch(`${server.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${login.token}` },
    });
    expect(out.status).toBe(204);
    await popup.waitForSelector(`.queue-entry[data-session="${customer.sessionId}"] button.accept`, {
      timeout: 15_000,
    });
    expect(await popup.$('.without-seat')).toBeNull();
    await closeAll(customer.client, holderSocket);
    await server.services.accounts.setSeats(null, 'test');
    await popup.close();
  });
});

declare const chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } };
