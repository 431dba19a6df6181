/**
 * Three real `lifeline serve --store postgres://... --bus redis://... --node-id N` processes on
 * one real PostgreSQL 15 and one real Redis 7 (Debian's, started by the test): the customer on
 * node A, the agent on node B. `kill -9` of A, then of B: the help desk carries on through the
 * nodes left. The customer's page and the agent's client reconnect to another node the way they
 * reconnect to one (same request token, same sign-in token) and find the session as it was;
 * every chat line, including those written while a party's node was dead, is in the transcript
 * once, in order, with gapless seq.
 *
 * Screens: the node carrying a session's screen (where the agent asked for it) is killed while a
 * viewer reaches it through another node's link: the viewer is told at once (`unavailable`,
 * reason `node_lost`, close 4011); the helper resuming with its token and the viewer coming back
 * through another node are refused clearly while the dead node's lease runs, then that node takes
 * the screen over (the customer's grants kept, no new code) and frames flow again. A second
 * process started with the id of a running node stops at start and says why.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { startServeProcess, type ServeProcess } from '../../security/serve-process';
import { startPostgres, type PostgresServer } from '../../support/postgres';
import { startRedis, type RedisServer } from '../../support/redis';
import { startTestServer } from '../../support/test-server';
import { TestWsClient, type TestMessage } from '../../support/ws-client';
import {
  addPortal,
  ALL_GRANTS,
  helperHello,
  resultOf,
  seen,
  signInAgent,
  unique,
  type SignedInAgent,
} from '../../support/workflow';
import { JOIN_CODE_KEY_BYTES, JOIN_CODE_KEY_FILE } from '../../../server/screen/join-code-key';
import { LEASE_TTL_MS } from '../../../server/cluster/session-leases';
import { CLOSE } from '../../../protocol/close-codes';
import { DataChannel, encodeFrame, PEER_ALL_VIEWERS, PEER_HELPER } from '../../../protocol/frame';
import { until } from '../../support/polling';

/** The join-code key every node shares (docs/deployment.md); node links are signed with it too. */
const JOIN_KEY = randomBytes(JOIN_CODE_KEY_BYTES);

let pg: PostgresServer;
let redis: RedisServer;
let storeUrl: string;
const nodes = new Map<string, ServeProcess>();
let slug: string;
let agent: SignedInAgent;

function wsUrl(node: ServeProcess): string {
  return `${node.url.replace('http', 'ws')}/ws`;
}

async function startNode(id: string): Promise<ServeProcess> {
  const node = await startServeProcess(
    ['--store', storeUrl, '--bus', redis.url, '--node-id', id],
    async (dir) => writeFileSync(join(dir, JOIN_CODE_KEY_FILE), JOIN_KEY, { mode: 0o600 }),
  );
  nodes.set(id, node);
  return node;
}

async function kill9(id: string): Promise<void> {
  const node = nodes.get(id)!;
  const gone = new Promise((r) => node.child.once('exit', r));
  process.kill(node.pid, 'SIGKILL');
  await gone;
  nodes.delete(id);
  rmSync(node.dataDir, { recursive: true, force: true, maxRetries: 5 });
}

async function customerPage(node: ServeProcess, requestToken: string) {
  const page = await TestWsClient.connect(wsUrl(node), node.url);
  page.send({ type: 'customer.hello', requestToken, protocol: PROTOCOL_VERSION });
  return { page, welcome: await page.waitType('customer.welcome') };
}

async function agentClient(node: ServeProcess) {
  const client = await TestWsClient.connect(wsUrl(node), node.url);
  client.send({ type: 'agent.hello', token: agent.token, protocol: PROTOCOL_VERSION });
  return { client, welcome: await client.waitType('agent.welcome') };
}

