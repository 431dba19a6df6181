/**
 * Two server nodes on one real PostgreSQL 15 and one real Redis 7 (Debian's, started by the
 * test), each with its own HTTP/WebSocket port, joined with `bus` + `nodeId` as `lifeline serve
 * --bus --node-id` does: the customer on node A, agents on node B. Guards what a help desk
 * relies on once it runs on several machines: the agent on B is alerted of a request made on A
 * (and A counts B's agent as available), the queue an agent connecting on B sees holds A's
 * requests, one accept wins among agents racing on both nodes and everyone else's alert is
 * withdrawn, chat crosses nodes both ways with one gapless transcript, a status chosen on B
 * moves A's queue figures, a customer page moving from A to B keeps the session, and wrong
 * passwords and join codes spread over both nodes meet one count (two more nodes with a clock
 * that stands still, so a backoff cannot lapse while the test runs on a loaded machine).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { FREE_FAILURES } from '../../../server/auth/throttle';
import { JOIN_FREE_FAILURES } from '../../../server/screen/attempt-throttle';
import { httpFrom } from '../../security/http-from';
import type { TestServer } from '../../support/test-server';
import { startClusterNode, startTwoNodes, type TwoNodes } from '../../support/cluster-node';
import { TestWsClient } from '../../support/ws-client';
import { until } from '../../support/polling';
import {
  addPortal,
  AGENT_PASSWORD,
  closeAll,
  connectAgent,
  connectHelper,
  customerViaHttp,
  resultOf,
  seen,
  seenType,
  signInAgent,
  TEST_ADDRESS,
  unique,
} from '../../support/workflow';

/** Agents racing for one request on each node. */
const RACERS_PER_NODE = 10;
/** Wrong passwords for one account sent at once, half to each node: enough that each node alone would check FREE_FAILURES. */
const BURST = 4 * FREE_FAILURES;
/** Agents of one office signing in at once from one address. */
const OFFICE_AGENTS = 2 * FREE_FAILURES;

let nodes: TwoNodes;
let a: TestServer;
let b: TestServer;

/** A further node of the same deployment (same store, bus and join key), with its own clock if given. */
function startNode(nodeId: string, now?: () => number): Promise<TestServer> {
  return startClusterNode(nodes.place, nodeId, {}, now ? { now } : {});
}

beforeAll(async () => {
  nodes = await startTwoNodes();
  ({ a, b } = nodes);
}, 60_000);

