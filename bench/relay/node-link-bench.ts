/**
 * What the node link costs a frame: the same frames through one node (helper and viewer on node
 * A, A's relay between them) and through two (helper on A, viewer on node B, which forwards it to
 * A over the real node link, server/cluster/node-link-session.ts), side by side in the same run.
 * A real deployment: one PostgreSQL 15, one Redis 7, two `lifeline` nodes joined with --bus and
 * --node-id, each its own process (relay-node.ts); sessions made on A (A carries their screens),
 * helpers joined with their join code and consented, viewers signed in as the agent.
 *   latency:    LATENCY_SESSIONS sessions streaming like screens (1.3 Mbit/s each, bursts of
 *               1-64 KiB frames), one-way p50 / p95 / p99, measured by this process (one clock);
 *   throughput: one session per path, 256 KiB frames as fast as backpressure lets them, MB/s
 *               received; THROUGHPUT_REPEATS pumps per path, interleaved with the other path's.
 * Rounds alternate which path goes first, so the machine's load hits both; ratios are two nodes
 * over one node, per round and overall (medians). Env: BENCH_ROUNDS (default 3), BENCH_SECONDS
 * (latency per path and round, default 10). Prints figures; asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import type WebSocket from 'ws';
import { JOIN_CODE_KEY_BYTES } from '../../server/screen/join-code-key';
import { startPostgres } from '../../test/support/postgres';
import { startRedis } from '../../test/support/redis';
import type { PreparedSession } from './relay-node';
import {
  joinStreamPair,
  startChild,
  streamAndMeasure,
  type ChildNode,
  type LatencyReport,
  type StreamPair,
} from './stream-load';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LATENCY_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const LATENCY_SESSIONS = 10;
const THROUGHPUT_FRAME_BYTES = 256 * 1024;
const THROUGHPUT_TOTAL_BYTES = 32 * 1024 * 1024;
/** Pumps per path and round, interleaved with the other path's (the median is kept). */
const THROUGHPUT_REPEATS = 5;
/** The sender keeps at most this much in its own socket buffer. */
const SENDER_BUFFER_BYTES = 8 * 1024 * 1024;
/** A throughput run that has not delivered everything by then reports what arrived. */
const THROUGHPUT_LIMIT_MS = 60_000;
/** Consents land before the first frame (a frame before consent is refused). */
const CONSENT_SETTLE_MS = 500;
const RELAY_NODE = new URL('./relay-node.ts', import.meta.url).pathname;

type Path = 'one node' | 'two nodes';

/** Sessions made on A; helpers on A, viewers on A (one node) or on B (two nodes). */
async function pairsOn(a: ChildNode, b: ChildNode, path: Path, count: number): Promise<StreamPair[]> {
  const aUrls = a.ready as { url: string; wsUrl: string };
  const bUrls = b.ready as { url: string; wsUrl: string };
  const viewerNode = path === 'one node' ? aUrls : bUrls;
  const reply = await a.ask({ type: 'prepare', count });
  const prepared = reply.sessions as PreparedSession[];
  const pairs = await Promise.all(prepared.map((s) => joinStreamPair(s, aUrls.wsUrl, viewerNode)));
  await new Promise((r) => setTimeout(r, CONSENT_SETTLE_MS));
  return pairs;
}

function closePairs(pairs: StreamPair[]): void {
  for (const p of pairs) {
    p.sender.terminate();
    p.receiver.terminate();
  }
}

/** THROUGHPUT_TOTAL_BYTES from `from` to `to` in 256 KiB frames; MB/s at `to`. */
function pump(from: WebSocket, to: WebSocket, head: Uint8Array): Promise<number> {
  const frames = THROUGHPUT_TOTAL_BYTES / THROUGHPUT_FRAME_BYTES;
  const frame = Buffer.concat([head, randomBytes(THROUGHPUT_FRAME_BYTES - head.length)]);
  return new Promise((resolve) => {
    let received = 0;
    let receivedBytes = 0;
    let sent = 0;
    const t = performance.now();
    const done = () => {
      clearTimeout(limit);
      resolve(receivedBytes / 1e6 / ((performance.now() - t) / 1000));
    };
    const limit = setTimeout(() => {
      console.log(`  (throughput: ${received} of ${frames} frames after ${THROUGHPUT_LIMIT_MS} ms)`);
      done();
    }, THROUGHPUT_LIMIT_MS);
    to.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      received++;
      receivedBytes += data.length;
      if (received === frames) done();
    });
    const tick = () => {
      while (sent < frames && from.bufferedAmount < SENDER_BUFFER_BYTES) {
        from.send(frame);
        sent++;
      }
      if (sent < frames && received < frames) setTimeout(tick, 1);
    };
    tick();
  });
}

interface PathFigures {
  p50: number;
  p95: number;
  p99: number;
  frames: number;
  mbps: number;
}

