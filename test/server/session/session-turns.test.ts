/**
 * The turns of a session beside the happy path, against a real server: a customer who closes the
 * page (withdrawn past the grace period, kept when they come back in time, "left" on a live
 * session), callback requests (their own kind, not withdrawn, marked handled), "continue with the
 * same agent" (that agent first, then the portal, said in words), and transfers nobody takes
 * (declined with a reason, recalled, returned past the manager's timeout, or sent to the portal
 * when the sender has gone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  customerViaHttp,
  customerViaWs,
  resultOf,
  seen,
  unique,
  type ConnectedAgent,
} from '../../support/workflow';
import { TestWsClient, type TestMessage } from '../../support/ws-client';

/** The customer's grace period in these tests, in ms (2 minutes in production). */
const GRACE_MS = 400;
/** The transfer timeout the manager sets in these tests, in seconds (2 minutes by default). */
const TIMEOUT_S = 1;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { workflow: { customerGraceMs: GRACE_MS, requestsPerAddress: 10_000 } });
  await server.store.company.create('Test company', Date.now());
});
afterAll(() => server.stop());

async function freshPortal(): Promise<string> {
  const slug = unique('p').toLowerCase();
  await addPortal(server, slug, `Desk ${slug}`);
  return slug;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function countOf(client: TestWsClient, pred: (m: TestMessage) => boolean): number {
  return client.received.filter(pred).length;
}

/** Opens the customer's page again with its request token (a reload). */
async function reopen(requestToken: string): Promise<{ client: TestWsClient; first: TestMessage }> {
  const client = await TestWsClient.connect(server.wsUrl, server.url);
  client.send({ type: 'customer.hello', requestToken, protocol: PROTOCOL_VERSION });
  const first = await client.waitFor(
    (m) => m.type === 'customer.welcome' || m.type === 'error',
    5000,
    'hello',
  );
  return { client, first };
}

describe('a customer who closes the page', () => {
  it('is withdrawn from the queue past the grace period; agents see away, then the entry go (reason left)', async () => {
    const slug = await freshPortal();
    const ann = await addAgent(server, { portals: [slug], name: 'Ann' });
    const customer = await customerViaWs(server, slug, { name: 'Kim' });
    const sid = customer.sessionId;
    await seen(
      ann.client,
      (m) => m.type === 'queue.added' && (m.entry as { sessionId: string }).sessionId === sid,
    );

    await closeAll(customer.client);
    const away = await seen(ann.client, (m) => m.type === 'customer.presence' && m.sessionId === sid);
    expect(away.customer).toMatchObject({ state: 'away' });
    const removed = await seen(ann.client, (m) => m.type === 'queue.removed' && m.sessionId === sid);
    expect(removed.reason).toBe('left');
    const record = await server.store.sessions.byId(sid);
    expect(record).toMatchObject({ state: 'ended', endedBy: 'customer', endReason: 'customer_left' });
    expect(server.services.workflow.sessions.queue.get(sid)).toBeUndefined();

    // Their page comes back too late: it is told the request ended, and why.
    const late = await reopen(customer.requestToken);
    expect(late.first).toMatchObject({
      type: 'error',
      code: 'session_ended',
      details: { reason: 'customer_left' },
    });
    await closeAll(late.client, ann.client);
  });

  it('keeps the request when the page comes back within the grace period (a reload)', async () => {
    const slug = await freshPortal();
    const ann = await addAgent(server, { portals: [slug], name: 'Ann' });
    const customer = await customerViaWs(server, slug);
    const sid = customer.sessionId;
    await closeAll(customer.client);
    await seen(ann.client, (m) => m.type === 'customer.presence' && m.sessionId === sid);
    const back = await reopen(customer.requestToken);
    expect(back.first.type).toBe('customer.welcome');
    const here = await seen(
      ann.client,
      (m) =>
        m.type === 'customer.presence' &&
        m.sessionId === sid &&
        (m.customer as { state: string }).state === 'here',
    );
    expect(here).toBeTruthy();
    await sleep(GRACE_MS * 3);
    expect((await server.store.sessions.byId(sid))?.state).toBe('queued');
    expect(countOf(ann.client, (m) => m.type === 'queue.removed' && m.sessionId === sid)).toBe(0);
    // The queue an agent signs in to shows the entry without any absence.
    expect(server.services.workflow.sessions.queue.get(sid)?.customer).toBeUndefined();
    await closeAll(back.client, ann.client);
  });

  it('withdraws a request made over HTTP whose page never connects', async () => {
    const slug = await freshPortal();
    const res = await fetch(`${server.url}/api/v1/portals/${slug}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ghost', problem: 'never opened the page' }),
    });
    const sid = ((await res.json()) as { session: { sessionId: string } }).session.sessionId;
    await sleep(GRACE_MS * 3);
    expect(await server.store.sessions.byId(sid)).toMatchObject({
      state: 'ended',
      endReason: 'customer_left',
    });
  });

  it('on a live session: the agent sees away, then left; the session stays theirs', async () => {
    const slug = await freshPortal();
    const ann = await addAgent(server, { portals: [slug], name: 'Ann' });
    const customer = await acceptedSession(server, ann, slug, { name: 'Lee' });
    const sid = customer.sessionId;
    await closeAll(customer.client);
    const left = await seen(
      ann.client,
      (m) =>
        m.type === 'customer.presence' &&
        m.sessionId === sid &&
        (m.customer as { state: string }).state === 'left',
      'customer left',
    );
    expect(left.customer).toMatchObject({ state: 'left' });
    expect((await server.store.sessions.byId(sid))?.state).toBe('accepted');
    // The agent's view of the session says so (a reopened chat window, a new sign-in).
    const opened = resultOf<{ session: { customer?: { state: string } } }>(
      await ann.client.request({ type: 'session.open', sessionId: sid }),
    );
    expect(opened.session.customer?.state).toBe('left');
    resultOf(await ann.client.request({ type: 'session.end', sessionId: sid }));
    await closeAll(ann.client);
  });
});

describe('callback requests', () => {
  it('are their own kind: not withdrawn when the page closes, not accepted into a chat, marked handled', async () => {
    const slug = await freshPortal();
    const ann = await addAgent(server, { portals: [slug], name: 'Ann' });
    const customer = await customerViaWs(server, slug, { name: 'Pat', problem: 'VPN drops' });
    const sid = customer.sessionId;
    resultOf(await customer.client.request({ type: 'request.callback', email: 'Pat@Example.com ' }));
    const changed = await seen(
      ann.client,
      (m) => m.type === 'queue.added' && (m.entry as { callback?: unknown }).callback !== undefined,
      'the entry as a callback',
    );
    expect(changed.entry).toMatchObject({ sessionId: sid, callback: { email: 'pat@example.com' } });
    await closeAll(customer.client);
    await sleep(GRACE_MS * 3);
    expect((await server.store.sessions.byId(sid))?.state).toBe('queued');

    expect(await ann.client.request({ type: 'request.accept', sessionId: sid })).toMatchObject({
      type: 'error',
      code: 'illegal_transition',
    });
    const outsider = await addAgent(server, { name: 'Out' });
    expect(
      await outsider.client.request({ type: 'callback.handled', sessionId: sid, note: '' }),
    ).toMatchObject({
      code: 'forbidden',
    });
    resultOf(
      await ann.client.request({ type: 'callback.handled', sessionId: sid, note: 'Called back, fixed' }),
    );
    const removed = await seen(ann.client, (m) => m.type === 'queue.removed' && m.sessionId === sid);
    expect(removed.reason).toBe('handled');
    expect(await server.store.sessions.byId(sid)).toMatchObject({
      state: 'ended',
      endReason: 'handled',
      agentId: ann.user.id,
      comment: 'Called back, fixed',
    });
    // A live request cannot be "handled": it has a customer waiting to chat.
    const live = await customerViaWs(server, slug);
    expect(
      await ann.client.request({ type: 'callback.handled', sessionId: live.sessionId, note: '' }),
    ).toMatchObject({
      code: 'illegal_transition',
    });
    await closeAll(live.client, ann.client, outsider.client);
  });
});

describe('continue with the same agent', () => {
  async function endedWith(agent: ConnectedAgent, slug: string) {
    const first = await acceptedSession(server, agent, slug, { name: 'Robin' });
    resultOf(await agent.client.request({ type: 'session.end', sessionId: first.sessionId }));
    return first;
  }

  async function continueRequest(slug: string, previous: string, problem = 'One more thing') {
    const client = await TestWsClient.connect(server.wsUrl, server.url);
    const reply = await client.request({
      type: 'request.create',
      portal: slug,
      name: 'Robin',
      problem,
      previous,
      protocol: PROTOCOL_VERSION,
    });
    return {
      client,
      result: resultOf<{ session: { sessionId: string; routing?: Record<string, unknown> } }>(reply),
    };
  }

  it('goes to that agent first; past the timeout, to the portal, and the customer is told', async () => {
    await server.store.company.setTransferTimeout(TIMEOUT_S);
    const slug = await freshPortal();
    const ann = await addAgent(server, { portals: [slug], name: 'Ann' });
    const bob = await addAgent(server, { portals: [slug], name: 'Bob' });
    const first = await endedWith(ann, slug);
    const bobMark = bob.client.received.length;

    const next = await continueRequest(slug, first.requestToken);
    const sid = next.result.session.sessionId;
    expect(next.result.session.routing).toMatchObject({ agentName: 'Ann', state: 'asked' });
    const alert = await seen(
      ann.client,
      (m) => m.type === 'queue.added' && (m.entry as { sessionId: string }).sessionId === sid,
    );
    expect(alert.entry).toMatchObject({
      targetAgentId: ann.user.id,
      continuation: { previousSessionId: first.sessionId },
    });
    expect((alert.entry as { answerBy: number }).answerBy).toBeGreaterThan(Date.now());
    await sleep(200);
    expect(bob.client.received.slice(bobMark).some((m) => m.type === 'queue.added')).toBe(false);

    const routed = await seen(next.client, (m) => m.type === 'request.routing', 'routing', 0, 5000);
    expect(routed.routing).toMatchObject({ agentName: 'Ann', state: 'no_answer' });
    await seen(
      bob.client,
      (m) => m.type === 'queue.added' && (m.entry as { sessionId: string }).sessionId === sid,
      'Bob alerted',
      bobMark,
    );
    expect(await seen(ann.client, (m) => m.type === 'queue.removed' && m.sessionId === sid)).toMatchObject({
      reason: 'moved',
    });
    resultOf(await bob.client.request({ type: 'request.accept', sessionId: sid }));
    await closeAll(next.client, first.client, ann.client, bob.client);
  });

  it('says "not available" at once when that agent is not signed in, and queues for the portal', async () => {
    const slug = await freshPortal();
    const ann = await addAgent(server, { portals: [slug], name: 'Ann' });
    const bob = await addAgent(server, { portals: [slug], name: 'Bob' });
    const first = await endedWith(ann, slug);
    await closeAll(ann.client);
    const next = await continueRequest(slug, first.requestToken);
    expect(next.result.session.routing).toMatchObject({ agentName: 'Ann', state: 'unavailable' });
    await seen(
      bob.client,
      (m) =>
        m.type === 'queue.added' &&
        (m.entry as { sessionId: string }).sessionId === next.result.session.sessionId,
    );
    await closeAll(next.client, first.client, bob.client);
  });

  it('the agent may decline, and the request goes to the portal with the customer told', async () => {
    await server.store.company.setTransferTimeout(120);
    const slug = await freshPortal();
    const ann = await addAgent(server, { portals: [slug], name: 'Ann' });
    const bob = await addAgent(server, { portals: [slug], name: 'Bob' });
    const first = await endedWith(ann, slug);
    const next = await continueRequest(slug, first.requestToken);
    const sid = next.result.session.sessionId;
    expect(await bob.client.request({ type: 'request.decline', sessionId: sid, reason: 'x' })).toMatchObject({
      code: 'forbidden',
    });
    resultOf(await ann.client.request({ type: 'request.decline', sessionId: sid, reason: 'In a meeting' }));
    const routed = await seen(next.client, (m) => m.type === 'request.routing');
    expect(routed.routing).toMatchObject({ agentName: 'Ann', state: 'declined' });
    await seen(
      bob.client,
      (m) => m.type === 'queue.added' && (m.entry as { sessionId: string }).sessionId === sid,
    );
    await closeAll(next.client, first.client, ann.client, bob.client);
  });

  it('ignores a token of another portal or of a session still open', async () => {
    const slug = await freshPortal();
    const other = await freshPortal();
    const ann = await addAgent(server, { portals: [slug, other], name: 'Ann' });
    const first = await endedWith(ann, slug);
    const elsewhere = await continueRequest(other, first.requestToken);
    expect(elsewhere.result.session.routing).toBeUndefined();
    const open = await customerViaHttp(server, slug);
    const withOpen = await continueRequest(slug, open.requestToken);
    expect(withOpen.result.session.routing).toBeUndefined();
    await closeAll(elsewhere.client, withOpen.client, open.client, first.client, ann.client);
  });
});

describe('transfers nobody takes', () => {
  async function transferred(kind: 'agent' | 'portal') {
    const slug = await freshPortal();
    const ann = await addAgent(server, { portals: [slug], name: 'Ann' });
    const bob = await addAgent(server, { name: 'Bob' });
    const customer = await acceptedSession(server, ann, slug, { name: 'Kim' });
    const target = kind === 'agent' ? { kind, agentId: bob.user.id } : { kind, slug: await freshPortal() };
    resultOf(
      await ann.client.request({
        type: 'session.transfer',
        sessionId: customer.sessionId,
        target,
        comment: 'Needs the ICC profile',
      }),
    );
    return { slug, ann, bob, customer, sid: customer.sessionId };
  }

  it('declined with a reason: back to the sender, who reads who and why; the customer is told', async () => {
    await server.store.company.setTransferTimeout(120);
    const { ann, bob, customer, sid } = await transferred('agent');
    const updated = await seen(
      ann.client,
      (m) => m.type === 'session.updated' && (m.session as { state: string }).state === 'transferring',
    );
    expect(updated.session).toMatchObject({ transferTo: { kind: 'agent', name: 'Bob' } });
    expect((updated.session as { answerBy: number }).answerBy).toBeGreaterThan(Date.now() + 100_000);
    await seen(bob.client, (m) => m.type === 'queue.added');

    resultOf(
      await bob.client.request({
        type: 'request.decline',
        sessionId: sid,
        reason: 'I do not know the Xerox',
      }),
    );
    expect(await seen(ann.client, (m) => m.type === 'transfer.returned')).toMatchObject({
      sessionId: sid,
      reason: 'declined',
      by: 'Bob',
      comment: 'I do not know the Xerox',
    });
    const assigned = await seen(
      ann.client,
      (m) => m.type === 'session.assigned' && (m.session as { id: string }).id === sid,
    );
    expect(assigned.session).toMatchObject({ state: 'accepted', agent: { id: ann.user.id } });
    expect(await seen(bob.client, (m) => m.type === 'queue.removed' && m.sessionId === sid)).toMatchObject({
      reason: 'returned',
    });
    expect(
      await seen(customer.client, (m) => m.type === 'session.transferred' && m.agentName === 'Ann'),
    ).toBeTruthy();
    // Ann holds it again: she chats; Bob can no longer accept it.
    resultOf(await ann.client.request({ type: 'chat.send', sessionId: sid, text: 'I am back' }));
    expect(await bob.client.request({ type: 'request.accept', sessionId: sid })).toMatchObject({
      type: 'error',
    });
    await closeAll(customer.client, ann.client, bob.client);
  });

  it('recalled by the sender before anyone accepts; a recall after the accept is refused', async () => {
    await server.store.company.setTransferTimeout(120);
    const first = await transferred('portal');
    const recalled = resultOf<{ session: { state: string } }>(
      await first.ann.client.request({ type: 'session.recall', sessionId: first.sid }),
    );
    expect(recalled.session.state).toBe('accepted');
    expect(await seen(first.ann.client, (m) => m.type === 'transfer.returned')).toMatchObject({
      reason: 'recalled',
    });
    expect((await server.store.sessions.byId(first.sid))?.portalSlug).toBe(first.slug);

    const second = await transferred('agent');
    resultOf(await second.bob.client.request({ type: 'request.accept', sessionId: second.sid }));
    const told = await seen(
      second.ann.client,
      (m) => m.type === 'session.updated' && (m.session as { state: string }).state === 'accepted',
      'the taker',
    );
    expect(told.session).toMatchObject({ agent: { name: 'Bob' } });
    expect(await second.ann.client.request({ type: 'session.recall', sessionId: second.sid })).toMatchObject({
      code: 'already_accepted',
    });
    expect(await second.bob.client.request({ type: 'session.recall', sessionId: second.sid })).toMatchObject({
      code: 'not_in_session',
    });
    await closeAll(first.customer.client, first.ann.client, first.bob.client);
    await closeAll(second.customer.client, second.ann.client, second.bob.client);
  });

  it('not taken within the manager-set time: back to the sender with a message', async () => {
    await server.store.company.setTransferTimeout(TIMEOUT_S);
    const started = Date.now();
    const { ann, bob, customer, sid } = await transferred('agent');
    const back = await seen(ann.client, (m) => m.type === 'transfer.returned', 'returned', 0, 5000);
    expect(back).toMatchObject({ sessionId: sid, reason: 'timeout', by: 'Bob' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 50);
    expect((await server.store.sessions.byId(sid))?.agentId).toBe(ann.user.id);
    await closeAll(customer.client, ann.client, bob.client);
  });

  it('when the sender has signed out meanwhile, it waits in the first portal for anyone', async () => {
    await server.store.company.setTransferTimeout(TIMEOUT_S);
    const { slug, ann, bob, customer, sid } = await transferred('agent');
    const carol = await addAgent(server, { portals: [slug], name: 'Carol' });
    await closeAll(ann.client);
    const alert = await seen(
      carol.client,
      (m) => m.type === 'queue.added' && (m.entry as { sessionId: string }).sessionId === sid,
      'Carol alerted',
      0,
      5000,
    );
    expect(alert.entry).toMatchObject({ portal: { slug } });
    expect((alert.entry as { targetAgentId?: string }).targetAgentId).toBeUndefined();
    resultOf(await carol.client.request({ type: 'request.accept', sessionId: sid }));
    await closeAll(customer.client, bob.client, carol.client);
  });
});
