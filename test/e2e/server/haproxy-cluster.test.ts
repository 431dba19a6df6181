/**
 * Three real `lifeline serve --store postgres://... --bus redis://... --node-id` processes behind
 * one real HAProxy configured from docs/deployment.md (test/support/balanced-cluster.ts). Every
 * client (the customer's page and request, agents, the helper, the viewer) uses only the
 * balancer's public URL; where each landed is read from the documented `X-Lifeline-Node` header.
 *
 * Guards what a help desk on several machines relies on: sockets spread over the nodes; a
 * request made through the balancer alerts agents on every node; one accept wins among 100 tried
 * at once over the nodes and every other agent is told who took it; chat both ways. Then the
 * node carrying the session's screen (its lease in Redis) is killed with -9, again and again,
 * and restarted each time (same port and id, as a supervisor would): each time the clients it
 * held reconnect through the balancer to a live node, chat goes on both ways, the transcript has
 * every line once, in order, with gapless seq, and the helper resumes with its token: frames
 * reach the viewer again. Times from each kill to chat and to frames flowing are printed, not
 * asserted.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { DataChannel, encodeFrame, PEER_ALL_VIEWERS, PEER_HELPER } from '../../../protocol/frame';
import { LEASE_TTL_MS } from '../../../server/cluster/session-leases';
import { startBalancedCluster, type BalancedCluster } from '../../support/balanced-cluster';
import { until, wait } from '../../support/polling';
import type { TestMessage, TestWsClient } from '../../support/ws-client';
import {
  addPortal,
  ALL_GRANTS,
  closeAll,
  helperHello,
  median,
  resultOf,
  seen,
  signInAgent,
  unique,
  type SignedInAgent,
} from '../../support/workflow';

/** Agents trying to accept one request at once (the figure). */
const RACERS = 100;
/**
 * Kills of the carrying node. The issue asks for 20; each cycle lasts ~13 s here (the dead
 * node's 6 s lease before the screen resumes, then the restarted node's id check, 4.5 s, and
 * HAProxy's `rise 2` at `inter 2s` before the next kill), so 20 take ~4.5 min on this 2-core
 * machine: too long for a CI suite. 2 by default (the second kills a node that took the
 * screen over after the first); LIFELINE_KILL_CYCLES=20 runs the 20
 * (20/20 passed, docs/deployment.md).
 */
const KILL_CYCLES = Number(process.env.LIFELINE_KILL_CYCLES ?? 2);
/** How long a client may take to come back after a kill, in ms: the lease, plus slack for load. */
const BACK_MS = LEASE_TTL_MS + 20_000;
/** How long one message may take to cross the cluster, in ms. */
const CROSS_MS = 10_000;
/** A node id is a documented `server` name: node1, node2, node3. */
const NODES = 3;

let cluster: BalancedCluster;
let redis: Redis;
let slug: string;
let racers: SignedInAgent[] = [];

