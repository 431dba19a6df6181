/**
 * Two server nodes on one real PostgreSQL 15 and one real Redis 7 (Debian's, started by the
 * test), each with its own HTTP/WebSocket port, joined with `bus` + `nodeId` as `lifeline serve
 * --bus --node-id` does: the customer on node A, agents on node B. Guards what a help desk
 * relies on once it runs on several machines: the agent on B is alerted of a request made on A
 * (and A counts B's agent as available), the queue an agent connecting on B sees holds A's
 * requests, one accept wins among agents racing on both nodes and everyone else's alert is
 * withdrawn, chat crosses nodes both ways with one gapless transcript, a status chosen on B
 * moves A's queue figures, and a customer page moving from A to B keeps the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { startPostgres, type PostgresServer } from '../../support/postgres';
import { startRedis, type RedisServer } from '../../support/redis';
import { startTestServer, type TestServer } from '../../support/test-server';
import { TestWsClient } from '../../support/ws-client';
import { until } from '../../support/polling';
import {
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

/** Agents racing for one request on each node. */
const RACERS_PER_NODE = 10;

let pg: PostgresServer;
let redis: RedisServer;
let a: TestServer;
let b: TestServer;

async function startNode(storeUrl: string, nodeId: string): Promise<TestServer> {
  return startTestServer(
    { store: storeUrl, bus: redis.url, nodeId },
    { presence: { presenceTtlMs: 1_500, presenceRefreshMs: 300 } },
  );
}

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const url = await pg.createDatabase();
  a = await startNode(url, 'node-a');
  b = await startNode(url, 'node-b');
}, 60_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await redis?.stop();
  await pg?.stop();
});

async function freshPortal(): Promise<string> {
  const slug = unique('multi').toLowerCase();
  await addPortal(a, slug);
  return slug;
}

