/**
 * The helper from join to its first picture, in its own process, for first-picture-bench.ts. It
 * takes the session's path after the customer's "Allow": the Linux X11 platform created at join
 * (which starts loading the capture FFI then), the ConsentGate, the grant, the gated screen opened
 * on first use, the session's ScreenSourceView (a lone viewer reads captures in place), and a
 * ScreenEncoder whose messages go to the benchmark over loopback TCP (link-framing.ts), which
 * decodes and acks them as the agent's viewer does. Left out: the end-to-end seal of each message
 * and the relay (the benchmark's link stands in for both).
 *
 * Protocol with the benchmark: it connects to BENCH_PORT; a STATS request is answered once the
 * platform is ready (the join is done), with `{ times, stats }`; the line "consent" on stdin is the
 * customer's answer. `times` holds, in epoch ms (performance.timeOrigin + now, comparable across
 * processes on one machine), when each step of the first picture happened.
 */
import net from 'node:net';
import { ConsentGate } from '../../host/consent/consent-gate';
import { createLinuxX11Platform } from '../../host/platform/linux/linux-x11-platform';
import { loadMappedShmProvider } from '../../host/platform/linux/mapped-shm-provider';
import { silentPlatformLog } from '../../host/platform/platform-log';
import type { PixelBuffer, Rect, ScreenSource } from '../../host/platform/types';
import { ScreenEncoder } from '../../host/screen/screen-encoder';
import { ScreenSourceView, ScreenViewGroup } from '../../host/session/shared-screen-source';
import { NO_GRANTS } from '../../protocol/common';
import { DataChannel } from '../../protocol/frame';
import { SCREEN_KIND } from '../../protocol/screen/screen-message';
import { CHANNEL_STATS, readFrames, writeFrame } from './link-framing';

/** Bit 0 of an UPDATE's flags: the last message of a screen update (screen-message.ts). */
const UPDATE_FLAG_END = 1;

/** The steps of the first picture, in epoch ms; absent until reached. */
export interface FirstPictureTimes {
  /** The "consent" line was read. */
  consent?: number;
  /** The gated screen is open (X connection, MIT-SHM segment, DAMAGE). */
  screenOpen?: number;
  /** The first capture was asked for, and when it returned. */
  captureStart?: number;
  captureEnd?: number;
  /** The first screen message was handed to the link, and the END of the first update. */
  firstMessage?: number;
  encoded?: number;
  /** Node gave the END's bytes to the kernel (the socket write's callback). */
  written?: number;
}

const display = process.env.DISPLAY;
const port = Number(process.env.BENCH_PORT);
if (!display || !port) throw new Error('DISPLAY and BENCH_PORT are required');
const epochNow = () => performance.timeOrigin + performance.now();
const times: FirstPictureTimes = {};

const sock = net.connect(port, '127.0.0.1');
sock.setNoDelay(true);
await new Promise<void>((r) => sock.once('connect', () => r()));

// The join: the session creates the platform when the helper joins, long before consent.
const platform = createLinuxX11Platform({ display, log: silentPlatformLog });
const gate = new ConsentGate(platform);
const group = new ScreenViewGroup();
// Ready when the FFI the platform started loading is in (what a customer's join gives it time for).
const joined = loadMappedShmProvider().then(() => undefined);
let encoder: ScreenEncoder | null = null;

/** The view with its first capture timed (later captures pass straight through). */
function timedFirstCapture(view: ScreenSourceView): ScreenSource {
  return {
    desktopSize: () => view.desktopSize(),
    monitors: () => view.monitors(),
    capture: async (rect?: Rect): Promise<PixelBuffer> => {
      if (times.captureStart !== undefined) return view.capture(rect);
      times.captureStart = epochNow();
      const frame = await view.capture(rect);
      times.captureEnd = epochNow();
      return frame;
    },
    releaseFrame: () => view.releaseFrame(),
    onDamage: (listener) => view.onDamage(listener),
    ...(view.onMoves ? { onMoves: view.onMoves } : {}),
    pointer: () => view.pointer(),
    cursor: () => view.cursor(),
    close: () => view.close(),
  };
}

async function onConsent(): Promise<void> {
  times.consent = epochNow();
  await gate.set({ ...NO_GRANTS, view: true });
  const shared = await gate.screen();
  times.screenOpen = epochNow();
  const view = new ScreenSourceView(shared, group);
  const source = timedFirstCapture(view);
  encoder = new ScreenEncoder(source, {
    onError: (e) => console.error('encoder error:', e),
    send(channel, payload) {
      const screen = channel === 'screen';
      if (screen && times.firstMessage === undefined) times.firstMessage = epochNow();
      const end =
        screen &&
        times.encoded === undefined &&
        payload[0] === SCREEN_KIND.update &&
        (endFlag(payload) & UPDATE_FLAG_END) !== 0;
      if (end) times.encoded = epochNow();
      writeFrame(sock, DataChannel[channel], payload, end ? () => (times.written = epochNow()) : undefined);
    },
  });
  await encoder.start();
}

/** The flags byte of an UPDATE: after the kind and the varint sequence number. */
function endFlag(payload: Uint8Array): number {
  let i = 1;
  while (i < payload.byteLength && (payload[i]! & 0x80) !== 0) i++;
  return payload[i + 1] ?? 0;
}

readFrames(sock, (channel, payload) => {
  if (channel === DataChannel.ack) encoder?.onAck(payload);
  else if (channel === DataChannel.control) encoder?.onControl(payload);
  else if (channel === CHANNEL_STATS)
    void joined.then(() =>
      writeFrame(
        sock,
        CHANNEL_STATS,
        Buffer.from(JSON.stringify({ times, stats: encoder?.stats() ?? null })),
      ),
    );
});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  if (line.trim() === 'consent' && times.consent === undefined)
    onConsent().catch((e: unknown) => console.error('consent failed:', e));
});
sock.on('close', () => {
  void (encoder?.close() ?? Promise.resolve()).then(() => gate.close()).then(() => process.exit(0));
});