beforeAll(async () => {
  const started = performance.now();
  cluster = await startBalancedCluster(NODES, async (admin) => {
    slug = unique('balanced').toLowerCase();
    await addPortal(admin, slug);
    racers = await Promise.all(Array.from({ length: RACERS }, () => signInAgent(admin, { portals: [slug] })));
  });
  redis = new Redis(cluster.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  console.log('cluster started in', Math.round(performance.now() - started), 'ms');
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

const isLine = (text: string) => (m: TestMessage) =>
  m.type === 'chat.message' && (m.line as { text: string }).text === text;

/** One party of the session: how it says hello, and its socket of the moment. */
interface Party {
  name: 'customer' | 'agent' | 'helper' | 'viewer';
  client: TestWsClient;
  hello(): Record<string, unknown>;
  welcome: string;
  origin: boolean;
}

/**
 * Connects a party through the balancer until its welcome: refusals (the dead node's lease still
 * running, or a connection the balancer could not place) are collected and retried.
 */
async function comeBack(party: Party, refusals: string[]): Promise<TestMessage> {
  const deadline = Date.now() + BACK_MS;
  for (;;) {
    if (Date.now() > deadline)
      throw new Error(`${party.name} did not come back through HAProxy; answers: ${refusals.join(', ')}`);
    let client: TestWsClient | undefined;
    try {
      client = await cluster.connect(party.origin);
      client.send(party.hello());
      const first = await client.waitFor(
        (m) => m.type === party.welcome || m.type === 'error',
        CROSS_MS,
        `${party.welcome} or error`,
      );
      if (first.type === party.welcome) {
        party.client = client;
        return first;
      }
      const reason = (first.details as { reason?: string } | undefined)?.reason;
      refusals.push(`${party.name}:${String(first.code)}/${String(reason)}`);
    } catch (err) {
      refusals.push(`${party.name}:${(err as Error).message}`);
    }
    client?.close();
    await wait(300);
  }
}

describe('three nodes behind HAProxy', () => {
  let sessionId: string;
  let requestToken: string;
  let agent: SignedInAgent;
  let customer: Party;
  let agentParty: Party;
  const transcript: string[] = [];

  async function say(from: Party, to: Party, text: string): Promise<void> {
    const send = from === customer ? { type: 'chat.send', text } : { type: 'chat.send', sessionId, text };
    resultOf(await from.client.request(send, CROSS_MS));
    transcript.push(text);
    await seen(to.client, isLine(text), `line "${text}" at the ${to.name}`, 0, CROSS_MS);
  }

  /** The transcript as the agent reads it: every line once, in order, seq 1, 2, 3, ... */
  async function expectWholeTranscript(): Promise<void> {
    const opened = resultOf<{ transcript: { seq: number; text: string }[] }>(
      await agentParty.client.request({ type: 'session.open', sessionId }, CROSS_MS),
    );
    expect(opened.transcript.map((l) => [l.seq, l.text])).toEqual(transcript.map((t, i) => [i + 1, t]));
  }

  it('spreads sockets over the nodes, alerts every node, gives a request to one of 100 racing agents, and carries chat', async () => {
    const sockets = await Promise.all(
      racers.map(async (r) => {
        const client = await cluster.connect();
        client.send({ type: 'agent.hello', token: r.token, protocol: PROTOCOL_VERSION });
        await client.waitType('agent.welcome', CROSS_MS);
        return client;
      }),
    );
    const perNode = new Map<string, number>();
    for (const s of sockets) perNode.set(cluster.nodeOf(s), (perNode.get(cluster.nodeOf(s)) ?? 0) + 1);
    console.log('agents per node through HAProxy', JSON.stringify([...perNode]));
    expect([...perNode.keys()].sort()).toEqual(cluster.ids);

    // Every node counts the 100 agents online before a customer asks (each node's status, as a
    // monitor reads it): an agent whose welcome comes a few ms before the request is made on a
    // node that has not heard of them yet misses its alert (docs/deployment.md).
    const counted = new Map<string, number>();
    await until(
      'every node counting every agent online',
      async () => {
        for (const id of cluster.ids) counted.set(id, Number((await cluster.nodeStatus(id)).agentsOnline));
        return cluster.ids.every((id) => counted.get(id) === RACERS);
      },
      CROSS_MS,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last counts: ${JSON.stringify([...counted])}`);
    });
    const created = await cluster.http(`/api/v1/portals/${slug}/requests`, {
      name: 'Ines',
      problem: 'The printer jams',
    });
    expect(created.status).toBe(201);
    requestToken = String(created.json.requestToken);
    sessionId = (created.json.session as { sessionId: string }).sessionId;
    expect(created.json.session).toMatchObject({ agentsAvailable: RACERS });
    // Every agent is alerted, those on the two nodes that did not take the request included.
    await Promise.all(
      sockets.map((s) =>
        seen(
          s,
          (m) => m.type === 'queue.added' && (m.entry as { sessionId: string }).sessionId === sessionId,
          'queue.added',
          0,
          CROSS_MS,
        ),
      ),
    );
    expect(sockets.filter((s) => cluster.nodeOf(s) !== created.node).length).toBeGreaterThan(0);

    customer = {
      name: 'customer',
      client: await cluster.connect(),
      hello: () => ({ type: 'customer.hello', requestToken, protocol: PROTOCOL_VERSION }),
      welcome: 'customer.welcome',
      origin: true,
    };
    customer.client.send(customer.hello());
    await customer.client.waitType('customer.welcome', CROSS_MS);

    const answers = await Promise.all(
      sockets.map((s) => s.request({ type: 'request.accept', sessionId }, 30_000)),
    );
    const won = answers.map((m, i) => (m.type === 'reply' ? i : -1)).filter((i) => i >= 0);
    expect(won).toHaveLength(1);
    expect(answers.filter((m) => m.type === 'error').map((m) => m.code)).toEqual(
      Array(RACERS - 1).fill('already_accepted'),
    );
    const winner = won[0]!;
    agent = racers[winner]!;
    const losersPerNode = new Set(sockets.filter((_, i) => i !== winner).map((s) => cluster.nodeOf(s)));
    expect([...losersPerNode].sort()).toEqual(cluster.ids);
    await Promise.all(
      sockets
        .filter((_, i) => i !== winner)
        .map(async (s) =>
          expect(
            await seen(
              s,
              (m) => m.type === 'queue.removed' && m.sessionId === sessionId,
              'queue.removed',
              0,
              CROSS_MS,
            ),
          ).toMatchObject({ reason: 'accepted', by: agent.name }),
        ),
    );
    expect(
      await seen(customer.client, (m) => m.type === 'session.accepted', 'session.accepted', 0, CROSS_MS),
    ).toMatchObject({
      agentName: agent.name,
    });
    await closeAll(...sockets.filter((_, i) => i !== winner));
    agentParty = {
      name: 'agent',
      client: sockets[winner]!,
      hello: () => ({ type: 'agent.hello', token: agent.token, protocol: PROTOCOL_VERSION }),
      welcome: 'agent.welcome',
      origin: true,
    };

    await say(customer, agentParty, 'hello, the printer jams');
    await say(agentParty, customer, 'let me look at your screen');
    await expectWholeTranscript();
  }, 120_000);

  it(
    'keeps chat and screen sharing going through kill -9 of the carrying node, again and again',
    async () => {
      const { joinCode } = resultOf<{ joinCode: string }>(
        await agentParty.client.request({ type: 'screen.request', sessionId }, CROSS_MS),
      );
      let resumeToken = '';
      const helper: Party = {
        name: 'helper',
        client: await cluster.connect(false),
        hello: () => helperHello({ kind: 'resume', resumeToken }),
        welcome: 'helper.welcome',
        origin: false,
      };
      helper.client.send(helperHello({ kind: 'join', joinCode }));
      resumeToken = String((await helper.client.waitType('helper.welcome', CROSS_MS)).resumeToken);
      const viewer: Party = {
        name: 'viewer',
        client: await cluster.connect(),
        hello: () => ({ type: 'viewer.hello', token: agent.token, sessionId, protocol: PROTOCOL_VERSION }),
        welcome: 'viewer.welcome',
        origin: true,
      };
      viewer.client.send(viewer.hello());
      await viewer.client.waitType('viewer.welcome', CROSS_MS);

      /** The helper says its grants, the viewer hears them, and a picture reaches the viewer. */
      async function framesFlow(): Promise<void> {
        helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
        await viewer.client.waitType('helper.consent', CROSS_MS);
        const picture = randomBytes(16 * 1024);
        const before = viewer.client.binary.length;
        helper.client.ws.send(
          encodeFrame({ channel: DataChannel.screen, from: PEER_HELPER, to: PEER_ALL_VIEWERS }, picture),
        );
        await until('the screen frame at the viewer', () => viewer.client.binary.length > before, CROSS_MS);
        expect(viewer.client.binary[before]!.subarray(8).equals(picture)).toBe(true);
      }
      await framesFlow();

      const figures: {
        cycle: number;
        killed: string;
        moved: string[];
        markedDownMs: number | null;
        chatMs: number;
        screenMs: number;
        refusals: number;
      }[] = [];
      const everyRefusal: string[] = [];
      for (let cycle = 1; cycle <= KILL_CYCLES; cycle++) {
        const owner = await redis.get(`lifeline:lease:${sessionId}`);
        expect(owner, 'a node carries the screen').toBeTruthy();
        const parties = [customer, agentParty, helper, viewer];
        const onOwner = parties.filter((p) => cluster.nodeOf(p.client) === owner);
        const where = parties.map((p) => `${p.name}@${cluster.nodeOf(p.client)}`);

        const killedAt = performance.now();
        await cluster.kill9(owner!);
        // When HAProxy's health check marks the dead node down (if it does before the restart).
        let markedDownMs: number | null = null;
        let watching = true;
        const watch = (async () => {
          while (watching && markedDownMs === null) {
            if ((await cluster.states()).get(owner!) === 'DOWN') markedDownMs = performance.now() - killedAt;
            else await wait(100);
          }
        })();
        const restarted = cluster.restart(owner!);

        // The helper and the viewer always lose their socket (the room was on the dead node);
        // the customer and the agent only if their socket was on it.
        const dropped = [...new Set([helper, viewer, ...onOwner])];
        await Promise.all(dropped.map((p) => p.client.waitClose(CROSS_MS)));
        // Whoever is still connected writes while the others reconnect.
        for (const p of [customer, agentParty].filter((x) => !dropped.includes(x))) {
          const text = `${cycle}: ${p.name} writes while ${owner} is dead`;
          const send = p === customer ? { type: 'chat.send', text } : { type: 'chat.send', sessionId, text };
          resultOf(await p.client.request(send, CROSS_MS));
          transcript.push(text);
        }
        const refusals: string[] = [];
        await Promise.all(
          [customer, agentParty]
            .filter((p) => dropped.includes(p))
            .map(async (p) => {
              const welcome = await comeBack(p, refusals);
              if (p === customer)
                expect((welcome.transcript as { text: string }[]).map((l) => l.text)).toEqual(transcript);
            }),
        );
        await say(customer, agentParty, `${cycle}: customer after the kill of ${owner}`);
        await say(agentParty, customer, `${cycle}: agent after the kill of ${owner}`);
        const chatMs = performance.now() - killedAt;
        await expectWholeTranscript();

        resumeToken = String((await comeBack(helper, refusals)).resumeToken);
        expect(await comeBack(viewer, refusals)).toMatchObject({ helper: { peerId: 1 } });
        await framesFlow();
        const screenMs = performance.now() - killedAt;

        await restarted;
        // Three nodes in the balancer again before the next kill (the last needs no wait).
        if (cycle < KILL_CYCLES) await cluster.waitState(owner!, 'UP');
        watching = false;
        await watch;
        figures.push({
          cycle,
          killed: `${owner!} (${where.join(' ')})`,
          moved: parties.map((p) => `${p.name}@${cluster.nodeOf(p.client)}`),
          markedDownMs: markedDownMs === null ? null : Math.round(markedDownMs),
          chatMs: Math.round(chatMs),
          screenMs: Math.round(screenMs),
          refusals: refusals.length,
        });
        everyRefusal.push(...refusals);
        // Nobody stayed on the dead node: every socket is on a live one.
        for (const p of parties) expect(p.client.closeCode).toBeNull();
      }
      for (const f of figures) console.log('kill -9 cycle', JSON.stringify(f));
      console.log(
        'kill -9 figures',
        JSON.stringify({
          cycles: figures.length,
          chatMedianMs: median(figures.map((f) => f.chatMs)),
          chatMaxMs: Math.max(...figures.map((f) => f.chatMs)),
          screenMedianMs: median(figures.map((f) => f.screenMs)),
          screenMaxMs: Math.max(...figures.map((f) => f.screenMs)),
          markedDownMedianMs: median(
            figures.flatMap((f) => (f.markedDownMs === null ? [] : [f.markedDownMs])),
          ),
          refusals: [...new Set(everyRefusal)],
        }),
      );
      expect(figures).toHaveLength(KILL_CYCLES);
      // Refused only while the dead node's lease ran (the same answer the direct test meets), never
      // because the balancer sent a client to the dead node.
      for (const r of everyRefusal) expect(r).toMatch(/:unavailable\/node_unreachable$/);
      await closeAll(customer.client, agentParty.client, helper.client, viewer.client);
    },
    60_000 + KILL_CYCLES * 45_000,
  );
});
