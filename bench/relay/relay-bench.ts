/**
 * Relay benchmarks, each against the floor measured in the same run: a bare `ws` forwarder in its
 * own process (bare-forward-node.ts), the same hop count as the relay with none of its work.
 *   (a) latency the relay adds to a frame, p50 / p99: a light load (5 sessions at 1.3 Mbit/s),
 *       on one node (across two nodes, through the real node link: node-link-bench.ts);
 *   (b) capacity: N sessions streaming at 1.3 Mbit/s each (bursty frames of 1-64 KiB) through one
 *       Lifeline process, N rising, until the relay's added p99 passes 20 ms.
 * The relay is a real `lifeline` server (relay-node.ts) with helpers that joined with a join
 * code and consented, and viewers signed in as the agent; the generator (this process) sends and
 * receives every frame, so latencies are one-way on one clock. The generator shares the 2 cores
 * with the server, as the baseline's does. Env: BENCH_SESSIONS="100,300,500" (steps of (b)),
 * BENCH_SECONDS (per step, default 10), BENCH_CAPACITY_ONLY=1 (skip (a)). Latency depends on what else runs on the machine; the
 * CPU the middle process spends per session does not (sessions per core = N / cores used), so
 * both are printed. Prints figures; asserts nothing.
 */
import type { PreparedSession } from './relay-node';
import {
  joinStreamPair,
  open,
  screenHeader,
  startChild,
  streamAndMeasure,
  type LatencyReport,
  type StreamPair,
} from './stream-load';

const STEPS = (process.env.BENCH_SESSIONS ?? '100,200,300,400,500,600,700').split(',').map(Number);
const STEP_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const LATENCY_MS = 20_000;
/** Sessions in (a): a light load, enough frames for a p99 (~10 frames/s each). */
const LATENCY_SESSIONS = 5;
/** The capacity criterion of (b): the relay's added p99, in ms. */
const ADDED_P99_LIMIT_MS = 20;
/** Sessions prepared and joined per IPC round (join codes live for minutes; helpers join at once). */
const BATCH = 50;
const RELAY_NODE = new URL('./relay-node.ts', import.meta.url).pathname;
const BARE_NODE = new URL('./bare-forward-node.ts', import.meta.url).pathname;

interface Pairs {
  pairs: StreamPair[];
  /** CPU time the middle process has used so far, in s, and its event-loop delay since the last call (ms). */
  cpu: () => Promise<{ seconds: number; loopMaxMs: number; loopP99Ms: number }>;
  stop: () => Promise<void>;
}

const cpuOf = (node: Awaited<ReturnType<typeof startChild>>) => async () => {
  const r = await node.ask({ type: 'cpu' });
  return {
    seconds: (r.micros as number) / 1e6,
    loopMaxMs: (r.loopMaxMs as number | undefined) ?? NaN,
    loopP99Ms: (r.loopP99Ms as number | undefined) ?? NaN,
  };
};

/** Sessions on one relay node. */
async function lifelinePairs(count: number): Promise<Pairs> {
  const node = await startChild(RELAY_NODE);
  const { url, wsUrl } = node.ready as { url: string; wsUrl: string };
  const pairs: StreamPair[] = [];
  for (let done = 0; done < count; done += BATCH) {
    const reply = await node.ask({ type: 'prepare', count: Math.min(BATCH, count - done) });
    const prepared = reply.sessions as PreparedSession[];
    const batch = await Promise.all(prepared.map((s) => joinStreamPair(s, wsUrl, { wsUrl, url })));
    pairs.push(...batch);
  }
  // Let the consents land before the first frame (a frame before consent is refused).
  await new Promise((r) => setTimeout(r, 500));
  return {
    pairs,
    cpu: cpuOf(node),
    stop: () => closeAll(pairs).then(() => node.stop()),
  };
}

