// The customer's path through the support page in a real Chromium against a real server: ask,
// wait (place in line), chat both ways with typing indicator and delivery ticks, what they type
// shown as text, the agent ends, and one click starts a new request. Plus the pages' CSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../support/test-server';
import { addAgent, addPortal, closeAll, resultOf, seen, type ConnectedAgent } from '../../support/workflow';
import { saveScreenshot } from '../../support/screenshots';
import { openPage, textOf, waitForText, waitForView, type TestBrowser } from './browser';
import { startPagesStage, type PagesStage } from './pages-stage';

const PORTAL = 'it-desk';

let stage: PagesStage;
let server: TestServer;
let chromium: TestBrowser;
const agents: ConnectedAgent[] = [];

beforeAll(async () => {
  stage = await startPagesStage();
  ({ server, chromium } = stage);
  await addPortal(server, PORTAL, 'IT Help Desk');
});

afterAll(async () => {
  await closeAll(...agents.map((a) => a.client));
  await stage?.close();
});

describe('support page', () => {
  it('asks, waits, chats with the agent both ways, and continues with the same agent after the end', async () => {
    const agent = await addAgent(server, { portals: [PORTAL], name: 'Anna Agent' });
    agents.push(agent);
    const { page, csp, errors } = await openPage(chromium.browser);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    await page.goto(`${server.url}/support/${PORTAL}`);
    await waitForView(page, 'form');
    expect(await page.title()).toBe('IT Help Desk · Support');
    await saveScreenshot(page, 'support-form.png');

    await page.type('input[name="name"]', 'Chloé Customer');
    await page.type('input[name="email"]', 'chloe@example.com');
    await page.type('textarea[name="problem"]', 'My printer prints blank pages.');
    const mark = agent.client.received.length;
    await page.click('button[type="submit"]');

    // Waiting: the place in line, and the agent is alerted.
    await waitForView(page, 'waiting');
    expect(await textOf(page, '[data-testid="position"]')).toBe('You are next in line.');
    expect(await textOf(page, '[data-testid="waited"]')).toMatch(/^Waiting for \d+ seconds?$/);
    const added = await seen(agent.client, (m) => m.type === 'queue.added', 'queue.added', mark);
    const entry = added.entry as { sessionId: string; customerName: string; problem: string };
    expect(entry).toMatchObject({
      customerName: 'Chloé Customer',
      problem: 'My printer prints blank pages.',
    });
    await saveScreenshot(page, 'support-waiting.png');

    // The agent accepts: the page switches to the chat and names the agent.
    resultOf(await agent.client.request({ type: 'request.accept', sessionId: entry.sessionId }));
    await waitForView(page, 'chat');
    expect(await textOf(page, '.ll-chat-head h1')).toBe('You are chatting with Anna Agent');

    // Agent -> customer: typing indicator, then the message, which the page acknowledges.
    agent.client.send({ type: 'chat.typing', sessionId: entry.sessionId, typing: true });
    expect(await textOf(page, '.ll-chat-typing-text')).toBe('Anna Agent is typing…');
    const fromAgent = resultOf<{ line: { seq: number } }>(
      await agent.client.request({
        type: 'chat.send',
        sessionId: entry.sessionId,
        text: 'Hello Chloé, how can I help?',
      }),
    );
    await waitForText(page, 'Hello Chloé, how can I help?');
    await page.waitForFunction(() => document.querySelector('.ll-chat-typing-text') === null);
    await seen(
      agent.client,
      (m) => m.type === 'chat.delivered' && m.seq === fromAgent.line.seq,
      'chat.delivered of the agent line',
    );

    // Customer -> agent: typing reaches the agent; Enter sends; HTML stays text everywhere.
    const typed = 'It says <img src=x onerror=alert(1)> & <b>bold</b>';
    const beforeTyping = agent.client.received.length;
    await page.type('.ll-chat-input', typed);
    await seen(
      agent.client,
      (m) =>
        m.type === 'chat.typing' && m.typing === true && (m.from as { kind: string }).kind === 'customer',
      'customer typing',
      beforeTyping,
    );
    await page.keyboard.press('Enter');
    const got = await seen(
      agent.client,
      (m) => m.type === 'chat.message' && (m.line as { text: string }).text === typed,
      'the customer line',
      beforeTyping,
    );
    await seen(
      agent.client,
      (m) =>
        m.type === 'chat.typing' && m.typing === false && (m.from as { kind: string }).kind === 'customer',
      'customer stopped typing',
      beforeTyping,
    );
    const ownSeq = (got.line as { seq: number }).seq;
    const own = `.ll-chat-own[data-seq="${ownSeq}"]`;
    await page.waitForSelector(own);
    expect(await textOf(page, `${own} .ll-chat-text`)).toBe(typed);
    expect(await page.$$eval('.ll-chat-transcript img, .ll-chat-transcript b', (els) => els.length)).toBe(0);
    expect(await page.$eval(`${own} .ll-chat-mark`, (e) => e.getAttribute('data-state'))).toBe('sent');
    // The agent's client shows it: two ticks on the customer's side.
    agent.client.send({ type: 'chat.received', sessionId: entry.sessionId, seq: ownSeq });
    await page.waitForSelector(`${own} .ll-chat-mark[data-state="delivered"]`);
    expect(
      await page.$eval('.ll-chat-input', (e) => (e instanceof HTMLTextAreaElement ? e.value : null)),
    ).toBe('');
    await saveScreenshot(page, 'support-chat.png');

    // The agent ends the session: the page says who ended it and offers a new request.
    resultOf(await agent.client.request({ type: 'session.end', sessionId: entry.sessionId }));
    await waitForView(page, 'ended');
    await waitForText(page, 'Anna Agent ended the session.');
    await saveScreenshot(page, 'support-ended.png');

    // "Continue with Anna Agent": the form again, name and e-mail kept, the description empty,
    // and the request goes to Anna first (the FAQ's "representative not available" case).
    const beforeRestart = agent.client.received.length;
    expect(await textOf(page, '[data-view="ended"] .ll-continue')).toBe('Continue with Anna Agent');
    await page.click('[data-view="ended"] .ll-continue');
    await waitForView(page, 'form');
    expect(await textOf(page, '.ll-continue-note')).toBe(
      'Your request goes to Anna Agent first. If Anna Agent is not available, it goes to the next available agent.',
    );
    expect(await page.$eval('input[name="name"]', (e) => (e as HTMLInputElement).value)).toBe(
      'Chloé Customer',
    );
    expect(await page.$eval('textarea[name="problem"]', (e) => (e as HTMLTextAreaElement).value)).toBe('');
    await page.type('textarea[name="problem"]', 'Now the scanner is stuck.');
    await page.click('button[type="submit"]');
    await waitForView(page, 'waiting');
    expect(await textOf(page, '.ll-routing[data-routing="asked"]')).toBe(
      'Anna Agent has been asked first. If Anna Agent does not answer within a couple of minutes, the next available agent will.',
    );
    const again = await seen(
      agent.client,
      (m) => m.type === 'queue.added',
      'second queue.added',
      beforeRestart,
    );
    const second = again.entry as {
      sessionId: string;
      customerName: string;
      customerEmail?: string;
      problem: string;
      targetAgentId?: string;
    };
    expect(second.sessionId).not.toBe(entry.sessionId);
    expect(second).toMatchObject({
      customerName: 'Chloé Customer',
      customerEmail: 'chloe@example.com',
      problem: 'Now the scanner is stuck.',
      targetAgentId: agent.user.id,
    });
    // Anna declines: the page says so in words, and the request waits for the next agent.
    resultOf(
      await agent.client.request({
        type: 'request.decline',
        sessionId: second.sessionId,
        reason: 'In a call',
      }),
    );
    expect(await textOf(page, '.ll-routing[data-routing="declined"]')).toBe(
      'Anna Agent cannot take your request right now. It went to the next available agent.',
    );
    await saveScreenshot(page, 'support-continue-declined.png');

    expect(dialogs).toEqual([]);
    expect(csp).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves the support, setup and management pages without a single CSP violation or console error', async () => {
    for (const path of [`/support/${PORTAL}`, '/setup', '/manage']) {
      const { page, csp, errors } = await openPage(chromium.browser);
      const res = await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle0' });
      expect(res?.status(), path).toBe(200);
      const policy = res?.headers()['content-security-policy'] ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("style-src 'self'");
      // The app really ran (a blocked script would leave the mount point empty).
      expect(await page.$eval('#app', (e) => e.children.length), path).toBeGreaterThan(0);
      expect(await page.$$eval('script:not([src])', (els) => els.length), path).toBe(0);
      expect(await page.$$eval('[style]', (els) => els.length), path).toBe(0);
      expect(csp, path).toEqual([]);
      expect(errors, path).toEqual([]);
      await page.close();
    }
  });
});