describe('two nodes on PostgreSQL and Redis', () => {
  it("alerts the agent on B of A's customer, lists it for agents arriving on B, and carries chat both ways", async () => {
    const slug = await freshPortal();
    const agent = await connectAgent(b, await signInAgent(a, { portals: [slug] }));
    await until('A sees the agent on B', () => a.services.workflow.presence.isAvailable(agent.user.id));

    const customer = await customerViaHttp(a, slug, { name: 'Noor' });
    expect(customer.http.notice).toBeUndefined();
    expect(customer.http.session).toMatchObject({ agentsAvailable: 1, position: 1 });
    const alert = await seen(agent.client, (m) => m.type === 'queue.added', 'queue.added');
    expect(alert).toMatchObject({ entry: { sessionId: customer.sessionId, customerName: 'Noor' } });

    // An agent signing in on B after the request came in on A finds it in their list.
    const late = await connectAgent(b, await signInAgent(a, { portals: [slug] }));
    expect((late.welcome.queue as { sessionId: string }[]).map((e) => e.sessionId)).toContain(
      customer.sessionId,
    );

    resultOf(await agent.client.request({ type: 'request.accept', sessionId: customer.sessionId }));
    expect(await seenType(customer.client, 'session.accepted')).toMatchObject({ agentName: agent.name });
    expect(
      await seen(late.client, (m) => m.type === 'queue.removed' && m.sessionId === customer.sessionId),
    ).toMatchObject({ reason: 'accepted' });

    const fromCustomer = resultOf<{ line: { seq: number } }>(
      await customer.client.request({ type: 'chat.send', text: 'Mon écran est noir' }),
    );
    expect(await seen(agent.client, (m) => m.type === 'chat.message', 'chat.message')).toMatchObject({
      line: { seq: fromCustomer.line.seq, text: 'Mon écran est noir' },
    });
    resultOf(
      await agent.client.request({
        type: 'chat.send',
        sessionId: customer.sessionId,
        text: 'Restart it, please',
      }),
    );
    expect(
      await seen(customer.client, (m) => m.type === 'chat.message' && (m.line as { seq: number }).seq === 2),
    ).toMatchObject({ line: { from: { kind: 'agent' }, text: 'Restart it, please' } });
    // Delivery acknowledgements cross too.
    customer.client.send({ type: 'chat.received', seq: 2 });
    expect(await seenType(agent.client, 'chat.delivered')).toMatchObject({
      sessionId: customer.sessionId,
      seq: 2,
    });

    const lines = await a.store.transcripts.lines(customer.sessionId);
    expect(lines.map((l) => [l.seq, l.text])).toEqual([
      [1, 'Mon écran est noir'],
      [2, 'Restart it, please'],
    ]);
    // Both nodes count the session in progress.
    await until('A counts it', () => a.services.workflow.sessions.counts().inProgress >= 1);
    await closeAll(agent.client, late.client, customer.client);
  }, 30_000);

  it('gives the request to exactly one of the agents racing on both nodes', async () => {
    const slug = await freshPortal();
    const signed = await Promise.all(
      Array.from({ length: 2 * RACERS_PER_NODE }, () => signInAgent(a, { portals: [slug] })),
    );
    const agents = await Promise.all(signed.map((s, i) => connectAgent(i % 2 ? b : a, s)));
    await until('A sees every agent', () =>
      agents.every((x) => a.services.workflow.presence.isAvailable(x.user.id)),
    );
    const customer = await customerViaHttp(a, slug);
    await Promise.all(agents.map((x) => seenType(x.client, 'queue.added')));

    const answers = await Promise.all(
      agents.map((x) => x.client.request({ type: 'request.accept', sessionId: customer.sessionId }, 15_000)),
    );
    const winners = agents.filter((_, i) => answers[i]!.type === 'reply');
    expect(winners).toHaveLength(1);
    expect(answers.filter((m) => m.type === 'error').map((m) => m.code)).toEqual(
      Array(2 * RACERS_PER_NODE - 1).fill('already_accepted'),
    );
    const winner = winners[0]!;
    for (const x of agents) {
      if (x === winner) continue;
      expect(
        await seen(x.client, (m) => m.type === 'queue.removed' && m.sessionId === customer.sessionId),
      ).toMatchObject({ reason: 'accepted', by: winner.name });
    }
    expect(await seenType(customer.client, 'session.accepted')).toMatchObject({ agentName: winner.name });
    await closeAll(customer.client, ...agents.map((x) => x.client));
  }, 60_000);

  it("moves A's queue figures when the agent on B goes busy, and keeps a status across the agent's nodes", async () => {
    const slug = await freshPortal();
    const signed = await signInAgent(a, { portals: [slug] });
    const onB = await connectAgent(b, signed);
    await until('A sees the agent', () => a.services.workflow.presence.isAvailable(signed.user.id));
    const customer = await customerViaHttp(a, slug);
    const from = customer.client.received.length;

    resultOf(await onB.client.request({ type: 'presence.set', status: 'busy' }));
    expect(
      await seen(
        customer.client,
        (m) => m.type === 'queue.position' && m.agentsAvailable === 0,
        'position',
        from,
      ),
    ).toMatchObject({ position: 1 });
    await until('A sees them busy', () => !a.services.workflow.presence.isAvailable(signed.user.id));
    // A second window of the same agent, on A, opens busy (the status they chose on B).
    const onA = await connectAgent(a, signed);
    expect(onA.welcome.status).toBe('busy');
    await closeAll(onA.client, onB.client, customer.client);
  }, 30_000);

  it('keeps the session when the customer page reconnects to the other node', async () => {
    const slug = await freshPortal();
    const agent = await connectAgent(b, await signInAgent(a, { portals: [slug] }));
    const customer = await customerViaHttp(a, slug);
    resultOf(await agent.client.request({ type: 'request.accept', sessionId: customer.sessionId }));
    await seenType(customer.client, 'session.accepted');
    await closeAll(customer.client);
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'customer.presence' && (m.customer as { state: string }).state === 'away',
      ),
    ).toMatchObject({ sessionId: customer.sessionId });

    const page = await TestWsClient.connect(b.wsUrl, b.url);
    page.send({ type: 'customer.hello', requestToken: customer.requestToken, protocol: PROTOCOL_VERSION });
    expect(await page.waitType('customer.welcome')).toMatchObject({ session: { state: 'accepted' } });
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'customer.presence' && (m.customer as { state: string }).state === 'here',
      ),
    ).toMatchObject({ sessionId: customer.sessionId });
    resultOf(
      await agent.client.request({ type: 'chat.send', sessionId: customer.sessionId, text: 'Still there?' }),
    );
    expect(await seenType(page, 'chat.message')).toMatchObject({ line: { text: 'Still there?' } });
    await closeAll(agent.client, page);
  }, 30_000);
});
