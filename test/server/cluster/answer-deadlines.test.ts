/**
 * Transfer answer deadlines across nodes, with one real PostgreSQL 15, one real Redis 7 and two
 * real server nodes: a transfer started on node A for an agent on node B times out even when A
 * is gone by then (B keeps the deadlines the store implies), and with both nodes alive it times
 * out once, not once per node (the Redis gate: one node acts on each deadline).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwoNodes, type TwoNodes } from '../../support/cluster-node';
import { until, wait } from '../../support/polling';
import type { TestServer } from '../../support/test-server';
import {
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  resultOf,
  seen,
  unique,
} from '../../support/workflow';
import type { TestMessage } from '../../support/ws-client';

/** The manager's transfer timeout in these tests, in s. */
const TIMEOUT_S = 3;
/** How long a second, duplicate expiry is given to show up after the first, in ms. */
const DUPLICATE_WINDOW_MS = 1_500;

let nodes: TwoNodes;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  nodes = await startTwoNodes();
  ({ a, b } = nodes);
  await a.store.company.create('Test company', Date.now());
  await a.store.company.setTransferTimeout(TIMEOUT_S);
}, 60_000);

afterAll(async () => {
  await nodes?.stop();
});

const forSession = (sid: string) => (m: TestMessage) =>
  (m.entry as { sessionId?: string } | undefined)?.sessionId === sid || m.sessionId === sid;

/** Alice (on A) transfers her session (customer on A) to Bob (on B); Carol (on B) serves the portal. */
async function transferredAcross(options: { senderGone?: boolean } = {}) {
  const slug = unique('deadline').toLowerCase();
  await addPortal(a, slug);
  const alice = await addAgent(a, { portals: [slug], name: 'Alice' });
  const bob = await addAgent(b, { name: 'Bob' });
  const carol = await addAgent(b, { portals: [slug], name: 'Carol' });
  const customer = await acceptedSession(a, alice, slug);
  const sid = customer.sessionId;
  const carolMark = carol.client.received.length;
  resultOf(
    await alice.client.request({
      type: 'session.transfer',
      sessionId: sid,
      target: { kind: 'agent', agentId: bob.user.id },
      comment: 'Printer model X200',
    }),
  );
  if (options.senderGone) {
    // Alice's account is no longer active (in the shared store, a write of milliseconds against
    // a timeout of seconds): at the deadline every node reads that, and the transfer goes to the
    // portal, the way that two nodes acting on it would both take.
    await a.store.users.update(alice.user.id, { state: 'deactivated' });
  }
  await seen(
    bob.client,
    (m) => m.type === 'queue.added' && forSession(sid)(m),
    'the transfer at Bob',
    0,
    10_000,
  );
  return { alice, bob, carol, customer, sid, carolMark };
}

describe('transfer deadlines across two nodes', () => {
  it('time out once with both nodes alive: the portal is alerted once, not once per node', async () => {
    // (Carol saw the request once already, before Alice accepted it: count from the transfer.)
    const { alice, bob, carol, customer, sid, carolMark } = await transferredAcross({ senderGone: true });
    const removed = await seen(
      bob.client,
      (m) => m.type === 'queue.removed' && m.sessionId === sid,
      'the transfer leaving Bob at its deadline',
      0,
      TIMEOUT_S * 1000 + 10_000,
    );
    expect(removed.reason).toBe('moved');
    await seen(
      carol.client,
      (m) => m.type === 'queue.added' && forSession(sid)(m),
      'the portal alert',
      carolMark,
      10_000,
    );
    await wait(DUPLICATE_WINDOW_MS);
    const alerts = carol.client.received
      .slice(carolMark)
      .filter((m) => m.type === 'queue.added' && forSession(sid)(m));
    expect(alerts).toHaveLength(1);
    expect(bob.client.received.filter((m) => m.type === 'queue.removed' && m.sessionId === sid)).toHaveLength(
      1,
    );
    expect((await b.store.sessions.byId(sid))?.targetAgentId).toBeNull();
    await closeAll(alice.client, bob.client, carol.client, customer.client);
  }, 60_000);

  it('time out on B when A, which started the transfer, is gone', async () => {
    const { alice, bob, carol, customer, sid } = await transferredAcross();
    // A stops before the deadline: its timers go with it.
    await a.stop();
    await seen(
      bob.client,
      (m) => m.type === 'queue.removed' && m.sessionId === sid,
      'the transfer leaving Bob at its deadline, with A gone',
      0,
      TIMEOUT_S * 1000 + 10_000,
    );
    await until('the store to show the transfer over', async () => {
      const s = await b.store.sessions.byId(sid);
      return s !== null && s.targetAgentId === null;
    });
    await closeAll(bob.client, carol.client, customer.client, alice.client);
  }, 60_000);
});
