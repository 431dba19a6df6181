/**
 * Our side of the screen benchmarks: the helper's encoder in its own process
 * (helper-child.ts, so its CPU time is measured like x0vncserver's), linked to the benchmark over
 * loopback TCP (link-framing.ts), and a viewer at this end that decodes every screen message with
 * the reference decoder and acks it, as the agent's viewer does.
 *
 * Bytes are counted as the relay would carry them: payload + the 8-byte data-plane header
 * ("plain"), and also with end-to-end encryption (+8-byte counter +16-byte GCM tag per message,
 * "sealed").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { DataChannel, FRAME_HEADER_BYTES } from '../../protocol/frame';
import { encodeAck, screenMessageSeq } from '../../protocol/screen';
import { ScreenDecoder, type ApplyResult } from '../../ui/decoder/screen-decoder';
import { TurboJpegDecoder } from '../../test/ui/decoder/turbo-jpeg-decoder';
import { CHANNEL_STATS, readFrames, writeFrame } from './link-framing';
import { sleep } from '../support/sleep';

/** Per-message bytes that end-to-end encryption adds beyond the data-plane header (counter + GCM tag). */
export const SEAL_EXTRA_BYTES = 8 + 16;
const SCREEN_KIND_RESET = 1;
const STATS_POLL_MS = 10;
/** How long the child gets to exit once its link is closed, in ms (then it is terminated). */
const CHILD_EXIT_MS = 3000;

export class HelperLink {
  plainBytes = 0;
  sealedBytes = 0;
  messages = 0;
  lastDataAt = 0;
  /** First-byte arrival of every screen message (performance.now()). */
  arrivals: number[] = [];
  /** Bytes (plain) from the last RESET to the END of the update after it. */
  lastFullFrame = { plain: 0, sealed: 0, done: false, doneAt: 0 };
  /** Screen updates painted (END messages applied), with the time the last byte of each arrived. */
  painted: number[] = [];
  decoder = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
  /** Called after each screen message is painted, with the arrival time of its last byte. */
  onPainted: ((completeAt: number, result: ApplyResult) => void) | null = null;
  private stats: unknown = null;
  private chain = Promise.resolve();
  private inFull = false;

  constructor(readonly sock: net.Socket) {
    sock.on('data', () => (this.lastDataAt = performance.now()));
    readFrames(sock, (channel, payload, firstByteAt, completeAt) => {
      if (channel === CHANNEL_STATS) {
        this.stats = JSON.parse(Buffer.from(payload).toString());
        return;
      }
      if (channel !== DataChannel.screen && channel !== DataChannel.cursor) return;
      const plain = payload.byteLength + FRAME_HEADER_BYTES;
      this.plainBytes += plain;
      this.sealedBytes += plain + SEAL_EXTRA_BYTES;
      this.messages++;
      if (channel !== DataChannel.screen) return;
      this.arrivals.push(firstByteAt);
      const copy = new Uint8Array(payload);
      if (copy[0] === SCREEN_KIND_RESET) {
        this.inFull = true;
        this.lastFullFrame = { plain: 0, sealed: 0, done: false, doneAt: 0 };
      }
      if (this.inFull) {
        this.lastFullFrame.plain += plain;
        this.lastFullFrame.sealed += plain + SEAL_EXTRA_BYTES;
      }
      this.chain = this.chain.then(async () => {
        const r = await this.decoder.apply(copy);
        if (r.end) {
          this.painted.push(completeAt);
          if (this.inFull) {
            this.inFull = false;
            this.lastFullFrame.done = true;
            this.lastFullFrame.doneAt = completeAt;
          }
        }
        writeFrame(sock, DataChannel.ack, encodeAck(screenMessageSeq(copy)));
        this.onPainted?.(completeAt, r);
      });
    });
  }

  control(payload: Uint8Array): void {
    writeFrame(this.sock, DataChannel.control, payload);
  }

  async fetchStats(): Promise<Record<string, unknown>> {
    this.stats = null;
    writeFrame(this.sock, CHANNEL_STATS, new Uint8Array(0));
    while (this.stats === null) await sleep(STATS_POLL_MS);
    return this.stats as Record<string, unknown>;
  }
}

export interface HelperChild {
  process: ChildProcess;
  link: HelperLink;
  /** Where the child connects (our proxy's port when a shaped link sits between). */
  listenPort: number;
  close(): Promise<void>;
}

/**
 * Starts the helper child on `display`. `connectVia` maps the port this end listens on to the one
 * the child connects to (a shaping proxy in front of it); `BENCH_PROFILE=dir` writes a CPU profile,
 * and `BENCH_HELPER_JS=file` runs that bundle of helper-child.ts instead of the TypeScript (esbuild
 * it without minifying: profiles then have source lines). `script` is the child's entry
 * (consent-child.ts for the first-picture benchmark).
 */
export async function startHelperChild(
  display: string,
  connectVia: (listenPort: number) => Promise<number> = (p) => Promise.resolve(p),
  script = 'bench/screen/helper-child.ts',
): Promise<HelperChild> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const listenPort = (server.address() as net.AddressInfo).port;
  const port = await connectVia(listenPort);
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const entry = process.env.BENCH_HELPER_JS ? [process.env.BENCH_HELPER_JS] : ['--import', 'tsx', script];
  // stdin is a pipe: consent-child.ts reads the customer's answer there.
  const child = spawn(process.execPath, [...profile, ...entry], {
    env: { ...process.env, DISPLAY: display, BENCH_PORT: String(port) },
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const sock = await accepted;
  sock.setNoDelay(true);
  const link = new HelperLink(sock);
  return {
    process: child,
    link,
    listenPort,
    async close() {
      sock.destroy();
      server.close();
      const exited = new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
      const late = setTimeout(() => child.kill('SIGTERM'), CHILD_EXIT_MS);
      await exited;
      clearTimeout(late);
    },
  };
}
