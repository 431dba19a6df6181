import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { startTestServer, type TestServer } from '../../support/test-server';
import { TestWsClient } from '../../support/ws-client';
import {
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  connectAgent,
  customerViaHttp,
  resultOf,
  seen,
  seenType,
  signInAgent,
  unique,
} from '../../support/workflow';

let server: TestServer;
let slug: string;
beforeAll(async () => {
  server = await startTestServer();
  slug = unique('chat').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

describe('chat', () => {
  it('carries lines both ways with gapless seq, delivery acknowledgements and typing', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, agent, slug, { name: 'Hana' });
    const sid = customer.sessionId;

    const mine = resultOf<{ line: Record<string, unknown> }>(
      await customer.client.request({ type: 'chat.send', text: 'Hi, my screen is black' }),
    );
    expect(mine.line).toMatchObject({ sessionId: sid, seq: 1, from: { kind: 'customer', name: 'Hana' } });
    const atAgent = await seen(agent.client, (m) => m.type === 'chat.message', 'chat.message');
    expect(atAgent.line).toEqual(mine.line);
    expect(await seenType(customer.client, 'chat.message')).toMatchObject({ line: { seq: 1 } });

    // The agent's client shows line 1 and says so: the customer sees "delivered".
    agent.client.send({ type: 'chat.received', sessionId: sid, seq: 1 });
    expect(await seenType(customer.client, 'chat.delivered')).toEqual({ type: 'chat.delivered', seq: 1 });

    agent.client.send({ type: 'chat.typing', sessionId: sid, typing: true });
    expect(await seenType(customer.client, 'chat.typing')).toMatchObject({
      typing: true,
      from: { kind: 'agent', name: agent.name, agentId: agent.user.id },
    });
    customer.client.send({ type: 'chat.typing', typing: true });
    expect(await seenType(agent.client, 'chat.typing')).toMatchObject({
      sessionId: sid,
      typing: true,
      from: { kind: 'customer', name: 'Hana' },
    });

    const reply = resultOf<{ line: { seq: number } }>(
      await agent.client.request({ type: 'chat.send', sessionId: sid, text: 'Let us look.\nTry this:' }),
    );
    expect(reply.line.seq).toBe(2);
    customer.client.send({ type: 'chat.received', seq: 2 });
    expect(await seenType(agent.client, 'chat.delivered')).toEqual({
      type: 'chat.delivered',
      sessionId: sid,
      seq: 2,
    });

    // Many lines from both sides at once: seq stays gapless and each side keeps its own order.
    const sends = [];
    for (let i = 0; i < 20; i++) {
      sends.push(customer.client.request({ type: 'chat.send', text: `c${i}` }));
      sends.push(agent.client.request({ type: 'chat.send', sessionId: sid, text: `a${i}` }));
    }
    await Promise.all(sends);
    const lines = await server.store.transcripts.lines(sid);
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    const texts = lines.map((l) => l.text);
    const order = (p: string) => texts.filter((t) => t.startsWith(p) && /^\w\d+$/.test(t));
    expect(order('c')).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`));
    expect(order('a')).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
    await closeAll(agent.client, customer.client);
  });

  it('keeps what the customer types as text, byte for byte', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, agent, slug, { name: '<b>Ivy</b>' });
    const text = '<script>alert("x")</script> & <img src=x onerror=alert(1)> é 日本 👍';
    resultOf(await customer.client.request({ type: 'chat.send', text }));
    const line = await seen(agent.client, (m) => m.type === 'chat.message', 'chat.message');
    expect(line.line).toMatchObject({ text, from: { kind: 'customer', name: '<b>Ivy</b>' } });
    // The status page is the one HTML page the server renders itself; nothing typed reaches it.
    const page = await (await fetch(`${server.url}/status`)).text();
    expect(page).not.toContain('<script>alert');
    await closeAll(agent.client, customer.client);
  });

  it('refuses acknowledgements of lines that do not exist and chat from agents who do not hold the session', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const stranger = await addAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, agent, slug);
    customer.client.send({ type: 'chat.received', seq: 5 });
    expect(await seenType(customer.client, 'error')).toMatchObject({ code: 'invalid_message' });
    const refused = await stranger.client.request({
      type: 'chat.send',
      sessionId: customer.sessionId,
      text: 'hi',
    });
    expect(refused).toMatchObject({ type: 'error', code: 'not_in_session' });
    // Nothing reached the customer from the stranger.
    expect(customer.client.received.some((m) => m.type === 'chat.message')).toBe(false);
    await closeAll(agent.client, stranger.client, customer.client);
  });

  it('lets a waiting customer write; the agent who accepts reads it in the transcript', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const customer = await customerViaHttp(server, slug);
    resultOf(await customer.client.request({ type: 'chat.send', text: 'Still there?' }));
    const accepted = resultOf<{ transcript: { text: string }[] }>(
      await agent.client.request({ type: 'request.accept', sessionId: customer.sessionId }),
    );
    expect(accepted.transcript.map((l) => l.text)).toEqual(['Still there?']);
    await closeAll(agent.client, customer.client);
  });

  it('lets an agent hold many sessions at once, each chat apart', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const customers = [];
    for (let i = 0; i < 5; i++) customers.push(await acceptedSession(server, agent, slug, { name: `C${i}` }));
    for (const [i, c] of customers.entries()) {
      resultOf(await agent.client.request({ type: 'chat.send', sessionId: c.sessionId, text: `to ${i}` }));
    }
    for (const [i, c] of customers.entries()) {
      const m = await seenType(c.client, 'chat.message');
      expect(m.line).toMatchObject({ text: `to ${i}`, seq: 1 });
      expect(c.client.received.filter((x) => x.type === 'chat.message')).toHaveLength(1);
    }
    const again = await connectAgent(server, agent);
    expect((again.welcome.sessions as unknown[]).length).toBe(5);
    await closeAll(agent.client, again.client, ...customers.map((c) => c.client));
  });
});

describe('the transcript across a server restart', () => {
  it('survives, and seq continues without a gap', async () => {
    const first = await startTestServer();
    const portal = unique('r').toLowerCase();
    await addPortal(first, portal);
    const signed = await signInAgent(first, { portals: [portal] });
    const agent = await connectAgent(first, signed);
    const customer = await acceptedSession(first, agent, portal, { name: 'Jo' });
    resultOf(await customer.client.request({ type: 'chat.send', text: 'before restart 1' }));
    resultOf(
      await agent.client.request({
        type: 'chat.send',
        sessionId: customer.sessionId,
        text: 'before restart 2',
      }),
    );
    await closeAll(agent.client, customer.client);
    await first.stop(true);

    const second = await startTestServer({ dataDir: first.dataDir });
    try {
      const page = await TestWsClient.connect(second.wsUrl, second.url);
      page.send({ type: 'customer.hello', requestToken: customer.requestToken, protocol: PROTOCOL_VERSION });
      const welcome = await page.waitType('customer.welcome');
      expect(welcome.session).toMatchObject({ state: 'accepted', agentName: signed.name });
      expect((welcome.transcript as { seq: number; text: string }[]).map((l) => [l.seq, l.text])).toEqual([
        [1, 'before restart 1'],
        [2, 'before restart 2'],
      ]);
      // The agent's token still stands (logins are in the store); the session is in the welcome.
      const back = await connectAgent(second, signed);
      expect((back.welcome.sessions as { id: string }[]).map((s) => s.id)).toContain(customer.sessionId);
      const opened = resultOf<{ transcript: unknown[] }>(
        await back.client.request({ type: 'session.open', sessionId: customer.sessionId }),
      );
      expect(opened.transcript).toHaveLength(2);
      const next = resultOf<{ line: { seq: number } }>(
        await page.request({ type: 'chat.send', text: 'after restart' }),
      );
      expect(next.line.seq).toBe(3);
      page.send({ type: 'chat.received', seq: 2 });
      expect(await seenType(back.client, 'chat.message')).toMatchObject({ line: { seq: 3 } });
      await closeAll(page, back.client);
    } finally {
      await second.stop();
    }
  });
});
