/**
 * The load generator of the relay benchmarks: sessions that each stream like a screen share
 * (SESSION_BITS_PER_S on average, in bursts of frames of 1-64 KiB, sizes log-uniform so most
 * are small and a few are large, as an encoder's updates are), from a sender socket to a
 * receiver socket through some middle process. The send time travels in the frame, so the
 * receiver (this same process, same clock) knows each frame's one-way latency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../protocol/common';
import { DataChannel, FRAME_HEADER_BYTES, writeFrameHeader } from '../../protocol/frame';
import { ALL_GRANTS, helperHello } from '../../test/support/workflow';
import type { PreparedSession } from './relay-node';

/** What one screen-sharing session sends on average, in bits per second. */
export const SESSION_BITS_PER_S = 1.3e6;
const MIN_FRAME_BYTES = 1024;
const MAX_FRAME_BYTES = 64 * 1024;
/** How often each session sends a burst, in ms (sessions are spread over this period). */
const BURST_PERIOD_MS = 100;
/** The generator's timer; sessions take turns on it. */
const TICK_MS = 10;

export interface StreamPair {
  sender: WebSocket;
  receiver: WebSocket;
  /** The 8-byte data-plane header to put before each payload. */
  header: Uint8Array;
}

export interface LatencyReport {
  frames: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Largest latency in the first START_WINDOW_MS (every session starting at once). */
  startMax: number;
  sentMbps: number;
  receivedMbps: number;
}

/** Latencies of frames sent in the first this-many ms are the "start" figures, not the steady ones. */
const START_WINDOW_MS = 2_000;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** Streams on every pair for `durationMs` and reports one-way latencies of the frames received. */
export async function streamAndMeasure(pairs: StreamPair[], durationMs: number): Promise<LatencyReport> {
  const steady: number[] = [];
  let startMax = 0;
  let sentBytes = 0;
  let receivedBytes = 0;
  const t0 = performance.now();
  const onFrame = (data: Buffer) => {
    const sentAt = data.readDoubleLE(FRAME_HEADER_BYTES);
    const latency = performance.now() - sentAt;
    receivedBytes += data.length;
    if (sentAt - t0 < START_WINDOW_MS) startMax = Math.max(startMax, latency);
    else steady.push(latency);
  };
  for (const p of pairs)
    p.receiver.on('message', (data: Buffer, isBinary: boolean) => isBinary && onFrame(data));

  const bytesPerMs = SESSION_BITS_PER_S / 8 / 1000;
  const deficit = new Float64Array(pairs.length);
  const lastBurst = new Float64Array(pairs.length).fill(t0);
  const logMin = Math.log(MIN_FRAME_BYTES);
  const logSpan = Math.log(MAX_FRAME_BYTES) - logMin;
  let tick = 0;
  const slots = BURST_PERIOD_MS / TICK_MS;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const slot = tick++ % slots;
      for (let i = slot; i < pairs.length; i += slots) {
        const pair = pairs[i]!;
        deficit[i]! += (now - lastBurst[i]!) * bytesPerMs;
        lastBurst[i] = now;
        while (deficit[i]! > 0) {
          const size = Math.round(Math.exp(logMin + Math.random() * logSpan));
          const frame = Buffer.allocUnsafe(size);
          frame.set(pair.header, 0);
          frame.writeDoubleLE(performance.now(), FRAME_HEADER_BYTES);
          pair.sender.send(frame, { binary: true });
          sentBytes += size;
          deficit[i]! -= size;
        }
      }
      if (now - t0 >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  // Frames still in flight get a moment to arrive (they count: a backlog is latency too).
  await new Promise((r) => setTimeout(r, 500));
  for (const p of pairs) p.receiver.removeAllListeners('message');
  const sorted = Float64Array.from(steady).sort();
  const seconds = durationMs / 1000;
  return {
    frames: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    startMax,
    sentMbps: (sentBytes * 8) / 1e6 / seconds,
    receivedMbps: (receivedBytes * 8) / 1e6 / seconds,
  };
}

/** Opens a WebSocket and resolves once it is open. */
export function open(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...(origin ? { origin } : {}) });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends a JSON hello and resolves with the first text message that answers it. */
export function hello(ws: WebSocket, message: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      ws.off('message', onMessage);
      const m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      if (m.type === 'error') reject(new Error(`refused: ${JSON.stringify(m)}`));
      else resolve(m);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify(message));
  });
}

export interface ChildNode {
  child: ChildProcess;
  ready: Record<string, unknown>;
  /** Sends an IPC message and resolves with the next reply. */
  ask(message: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts a benchmark child process (TypeScript through tsx) and waits for its `ready`. */
export async function startChild(file: string, env: NodeJS.ProcessEnv = {}): Promise<ChildNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${file} exited (${code})`));
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as Record<string, unknown>);
      });
      child.once('exit', onExit);
    });
  const ready = await next();
  return {
    child,
    ready,
    ask(message) {
      const reply = next();
      child.send(message);
      return reply;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The screen channel's data-plane header for frames from the helper (peer 1) to viewer `to`. */
export function screenHeader(to: number): Uint8Array {
  const h = new Uint8Array(FRAME_HEADER_BYTES);
  writeFrameHeader(h, { channel: DataChannel.screen, from: 1, to });
  return h;
}

/**
 * One prepared session made a stream pair: its helper joins on `helperWsUrl` and consents to
 * everything, its agent's viewer says hello on `viewer` (the same node, or another one).
 */
export async function joinStreamPair(
  s: PreparedSession,
  helperWsUrl: string,
  viewer: { wsUrl: string; url: string },
): Promise<StreamPair> {
  const helper = await open(helperWsUrl);
  await hello(helper, helperHello({ kind: 'join', joinCode: s.joinCode }));
  helper.send(JSON.stringify({ type: 'helper.consent', grants: ALL_GRANTS }));
  const receiver = await open(viewer.wsUrl, viewer.url);
  const welcome = await hello(receiver, {
    type: 'viewer.hello',
    token: s.agentToken,
    sessionId: s.sessionId,
    protocol: PROTOCOL_VERSION,
  });
  return { sender: helper, receiver, header: screenHeader(welcome.peerId as number) };
}