const isLine = (text: string) => (m: TestMessage) =>
  m.type === 'chat.message' && (m.line as { text: string }).text === text;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  storeUrl = await pg.createDatabase();
  // Accounts and the portal, made through the services on the same database; this process
  // stops before the nodes start (it is not one of them).
  const admin = await startTestServer({ store: storeUrl });
  slug = unique('death').toLowerCase();
  await addPortal(admin, slug);
  agent = await signInAgent(admin, { portals: [slug] });
  await admin.stop();
  await Promise.all(['a', 'b', 'c'].map(startNode));
}, 90_000);

afterAll(async () => {
  for (const node of nodes.values()) await node.stop();
  await redis?.stop();
  await pg?.stop();
});

describe('a node killed with -9', () => {
  it('tells a viewer at once when the node carrying its screen dies, and resumes sharing on another node', async () => {
    const carrier = await startNode('d');
    const c = nodes.get('c')!;
    await expect(
      startServeProcess(['--store', storeUrl, '--bus', redis.url, '--node-id', 'd']),
    ).rejects.toThrow('another running node already uses --node-id d');

    const { client: agentOnD } = await agentClient(carrier);
    const created = await fetch(`${carrier.url}/api/v1/portals/${slug}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Zoé', problem: 'A frozen window' }),
    });
    const { session } = (await created.json()) as { session: { sessionId: string } };
    const sessionId = session.sessionId;
    await seen(
      agentOnD,
      (m) => m.type === 'queue.added' && (m.entry as { sessionId: string }).sessionId === sessionId,
      'queue.added',
    );
    resultOf(await agentOnD.request({ type: 'request.accept', sessionId }));
    const { joinCode } = resultOf<{ joinCode: string }>(
      await agentOnD.request({ type: 'screen.request', sessionId }),
    );
    const helper = await TestWsClient.connect(wsUrl(carrier));
    helper.send(helperHello({ kind: 'join', joinCode }));
    const helperWelcome = await helper.waitType('helper.welcome');

    const viewerHello = { type: 'viewer.hello', token: agent.token, sessionId, protocol: PROTOCOL_VERSION };
    const viewer = await TestWsClient.connect(wsUrl(c), c.url);
    viewer.send(viewerHello);
    expect(await viewer.waitType('viewer.welcome')).toMatchObject({ helper: { peerId: 1 } });
    helper.send({ type: 'helper.consent', grants: ALL_GRANTS });
    await viewer.waitType('helper.consent');

    const killedAt = performance.now();
    await kill9('d');
    const told = await viewer.waitFor((m) => m.type === 'error', 5_000, 'the node_lost error');
    expect(told).toMatchObject({ code: 'unavailable', details: { reason: 'node_lost', node: 'd' } });
    expect(await viewer.waitClose(5_000)).toBe(CLOSE.nodeLost);
    const toldMs = Math.round(performance.now() - killedAt);

    // The helper and the viewer come back through C: refused clearly while D's lease runs,
    // then C takes the screen over from the shared state, and sharing resumes there.
    const answers: string[] = [];
    const deadline = Date.now() + LEASE_TTL_MS + 15_000;
    async function back(hello: Record<string, unknown>, welcome: string, origin?: string) {
      for (;;) {
        if (Date.now() > deadline) throw new Error(`no ${welcome} through C; answers: ${answers.join(', ')}`);
        const again = await TestWsClient.connect(wsUrl(c), origin);
        again.send(hello);
        const first = await again.waitFor(
          (m) => m.type === welcome || m.type === 'error',
          10_000,
          `${welcome} or error through C`,
        );
        if (first.type === welcome) return { client: again, first };
        again.close();
        answers.push(
          `${String(first.code)}/${String((first.details as { reason?: string } | undefined)?.reason)}`,
        );
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const resumeToken = helperWelcome.resumeToken as string;
    const helperBack = await back(helperHello({ kind: 'resume', resumeToken }), 'helper.welcome');
    const helperBackMs = Math.round(performance.now() - killedAt);
    const viewerBack = await back(viewerHello, 'viewer.welcome', c.url);
    expect(viewerBack.first).toMatchObject({ helper: { peerId: 1 } });
    // The customer's grants were kept: the helper says them again and frames flow on C.
    helperBack.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
    await viewerBack.client.waitType('helper.consent');
    const picture = randomBytes(32 * 1024);
    helperBack.client.ws.send(
      encodeFrame({ channel: DataChannel.screen, from: PEER_HELPER, to: PEER_ALL_VIEWERS }, picture),
    );
    await until(
      'the screen frame at the viewer through C',
      () => viewerBack.client.binary.length > 0,
      10_000,
    );
    expect(viewerBack.client.binary[0]!.subarray(8).equals(picture)).toBe(true);
    console.log('node death figures', JSON.stringify({ toldMs, helperBackMs, refusals: answers.length }));
    expect(new Set(answers).size).toBeLessThanOrEqual(1);
    if (answers.length) expect(answers[0]).toBe('unavailable/node_unreachable');
    for (const client of [helper, agentOnD, helperBack.client, viewerBack.client]) client.close();
  }, 60_000);

  it('leaves chat going through the other nodes, with nothing lost or repeated in the transcript', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((id) => nodes.get(id)!);
    const { client: agentOnB } = await agentClient(b!);

    // The customer asks on A; the agent on B is alerted and accepts.
    const created = await fetch(`${a!.url}/api/v1/portals/${slug}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ines', problem: 'The printer jams' }),
    });
    expect(created.status).toBe(201);
    const { requestToken, session } = (await created.json()) as {
      requestToken: string;
      session: { sessionId: string; agentsAvailable: number };
    };
    expect(session.agentsAvailable).toBe(1);
    const sessionId = session.sessionId;
    const { page: onA } = await customerPage(a!, requestToken);
    await seen(agentOnB, (m) => m.type === 'queue.added', 'queue.added');
    resultOf(await agentOnB.request({ type: 'request.accept', sessionId }));
    await onA.waitType('session.accepted');
    resultOf(await onA.request({ type: 'chat.send', text: 'one' }));
    await seen(agentOnB, isLine('one'), 'line one');

    // A dies under the customer. The agent writes meanwhile; the page comes back on C.
    await kill9('a');
    expect(await onA.waitClose()).toBe(1006);
    resultOf(await agentOnB.request({ type: 'chat.send', sessionId, text: 'two' }));
    const { page: onC, welcome } = await customerPage(c!, requestToken);
    expect(welcome.session).toMatchObject({ state: 'accepted' });
    expect((welcome.transcript as { text: string }[]).map((l) => l.text)).toEqual(['one', 'two']);
    resultOf(await onC.request({ type: 'chat.send', text: 'three' }));
    await seen(agentOnB, isLine('three'), 'line three');

    // B dies under the agent. The customer writes meanwhile; the agent comes back on C.
    await kill9('b');
    resultOf(await onC.request({ type: 'chat.send', text: 'four' }));
    const { client: agentOnC, welcome: back } = await agentClient(c!);
    expect((back.sessions as { id: string }[]).map((s) => s.id)).toContain(sessionId);
    const opened = resultOf<{ transcript: { text: string }[] }>(
      await agentOnC.request({ type: 'session.open', sessionId }),
    );
    expect(opened.transcript.map((l) => l.text)).toEqual(['one', 'two', 'three', 'four']);
    resultOf(await agentOnC.request({ type: 'chat.send', sessionId, text: 'five' }));
    await seen(onC, isLine('five'), 'line five');

    // One transcript: every line once, in order, gapless (read back from the customer's side).
    const { welcome: last } = await customerPage(c!, requestToken);
    const lines = last.transcript as { seq: number; text: string }[];
    expect(lines.map((l) => [l.seq, l.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
      [4, 'four'],
      [5, 'five'],
    ]);
    for (const client of [onC, agentOnC]) client.close();
  }, 60_000);
});