async function barePairs(count: number): Promise<Pairs> {
  const node = await startChild(BARE_NODE);
  const base = node.ready.url as string;
  const pairs = await Promise.all(
    Array.from({ length: count }, async (_, k) => {
      const receiver = await open(`${base}/pair/${k}/receiver`);
      const sender = await open(`${base}/pair/${k}/sender`);
      return { sender, receiver, header: screenHeader(2) };
    }),
  );
  await new Promise((r) => setTimeout(r, 200));
  return { pairs, cpu: cpuOf(node), stop: () => closeAll(pairs).then(() => node.stop()) };
}

async function closeAll(pairs: StreamPair[]): Promise<void> {
  for (const p of pairs) {
    p.sender.terminate();
    p.receiver.terminate();
  }
}

interface Measured extends LatencyReport {
  /** Share of one core the middle process used while streaming (1 = a whole core). */
  cores: number;
  /** The middle process's longest event-loop stall while streaming (the start burst included), ms. */
  loopMaxMs: number;
  loopP99Ms: number;
}

async function measure(make: (n: number) => Promise<Pairs>, n: number, ms: number): Promise<Measured> {
  const { pairs, cpu, stop } = await make(n);
  try {
    const before = await cpu();
    const t = performance.now();
    const report = await streamAndMeasure(pairs, ms);
    const after = await cpu();
    return {
      ...report,
      cores: (after.seconds - before.seconds) / ((performance.now() - t) / 1000),
      loopMaxMs: after.loopMaxMs,
      loopP99Ms: after.loopP99Ms,
    };
  } finally {
    await stop();
  }
}

const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2).padStart(8) : '     n/a');

if (!process.env.BENCH_CAPACITY_ONLY) {
  console.log(`(a) latency the relay adds, ${LATENCY_SESSIONS} sessions at 1.3 Mbit/s, one-way ms:`);
  const baseOne = await measure(barePairs, LATENCY_SESSIONS, LATENCY_MS);
  const ourOne = await measure(lifelinePairs, LATENCY_SESSIONS, LATENCY_MS);
  console.log(
    `  bare forward (floor): p50 ${f(baseOne.p50)}  p99 ${f(baseOne.p99)}  (${baseOne.frames} frames)`,
  );
  console.log(
    `  lifeline relay:       p50 ${f(ourOne.p50)}  p99 ${f(ourOne.p99)}  (${ourOne.frames} frames)`,
  );
  console.log(
    `  added by the relay:   p50 ${f(ourOne.p50 - baseOne.p50)}  p99 ${f(ourOne.p99 - baseOne.p99)}`,
  );
  console.log(
    `  load average at the end: ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}

console.log(
  `\n(b) sessions at 1.3 Mbit/s through one relay process (${STEP_MS / 1000} s per step), one-way ms:`,
);
console.log(
  '  sessions | floor p50   p99 | relay p50   p99    max | added p99 | start max (floor / relay) | Mbit/s in relay | CPU floor / relay | sessions per core (floor / relay) | relay loop stall p99 / max',
);
for (const n of STEPS) {
  const base = await measure(barePairs, n, STEP_MS);
  const ours = await measure(lifelinePairs, n, STEP_MS);
  const added = ours.p99 - base.p99;
  console.log(
    `  ${String(n).padStart(8)} | ${f(base.p50)} ${f(base.p99)} | ${f(ours.p50)} ${f(ours.p99)} ${f(ours.max)} | ${f(added)}  | ${f(base.startMax)} / ${f(ours.startMax)}    | ${ours.receivedMbps.toFixed(0)} of ${ours.sentMbps.toFixed(0)} | ${base.cores.toFixed(2)} / ${ours.cores.toFixed(2)} | ${(n / base.cores).toFixed(0)} / ${(n / ours.cores).toFixed(0)} | ${f(ours.loopP99Ms)} / ${f(ours.loopMaxMs)}`,
  );
  if (added > ADDED_P99_LIMIT_MS)
    console.log(`  -> added p99 past ${ADDED_P99_LIMIT_MS} ms at ${n} sessions`);
}
process.exit(0);
