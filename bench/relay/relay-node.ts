/**
 * Child process of the relay benchmarks: one real Lifeline server (SQLite in a temp folder, or
 * the store BENCH_STORE names; with BENCH_BUS, BENCH_JOIN_KEY (hex) and BENCH_NODE_ID a node of a
 * deployment on that store and Redis, as `lifeline serve --bus` runs it) on 127.0.0.1, and, on request over IPC, sessions ready for a
 * helper and a viewer: a request accepted by a signed-in agent with screen sharing asked for
 * (join code). Everything is made through the server's own services, in this process, so the
 * load generator's sockets are the only sockets the server carries besides its own.
 * IPC: parent -> {type:'prepare', count} | {type:'cpu'} ; child -> {type:'ready', url} |
 * {type:'prepared', sessions} | {type:'cpu', micros, loopMaxMs, loopP99Ms} (CPU time used so far;
 * event-loop delay since the previous question).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startTestServer } from '../../test/support/test-server';
import { startClusterNode } from '../../test/support/cluster-node';
import { signInAgent, type SignedInAgent } from '../../test/support/workflow';
import { answerCpuQuestions } from './node-ipc';

export interface PreparedSession {
  sessionId: string;
  joinCode: string;
  agentToken: string;
}

export type NodeReply =
  { type: 'ready'; url: string; wsUrl: string } | { type: 'prepared'; sessions: PreparedSession[] };

/** Sessions one agent holds (agents may hold many; a few agents spread the pushes). */
const SESSIONS_PER_AGENT = 50;

const workflow = { requestsPerAddress: 1_000_000 };
const { BENCH_STORE, BENCH_BUS, BENCH_JOIN_KEY, BENCH_NODE_ID } = process.env;
/** With BENCH_BUS: a node of a deployment (node-link-bench.ts), on the shared store and Redis. */
const server =
  BENCH_BUS && BENCH_STORE && BENCH_JOIN_KEY && BENCH_NODE_ID
    ? await startClusterNode(
        { storeUrl: BENCH_STORE, busUrl: BENCH_BUS, joinKey: Buffer.from(BENCH_JOIN_KEY, 'hex') },
        BENCH_NODE_ID,
        {},
        { workflow },
      )
    : await startTestServer(BENCH_STORE ? { store: BENCH_STORE } : {}, { workflow });
/** The portal and the first agent, made at the first 'prepare' (a node that only forwards makes none). */
let agent: SignedInAgent | null = null;
/** How long the event loop was held (what every relayed frame waits behind), reset at each 'cpu' question. */
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
let held = 0;
const { sessions, screen } = server.services.workflow;

async function prepare(count: number): Promise<PreparedSession[]> {
  if (!agent) {
    await server.services.accounts.addPortal('bench', 'Bench', 'bench');
    agent = await signInAgent(server, { portals: ['bench'] });
  }
  const out: PreparedSession[] = [];
  for (let i = 0; i < count; i++) {
    if (held >= SESSIONS_PER_AGENT) {
      agent = await signInAgent(server, { portals: ['bench'] });
      held = 0;
    }
    const request = await sessions.createRequest(
      'bench',
      { name: `Customer ${i}`, problem: 'bench' },
      '127.0.0.1',
    );
    const sessionId = request.record.id;
    await sessions.accept(agent.user, sessionId);
    const { joinCode } = await screen.request(agent.user, sessionId);
    held++;
    out.push({ sessionId, joinCode, agentToken: agent.token });
  }
  return out;
}

process.on('message', (raw: unknown) => {
  const m = raw as { type: string; count?: number };
  if (m.type === 'prepare') {
    void prepare(m.count ?? 1).then((prepared) =>
      process.send?.({ type: 'prepared', sessions: prepared } satisfies NodeReply),
    );
  }
});
answerCpuQuestions(() => {
  const figures = { loopMaxMs: loopDelay.max / 1e6, loopP99Ms: loopDelay.percentile(99) / 1e6 };
  loopDelay.reset();
  return figures;
});
process.on('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
process.send?.({ type: 'ready', url: server.url, wsUrl: server.wsUrl } satisfies NodeReply);