afterAll(async () => {
  await nodes?.stop();
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
    // Either node may win, and the winner's node tells the losers: both must know them all.
    for (const [name, node] of [
      ['A', a],
      ['B', b],
    ] as const)
      await until(`${name} sees every agent`, () =>
        agents.every((x) => node.services.workflow.presence.isAvailable(x.user.id)),
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

  it("tells A's agents a request is taken when B takes it before B's queue has caught up", async () => {
    const slug = await freshPortal();
    const onA = await connectAgent(a, await signInAgent(a, { portals: [slug] }));
    const onB = await connectAgent(b, await signInAgent(a, { portals: [slug] }));
    await until('B sees the agent on A', () => b.services.workflow.presence.isAvailable(onA.user.id));
    // B hears of the new request but its refresh (store reads) waits: B's queue lacks it.
    const sessions = b.services.workflow.sessions;
    const refresh = sessions.changedElsewhere.bind(sessions);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    sessions.changedElsewhere = (id) => held.then(() => refresh(id));
    try {
      const customer = await customerViaHttp(a, slug);
      await seenType(onB.client, 'queue.added');
      resultOf(await onB.client.request({ type: 'request.accept', sessionId: customer.sessionId }));
      expect(
        await seen(onA.client, (m) => m.type === 'queue.removed' && m.sessionId === customer.sessionId),
      ).toMatchObject({ reason: 'accepted', by: onB.name });
      release();
      await until("B's queue is empty again", () => sessions.counts().queued === 0);
      await closeAll(customer.client, onA.client, onB.client);
    } finally {
      release();
      sessions.changedElsewhere = refresh;
    }
  }, 30_000);

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

  it("ends the helper's screen on A when the agent on B ends the session (a code given on B works on A)", async () => {
    const slug = await freshPortal();
    const agent = await connectAgent(b, await signInAgent(a, { portals: [slug] }));
    const customer = await customerViaHttp(a, slug);
    resultOf(await agent.client.request({ type: 'request.accept', sessionId: customer.sessionId }));
    const { joinCode } = resultOf<{ joinCode: string }>(
      await agent.client.request({ type: 'screen.request', sessionId: customer.sessionId }),
    );
    const helper = await connectHelper(a, { kind: 'join', joinCode });
    expect(helper.first.type).toBe('helper.welcome');
    // A node joining meanwhile leaves A's screen alone (it did not restart: A carries it).
    const screenBefore = (await a.store.sessions.byId(customer.sessionId))?.screen;
    expect(screenBefore).not.toBe('none');
    const e = await startNode('node-e');
    await e.stop();
    expect((await a.store.sessions.byId(customer.sessionId))?.screen).toBe(screenBefore);
    expect(helper.client.closeCode).toBeNull();
    resultOf(await agent.client.request({ type: 'session.end', sessionId: customer.sessionId }));
    await helper.client.waitClose();
    expect(helper.client.received.map((m) => m.type)).toContain('session.ended');
    await closeAll(agent.client, customer.client);
  }, 30_000);

  it('counts wrong passwords and wrong join codes spread over two nodes as one', async () => {
    const frozen = Date.now();
    const c = await startNode('node-c', () => frozen);
    const d = await startNode('node-d', () => frozen);
    try {
      const nodes = [c, d];
      const agent = await signInAgent(c);
      const answers: number[] = [];
      for (let i = 0; i <= FREE_FAILURES; i++) {
        // The last try goes to the node that saw the fewest failures itself: it has heard of the others'.
        if (i === FREE_FAILURES)
          await until(
            'the count reaches the other node',
            () => nodes[i % 2]!.services.auth.throttle.retryAfterMs(agent.email, '127.41.0.1') > 0,
          );
        const r = await httpFrom('POST', `${nodes[i % 2]!.url}/api/v1/auth/login`, {
          localAddress: '127.41.0.1',
          body: { email: agent.email, password: `guess ${i}` },
        });
        answers.push(r.status);
      }
      // Alone, each node would have seen 3 failures at most and answered 401 throughout.
      expect(answers).toEqual([...Array(FREE_FAILURES).fill(401), 429]);

      const codes: string[] = [];
      for (let i = 0; i <= JOIN_FREE_FAILURES; i++) {
        const node = nodes[i % 2]!;
        if (i === JOIN_FREE_FAILURES)
          await until(
            'the wrong codes reach the other node',
            () => node.services.workflow.screen.joinCodes.throttle.retryAfterMs('127.41.0.2') > 0,
          );
        const helper = await TestWsClient.connect(node.wsUrl, undefined, { localAddress: '127.41.0.2' });
        helper.send({
          type: 'helper.hello',
          credential: { kind: 'join', joinCode: String(100_000_000 + i) },
          protocol: PROTOCOL_VERSION,
          version: '0.1.0',
          os: { platform: 'linux', release: '6.1.0', arch: 'x64', display: 'x11' },
          supported: true,
        });
        const m = await helper.waitFor((x) => x.type === 'error', 5000, 'error');
        codes.push(String(m.code));
        await closeAll(helper);
      }
      expect(codes).toEqual([...Array(JOIN_FREE_FAILURES).fill('join_code_invalid'), 'too_many_attempts']);
    } finally {
      await c.stop();
      await d.stop();
    }
  }, 30_000);

  it('checks a burst of wrong passwords sent to both nodes at once only the free failures often, and still signs an office in together', async () => {
    // A clock that stands still: the backoff the burst earns cannot lapse while it is answered.
    const frozen = Date.now();
    const e = await startNode('node-e', () => frozen);
    const f = await startNode('node-f', () => frozen);
    try {
      const nodes = [e, f];
      const agent = await signInAgent(e);
      const login = (i: number, localAddress: string, email: string, password: string) =>
        httpFrom('POST', `${nodes[i % 2]!.url}/api/v1/auth/login`, {
          localAddress,
          body: { email, password },
        });
      const burst = await Promise.all(
        Array.from({ length: BURST }, (_, i) => login(i, '127.41.0.3', agent.email, `guess ${i}`)),
      );
      const checked = burst.filter((r) => r.status === 401).length;
      // One node alone checks FREE_FAILURES of its own half: twice as many in all. Exactly
      // FREE_FAILURES whatever the order of arrival: seats are taken lowest first and none is
      // freed here (failures keep theirs, leases cannot lapse on a clock that stands still).
      expect(checked).toBe(FREE_FAILURES);
      const refused = burst.filter((r) => r.status !== 401);
      expect(refused.map((r) => [r.status, r.body.error?.code])).toEqual(
        refused.map(() => [429, 'too_many_attempts']),
      );
      // What the server says it checked: one audit entry per wrong password it verified.
      const audited = await e.store.audit.query({
        action: 'login.failed',
        target: agent.email,
        offset: 0,
        limit: 100,
      });
      expect(audited.total).toBe(checked);

      // Afterwards, the existing rules: the right password waits out the backoff from the
      // guesser's address, on either node; the agent's usual address has its own count.
      for (const i of [0, 1]) {
        const r = await login(i, '127.41.0.3', agent.email, AGENT_PASSWORD);
        expect([r.status, r.body.error?.code]).toEqual([429, 'too_many_attempts']);
      }
      for (const i of [0, 1])
        expect((await login(i, TEST_ADDRESS, agent.email, AGENT_PASSWORD)).status).toBe(200);

      // An office behind one NAT: its agents sign in together, on both nodes at once.
      const office = await Promise.all(Array.from({ length: OFFICE_AGENTS }, () => signInAgent(e)));
      const together = await Promise.all(
        office.map((o, i) => login(i, '127.41.0.4', o.email, AGENT_PASSWORD)),
      );
      expect(together.map((r) => r.status)).toEqual(office.map(() => 200));
    } finally {
      await e.stop();
      await f.stop();
    }
  }, 30_000);
});