async function latencyOf(a: ChildNode, b: ChildNode, path: Path) {
  const pairs = await pairsOn(a, b, path, LATENCY_SESSIONS);
  try {
    return await streamAndMeasure(pairs, LATENCY_MS);
  } finally {
    closePairs(pairs);
  }
}

/** Throughput of both paths, THROUGHPUT_REPEATS pumps each, interleaved; the median per path. */
async function throughputs(a: ChildNode, b: ChildNode, order: Path[]): Promise<Record<Path, number>> {
  const pairs = new Map<Path, StreamPair>();
  for (const path of order) pairs.set(path, (await pairsOn(a, b, path, 1))[0]!);
  const runs: Record<Path, number[]> = { 'one node': [], 'two nodes': [] };
  try {
    for (let i = 0; i < THROUGHPUT_REPEATS; i++)
      for (const path of order) {
        const p = pairs.get(path)!;
        runs[path].push(await pump(p.sender, p.receiver, p.header));
      }
  } finally {
    closePairs([...pairs.values()]);
  }
  return { 'one node': median(runs['one node']), 'two nodes': median(runs['two nodes']) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number) => x.toFixed(2).padStart(7);
const ratio = (x: number) => `${x.toFixed(2)}x`.padStart(6);

const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
const place = {
  BENCH_STORE: await pg.createDatabase(),
  BENCH_BUS: redis.url,
  BENCH_JOIN_KEY: randomBytes(JOIN_CODE_KEY_BYTES).toString('hex'),
};
const a = await startChild(RELAY_NODE, { ...place, BENCH_NODE_ID: 'bench-a' });
const b = await startChild(RELAY_NODE, { ...place, BENCH_NODE_ID: 'bench-b' });
const results: Record<Path, PathFigures[]> = { 'one node': [], 'two nodes': [] };
try {
  console.log(
    `node link: ${LATENCY_SESSIONS} sessions at 1.3 Mbit/s for ${LATENCY_MS / 1000} s per path (one-way ms), then one session's throughput in ${THROUGHPUT_FRAME_BYTES / 1024} KiB frames (median of ${THROUGHPUT_REPEATS} x ${THROUGHPUT_TOTAL_BYTES / 1048576} MiB, interleaved); ${ROUNDS} rounds, order alternating`,
  );
  console.log(
    '  round | path      |   p50     p95     p99 | frames |   MB/s | two/one: p50   p95    p99   MB/s',
  );
  for (let round = 1; round <= ROUNDS; round++) {
    const order: Path[] = round % 2 ? ['one node', 'two nodes'] : ['two nodes', 'one node'];
    const latency = new Map<Path, LatencyReport>();
    for (const path of order) latency.set(path, await latencyOf(a, b, path));
    const mbps = await throughputs(a, b, order);
    const figures = (path: Path): PathFigures => {
      const { p50, p95, p99, frames } = latency.get(path)!;
      return { p50, p95, p99, frames, mbps: mbps[path] };
    };
    const got: Record<Path, PathFigures> = {
      'one node': figures('one node'),
      'two nodes': figures('two nodes'),
    };
    for (const path of ['one node', 'two nodes'] as const) {
      const r = got[path];
      results[path].push(r);
      const one = got['one node'];
      const ratios =
        path === 'two nodes'
          ? `        ${ratio(r.p50 / one.p50)} ${ratio(r.p95 / one.p95)} ${ratio(r.p99 / one.p99)} ${ratio(r.mbps / one.mbps)}`
          : '';
      console.log(
        `  ${String(round).padStart(5)} | ${path.padEnd(9)} | ${ms(r.p50)} ${ms(r.p95)} ${ms(r.p99)} | ${String(r.frames).padStart(6)} | ${r.mbps.toFixed(0).padStart(6)} |${ratios}`,
      );
    }
  }
  const med = (path: Path, k: keyof PathFigures) => median(results[path].map((r) => r[k]));
  console.log('  medians over the rounds:');
  for (const path of ['one node', 'two nodes'] as const)
    console.log(
      `          ${path.padEnd(9)} | ${ms(med(path, 'p50'))} ${ms(med(path, 'p95'))} ${ms(med(path, 'p99'))} |        | ${med(path, 'mbps').toFixed(0).padStart(6)} |`,
    );
  const perRound = (k: keyof PathFigures) =>
    median(results['two nodes'].map((r, i) => r[k] / results['one node'][i]![k]));
  console.log(
    `  two nodes / one node, median of the per-round ratios: p50 ${ratio(perRound('p50'))}  p95 ${ratio(perRound('p95'))}  p99 ${ratio(perRound('p99'))}  throughput ${ratio(perRound('mbps'))}`,
  );
  console.log(
    `  load average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await b.stop();
  await a.stop();
  await redis.stop();
  await pg.stop();
}
process.exit(0);
