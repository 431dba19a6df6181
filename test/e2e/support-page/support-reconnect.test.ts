// A lost connection on the support page: the server stops under an open chat, the page says so
// and keeps trying on its own; the server comes back on the same port with the same data, and
// the page resumes the same session (customer.hello with the kept request token), transcript
// and all. A reload resumes the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  addPortal,
  closeAll,
  connectAgent,
  resultOf,
  seen,
  signInAgent,
  type ConnectedAgent,
  type SignedInAgent,
} from '../../support/workflow';
import { saveScreenshot } from '../../support/screenshots';
import { openPage, textOf, waitForText, waitForView, type TestBrowser } from './browser';
import { startPagesStage, type PagesStage } from './pages-stage';

const PORTAL = 'desk';
/** Longest the page may take to come back after the server does: backoff caps, jitter included. */
const RESUME_WITHIN_MS = 20_000;

let stage: PagesStage;
let server: TestServer;
let chromium: TestBrowser;
let signedIn: SignedInAgent;
let agent: ConnectedAgent;

beforeAll(async () => {
  stage = await startPagesStage();
  ({ server, chromium } = stage);
  await addPortal(server, PORTAL, 'Help Desk');
  signedIn = await signInAgent(server, { portals: [PORTAL], name: 'Rita Restart' });
  agent = await connectAgent(server, signedIn);
});

afterAll(async () => {
  await closeAll(agent?.client);
  await stage?.close();
});

describe('support page connection', () => {
  it('says the connection is lost, keeps trying, and resumes the same chat when the server is back', async () => {
    const { page, csp } = await openPage(chromium.browser);
    await page.goto(`${server.url}/support/${PORTAL}`);
    await waitForView(page, 'form');
    await page.type('input[name="name"]', 'Lou Lost');
    await page.type('textarea[name="problem"]', 'Wi-Fi keeps dropping');
    const mark = agent.client.received.length;
    await page.click('button[type="submit"]');
    const added = await seen(agent.client, (m) => m.type === 'queue.added', 'queue.added', mark);
    const sessionId = (added.entry as { sessionId: string }).sessionId;
    resultOf(await agent.client.request({ type: 'request.accept', sessionId }));
    await waitForView(page, 'chat');
    resultOf(await agent.client.request({ type: 'chat.send', sessionId, text: 'Before the restart' }));
    await waitForText(page, 'Before the restart');

    // The server goes away (its data stays).
    const { port, dataDir } = server;
    await closeAll(agent.client);
    await server.stop(true);
    await page.waitForSelector('[data-testid="connection"].ll-banner-lost', { timeout: 5000 });
    expect(await textOf(page, '[data-testid="connection"]')).toMatch(
      /Connection to the support server lost\./,
    );
    expect(
      await page.$eval('.ll-chat-input', (e) => (e instanceof HTMLTextAreaElement ? e.disabled : false)),
    ).toBe(true);
    await waitForText(page, 'Reconnecting… You can send messages again in a moment.');
    await saveScreenshot(page, 'support-connection-lost.png');
    // It keeps trying while the server is down: the second retry is scheduled after the first failed.
    await page.waitForSelector('[data-testid="connection"][data-attempt="2"]', { timeout: 10_000 });

    // Back on the same port with the same data: the page finds it by itself.
    server = await startTestServer({ pagesDir: stage.pages.dir, port, dataDir });
    stage.server = server;
    agent = await connectAgent(server, signedIn);
    await page.waitForSelector('[data-testid="connection"].ll-banner-ok', { timeout: RESUME_WITHIN_MS });
    expect(await textOf(page, '[data-testid="connection"]')).toBe('Reconnected.');
    await waitForView(page, 'chat');
    expect(
      await page.$eval('.ll-chat-input', (e) => (e instanceof HTMLTextAreaElement ? e.disabled : true)),
    ).toBe(false);
    await waitForText(page, 'Before the restart');

    // The chat goes on, both ways.
    resultOf(await agent.client.request({ type: 'chat.send', sessionId, text: 'After the restart' }));
    await waitForText(page, 'After the restart');
    const before = agent.client.received.length;
    await page.type('.ll-chat-input', 'I can see you again');
    await page.keyboard.press('Enter');
    await seen(
      agent.client,
      (m) => m.type === 'chat.message' && (m.line as { text: string }).text === 'I can see you again',
      'customer line after restart',
      before,
    );
    expect(csp).toEqual([]);

    // A reload resumes too: the request token lives in sessionStorage.
    await page.reload();
    await waitForView(page, 'chat');
    await waitForText(page, 'I can see you again');
    expect(await textOf(page, '.ll-chat-head h1')).toBe('You are chatting with Rita Restart');
    await page.close();
  });
});
