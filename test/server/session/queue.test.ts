import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { startTestServer, type TestServer } from '../../support/test-server';
import { TestWsClient } from '../../support/ws-client';
import {
  addAgent,
  addPortal,
  closeAll,
  connectAgent,
  customerViaHttp,
  customerViaWs,
  median,
  postRequest,
  resultOf,
  seen,
  seenType,
  signInAgent,
  unique,
} from '../../support/workflow';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { workflow: { requestsPerAddress: 10_000 } });
});
afterAll(() => server.stop());

async function freshPortal(): Promise<string> {
  const slug = unique('p').toLowerCase();
  await addPortal(server, slug, `Help ${slug}`);
  return slug;
}

describe('requests and the queue', () => {
  it('pushes a new request at once to every available agent of the portal, and to nobody else', async () => {
    const slug = await freshPortal();
    const other = await freshPortal();
    const a = await addAgent(server, { portals: [slug] });
    const b = await addAgent(server, { portals: [slug] });
    const busy = await addAgent(server, { portals: [slug] });
    const elsewhere = await addAgent(server, { portals: [other] });
    resultOf(await busy.client.request({ type: 'presence.set', status: 'busy' }));

    const { status, body } = await postRequest(server, slug, {
      name: 'Dana',
      email: ' Dana@Example.COM ',
      problem: 'VPN drops',
    });
    expect(status).toBe(201);
    expect(body.notice).toBeUndefined();
    const session = body.session as Record<string, unknown>;
    expect(session).toMatchObject({ state: 'queued', position: 1, agentsAvailable: 2, customerName: 'Dana' });
    expect(typeof body.requestToken).toBe('string');

    for (const agent of [a, b]) {
      const added = await agent.client.waitType('queue.added');
      expect(added.entry).toMatchObject({
        sessionId: session.sessionId,
        customerName: 'Dana',
        customerEmail: 'dana@example.com',
        problem: 'VPN drops',
        portal: { slug, name: `Help ${slug}` },
      });
    }
    await new Promise((r) => setTimeout(r, 150));
    expect(busy.client.received.some((m) => m.type === 'queue.added')).toBe(false);
    expect(elsewhere.client.received.some((m) => m.type === 'queue.added')).toBe(false);
    // The busy agent still sees it in the list if they reconnect (alerts are what busy stops).
    const again = await connectAgent(server, busy);
    expect((again.welcome.queue as { sessionId: string }[]).map((e) => e.sessionId)).toContain(
      session.sessionId,
    );
    await closeAll(a.client, b.client, busy.client, again.client, elsewhere.client);
  });

  it('answers no_agents_online when nobody is available; the request waits and the first agent finds it', async () => {
    const slug = await freshPortal();
    const info = await fetch(`${server.url}/api/v1/portals/${slug}`);
    expect(await info.json()).toEqual({ slug, name: `Help ${slug}`, agentsAvailable: 0 });

    const customer = await customerViaHttp(server, slug);
    expect(customer.http.notice).toBe('no_agents_online');
    expect(customer.first.session).toMatchObject({ state: 'queued', position: 1, agentsAvailable: 0 });

    const agent = await addAgent(server, { portals: [slug] });
    const entries = agent.welcome.queue as { sessionId: string }[];
    expect(entries.map((e) => e.sessionId)).toEqual([customer.sessionId]);
    const position = await seenType(customer.client, 'queue.position');
    expect(position).toMatchObject({ position: 1, agentsAvailable: 1 });

    const portalNow = (await (await fetch(`${server.url}/api/v1/portals/${slug}`)).json()) as Record<
      string,
      unknown
    >;
    expect(portalNow.agentsAvailable).toBe(1);
    await closeAll(agent.client, customer.client);
  });

  it('refuses unknown portals and invalid bodies with stable codes', async () => {
    const missing = await postRequest(server, 'no-such-portal');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'portal_not_found' } });
    const badSlug = await fetch(`${server.url}/api/v1/portals/..%2Fetc/requests`, { method: 'POST' });
    expect(badSlug.status).toBe(404);
    const slug = await freshPortal();
    const res = await fetch(`${server.url}/api/v1/portals/${slug}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '', problem: 'x' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'invalid_message', details: { field: 'name' } },
    });
    const big = await fetch(`${server.url}/api/v1/portals/${slug}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'A', problem: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
  });

  it('takes a request over /ws too (request.create), with the same notice', async () => {
    const slug = await freshPortal();
    const customer = await customerViaWs(server, slug, { name: 'Eve' });
    expect(customer.first.result).toMatchObject({
      notice: 'no_agents_online',
      session: { state: 'queued', customerName: 'Eve', position: 1 },
    });
    const agent = await addAgent(server, { portals: [slug] });
    const accepted = resultOf(
      await agent.client.request({ type: 'request.accept', sessionId: customer.sessionId }),
    );
    expect(accepted).toMatchObject({ session: { id: customer.sessionId, state: 'accepted' } });
    expect(await seenType(customer.client, 'session.accepted')).toMatchObject({ agentName: agent.name });
    await closeAll(agent.client, customer.client);
  });

  it('tells waiting customers their place in line as it moves; a customer can cancel', async () => {
    const slug = await freshPortal();
    const agent = await addAgent(server, { portals: [slug] });
    const c1 = await customerViaHttp(server, slug);
    const c2 = await customerViaHttp(server, slug);
    const c3 = await customerViaHttp(server, slug);
    expect(c3.first.session).toMatchObject({ position: 3 });

    const mark2 = c2.client.received.length;
    const mark3 = c3.client.received.length;
    resultOf(await c1.client.request({ type: 'request.cancel' }));
    expect(await seenType(c1.client, 'session.ended')).toMatchObject({ by: 'customer' });
    expect(await seenType(c2.client, 'queue.position', mark2)).toMatchObject({ position: 1 });
    expect(await seenType(c3.client, 'queue.position', mark3)).toMatchObject({ position: 2 });
    expect(
      await seen(agent.client, (m) => m.type === 'queue.removed' && m.sessionId === c1.sessionId),
    ).toMatchObject({ reason: 'cancelled' });

    // Once accepted, a request cannot be "cancelled": the session is ended instead.
    const mark3b = c3.client.received.length;
    resultOf(await agent.client.request({ type: 'request.accept', sessionId: c2.sessionId }));
    const refused = await c2.client.request({ type: 'request.cancel' });
    expect(refused).toMatchObject({ type: 'error', code: 'illegal_transition' });
    expect(await seenType(c3.client, 'queue.position', mark3b)).toMatchObject({ position: 1 });
    await closeAll(agent.client, c1.client, c2.client, c3.client);
  });

  it('stops alerting a busy agent, and alerts them again with what waits when they are back', async () => {
    const slug = await freshPortal();
    const agent = await addAgent(server, { portals: [slug] });
    expect(agent.welcome.status).toBe('available');
    resultOf(await agent.client.request({ type: 'presence.set', status: 'busy' }));
    expect(await seenType(agent.client, 'presence.changed')).toMatchObject({ status: 'busy' });
    const customer = await customerViaHttp(server, slug);
    expect(customer.http.notice).toBe('no_agents_online');
    await new Promise((r) => setTimeout(r, 100));
    expect(agent.client.received.some((m) => m.type === 'queue.added')).toBe(false);

    resultOf(await agent.client.request({ type: 'presence.set', status: 'available' }));
    const added = await seenType(agent.client, 'queue.added');
    expect(added.entry).toMatchObject({ sessionId: customer.sessionId });
    expect(await seenType(customer.client, 'queue.position')).toMatchObject({ agentsAvailable: 1 });

    // The status is the agent's, not the socket's: a second window opens busy too.
    resultOf(await agent.client.request({ type: 'presence.set', status: 'busy' }));
    const second = await connectAgent(server, agent);
    expect(second.welcome.status).toBe('busy');
    await closeAll(agent.client, second.client, customer.client);
  });

  it('gives the session to exactly one of 100 agents accepting at once, and withdraws everyone else’s alert', async () => {
    const slug = await freshPortal();
    const signed = await Promise.all(
      Array.from({ length: 100 }, () => signInAgent(server, { portals: [slug] })),
    );
    const agents = await Promise.all(signed.map((s) => connectAgent(server, s)));
    const customer = await customerViaHttp(server, slug);
    await Promise.all(agents.map((a) => a.client.waitType('queue.added')));

    const answers = await Promise.all(
      agents.map((a) => a.client.request({ type: 'request.accept', sessionId: customer.sessionId }, 15_000)),
    );
    const winners = answers.map((m, i) => ({ m, a: agents[i]! })).filter(({ m }) => m.type === 'reply');
    expect(winners).toHaveLength(1);
    const losers = answers.filter((m) => m.type === 'error');
    expect(losers).toHaveLength(99);
    for (const l of losers) expect(l.code).toBe('already_accepted');

    const winner = winners[0]!.a;
    expect(await seenType(winner.client, 'session.assigned')).toMatchObject({
      session: { id: customer.sessionId, state: 'accepted', agent: { id: winner.user.id } },
    });
    for (const a of agents) {
      if (a === winner) continue;
      expect(
        await seen(a.client, (m) => m.type === 'queue.removed' && m.sessionId === customer.sessionId),
      ).toMatchObject({ reason: 'accepted', by: winner.name });
    }
    expect(await seenType(customer.client, 'session.accepted')).toMatchObject({ agentName: winner.name });
    const record = await server.store.sessions.byId(customer.sessionId);
    expect(record).toMatchObject({ state: 'accepted', agentId: winner.user.id });
    await closeAll(customer.client, ...agents.map((a) => a.client));
  }, 60_000);

  it('measures the push: median time from the customer POST to the agents’ queue.added', async () => {
    const slug = await freshPortal();
    const agents = await Promise.all([1, 2, 3].map(() => addAgent(server, { portals: [slug] })));
    const samples: number[] = [];
    for (let i = 0; i < 25; i++) {
      const started = performance.now();
      const waits = agents.map((a) =>
        a.client
          .waitFor((m) => m.type === 'queue.added', 5000, `queue.added #${i}`)
          .then(() => performance.now()),
      );
      const { status } = await postRequest(server, slug, { name: `Customer ${i}` });
      expect(status).toBe(201);
      const arrivals = await Promise.all(waits);
      samples.push(...arrivals.map((t) => t - started));
    }
    expect(samples).toHaveLength(75);
    // Reported, not asserted: speed belongs to bench/, not to a timed test.
    console.info(
      `queue push latency (POST -> queue.added), median of ${samples.length}: ${median(samples).toFixed(2)} ms`,
    );
    await closeAll(...agents.map((a) => a.client));
  });

  it('feeds the status page with live counts', async () => {
    const before = (await (await fetch(`${server.url}/api/v1/status`)).json()) as Record<string, number>;
    const slug = await freshPortal();
    const agent = await addAgent(server, { portals: [slug] });
    const c1 = await customerViaHttp(server, slug);
    const c2 = await customerViaHttp(server, slug);
    resultOf(await agent.client.request({ type: 'request.accept', sessionId: c1.sessionId }));
    const now = (await (await fetch(`${server.url}/api/v1/status`)).json()) as Record<string, number>;
    expect(now.agentsOnline).toBe(before.agentsOnline! + 1);
    expect(now.queued).toBe(before.queued! + 1);
    expect(now.sessionsActive).toBe(before.sessionsActive! + 1);
    void c2;
    await closeAll(agent.client, c1.client, c2.client);
  });
});

