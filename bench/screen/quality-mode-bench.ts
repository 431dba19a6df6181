/**
 * Quality modes on a poor link: the viewer's "Fast (less data)" (mode `low`) against Automatic
 * (`auto`), side by side in one run on ONE Xvfb 1920x1080 desktop (an xterm and the poor-link
 * bench's photo slideshow over it, 5 pictures a second), each mode in its own helper process
 * behind its own shaping proxy with the same profile (the poor-link bench's hotel Wi-Fi: 1 Mbit/s,
 * 80 ms RTT). Both viewers decode and acknowledge what they receive, as a real viewer does (the
 * acks drive each encoder's flow control). Figures per mode: bytes down, screen updates a second
 * (what the agent sees move), and the ratio low / auto. Run twice in a row by default.
 * `npx tsx bench/screen/quality-mode-bench.ts [seconds] [runs]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { DataChannel, FRAME_HEADER_BYTES } from '../../protocol/frame';
import { encodeAck, screenMessageSeq } from '../../protocol/screen';
import { ScreenDecoder } from '../../ui/decoder/screen-decoder';
import { TurboJpegDecoder } from '../../test/ui/decoder/turbo-jpeg-decoder';
import { startXtermDesktop } from '../support/xterm-desktop';
import { startSlideshow } from '../support/photo-slideshow';
import { startShapedLink, type LinkProfile, type ShapedLink } from '../support/shaped-link';
import { HOTEL_WIFI } from '../support/link-profiles';
import { sleep } from '../support/sleep';
import { readFrames, writeFrame } from './link-framing';

/** How long the slideshow runs per measurement, in s (argv[2]). */
const SECONDS = Number(process.argv[2] ?? 20);
const RUNS = Number(process.argv[3] ?? 2);
/** The slideshow before the counting starts (both streams past their first full picture), in ms. */
const WARMUP_MS = 3000;
const PHOTO = { x: 1380, y: 80, width: 480, height: 360, frames: 6, framesPerSecond: 5 };
/** The poor-link bench's hotel Wi-Fi profile. */
const PROFILE: LinkProfile = HOTEL_WIFI;
const MODES = ['auto', 'low'] as const;
type Mode = (typeof MODES)[number];

/** The viewer end of one helper: decodes, acks, counts bytes and updates. */
class ViewerEnd {
  bytes = 0;
  updates = 0;
  private readonly decoder = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
  private chain = Promise.resolve();

  constructor(sock: net.Socket) {
    readFrames(sock, (channel, payload) => {
      if (channel !== DataChannel.screen && channel !== DataChannel.cursor) return;
      this.bytes += payload.byteLength + FRAME_HEADER_BYTES;
      if (channel !== DataChannel.screen) return;
      this.updates++;
      const copy = new Uint8Array(payload);
      this.chain = this.chain.then(async () => {
        await this.decoder.apply(copy);
        writeFrame(sock, DataChannel.ack, encodeAck(screenMessageSeq(copy)));
      });
    });
  }
}

async function runOnce(): Promise<Record<Mode, { bytes: number; updatesPerSecond: number }>> {
  const children: ChildProcess[] = [];
  const links: ShapedLink[] = [];
  const desktop = await startXtermDesktop();
  const slideshow = await startSlideshow(desktop.x.display, PHOTO);
  try {
    const ends = new Map<Mode, ViewerEnd>();
    for (const mode of MODES) {
      const server = net.createServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const link = await startShapedLink((server.address() as net.AddressInfo).port, PROFILE);
      links.push(link);
      const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
      children.push(
        spawn(process.execPath, ['--import', 'tsx', 'bench/screen/helper-child.ts'], {
          env: {
            ...process.env,
            DISPLAY: desktop.x.display,
            BENCH_PORT: String(link.port),
            BENCH_QUALITY: mode,
          },
          stdio: ['ignore', 'inherit', 'inherit'],
        }),
      );
      const sock = await accepted;
      sock.setNoDelay(true);
      server.close();
      ends.set(mode, new ViewerEnd(sock));
    }
    await sleep(WARMUP_MS);
    const count = (m: Mode) => ({ bytes: ends.get(m)!.bytes, updates: ends.get(m)!.updates });
    const start = { auto: count('auto'), low: count('low') };
    await sleep(SECONDS * 1000);
    const figures = (m: Mode) => ({
      bytes: count(m).bytes - start[m].bytes,
      updatesPerSecond: (count(m).updates - start[m].updates) / SECONDS,
    });
    return { auto: figures('auto'), low: figures('low') };
  } finally {
    slideshow.stop();
    for (const l of links) await l.close();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await desktop.x.stop();
  }
}

console.log(`quality modes on "${PROFILE.name}", photo slideshow ${PHOTO.framesPerSecond}/s, ${SECONDS} s`);
for (let run = 1; run <= RUNS; run++) {
  const r = await runOnce();
  const kb = (n: number) => `${Math.round(n / 1024)} KiB`;
  console.log(
    `run ${run}: auto ${kb(r.auto.bytes)} (${r.auto.updatesPerSecond.toFixed(1)} updates/s) | ` +
      `low ${kb(r.low.bytes)} (${r.low.updatesPerSecond.toFixed(1)} updates/s) | ` +
      `bytes low/auto ${(r.low.bytes / r.auto.bytes).toFixed(2)}, updates/s low/auto ${(r.low.updatesPerSecond / r.auto.updatesPerSecond).toFixed(2)}`,
  );
}