describe('a customer who comes back', () => {
  it('to an ended session gets session_ended and restarts in one step with the same details', async () => {
    const slug = await freshPortal();
    const agent = await addAgent(server, { portals: [slug] });
    const first = await customerViaHttp(server, slug, {
      name: 'Fay',
      email: 'fay@example.test',
      problem: 'No sound',
    });
    resultOf(await agent.client.request({ type: 'request.accept', sessionId: first.sessionId }));
    resultOf(await agent.client.request({ type: 'session.end', sessionId: first.sessionId }));
    expect(await seenType(first.client, 'session.ended')).toMatchObject({ by: 'agent' });
    await closeAll(first.client);

    // The page reloads later: the old token names an ended session.
    const page = await TestWsClient.connect(server.wsUrl, server.url);
    page.send({ type: 'customer.hello', requestToken: first.requestToken, protocol: PROTOCOL_VERSION });
    expect(await page.waitType('error')).toMatchObject({
      code: 'session_ended',
      details: { canRestart: true },
    });
    const restarted = resultOf<{ requestToken: string; session: Record<string, unknown> }>(
      await page.request({ type: 'request.restart' }),
    );
    expect(restarted.requestToken).not.toBe(first.requestToken);
    expect(restarted.session).toMatchObject({ state: 'queued', customerName: 'Fay', position: 1 });
    const added = await agent.client.waitFor(
      (m) => m.type === 'queue.added' && (m.entry as { sessionId: string }).sessionId !== first.sessionId,
    );
    expect(added.entry).toMatchObject({
      customerName: 'Fay',
      customerEmail: 'fay@example.test',
      problem: 'No sound',
    });
    // The restarted page follows the new session: the agent's accept reaches it.
    const newId = (restarted.session as { sessionId: string }).sessionId;
    resultOf(await agent.client.request({ type: 'request.accept', sessionId: newId }));
    expect(await seenType(page, 'session.accepted')).toMatchObject({ agentName: agent.name });
    // A restart of an open request is refused.
    expect(await page.request({ type: 'request.restart' })).toMatchObject({ code: 'illegal_transition' });
    await closeAll(agent.client, page);
  });

  it('with an unknown token gets request_not_found, and the socket stays usable', async () => {
    const page = await TestWsClient.connect(server.wsUrl, server.url);
    page.send({ type: 'customer.hello', requestToken: 'nope', protocol: PROTOCOL_VERSION });
    expect(await page.waitType('error')).toMatchObject({ code: 'request_not_found' });
    const slug = await freshPortal();
    const created = await page.request({
      type: 'request.create',
      portal: slug,
      name: 'Gil',
      problem: 'x',
      protocol: PROTOCOL_VERSION,
    });
    expect(created.type).toBe('reply');
    await closeAll(page);
  });

  it('after a reload, finds the conversation as it was (welcome with the transcript)', async () => {
    const slug = await freshPortal();
    const agent = await addAgent(server, { portals: [slug] });
    const customer = await customerViaHttp(server, slug);
    resultOf(await agent.client.request({ type: 'request.accept', sessionId: customer.sessionId }));
    resultOf(
      await agent.client.request({ type: 'chat.send', sessionId: customer.sessionId, text: 'Hello!' }),
    );
    await closeAll(customer.client);
    const page = await TestWsClient.connect(server.wsUrl, server.url);
    page.send({ type: 'customer.hello', requestToken: customer.requestToken, protocol: PROTOCOL_VERSION });
    const welcome = await page.waitType('customer.welcome');
    expect(welcome.session).toMatchObject({ state: 'accepted', agentName: agent.name });
    expect(welcome.transcript).toMatchObject([{ seq: 1, text: 'Hello!', from: { kind: 'agent' } }]);
    await closeAll(agent.client, page);
  });
});
