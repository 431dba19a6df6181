/**
 * Poor-link screen benchmark: our helper's encoder against TigerVNC's x0vncserver (ZRLE) on ONE
 * Xvfb 1920x1080 desktop, each reached through its own shaping proxy (bench/support/shaped-link.ts)
 * with the same profile: a rate-limited FIFO bottleneck plus a fixed delay in each direction,
 * bytes queued, never dropped. The desktop is the screen benchmark's xterm, made 76 rows tall,
 * with a small second xterm (120x4) under it; focus follows the pointer (no window manager).
 *
 * Script (XTEST): 40 keys into the small xterm, 250 ms apart, on an idle screen; a script printing
 * 400 `ls -l`-like lines 20 ms apart in the big xterm (bytes, and the catch-up time from the last
 * printed line to the last byte before a 1 s silence); the same 400 lines again while a key is
 * typed into the small xterm every 300 ms; then a fast log (3000 lines, 10 every 20 ms, like a
 * build) with keys every 300 ms too: a burst that needs more than 1 Mbit/s. Both viewers decode what they receive (our reference
 * decoder; zrle-decoder.ts for RFB) and a key counts as shown when the cell its echo puts the
 * cursor into stops being blank on the decoded picture: the arrival of the last byte of the
 * message (ours) or rectangle (RFB) that did it. Keys are injected at the desktop, so latencies
 * hold the downstream half of the link only (the agent's key would also travel up: add one delay).
 * Not a test: numbers, not verdicts; it only checks both decoded pictures against an xwd capture.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { DataChannel, FRAME_HEADER_BYTES } from '../../protocol/frame';
import { encodeAck, screenMessageSeq } from '../../protocol/screen';
import { ScreenDecoder } from '../../ui/decoder/screen-decoder';
import type { PixelBuffer } from '../../host/platform/types';
import type { XDisplay } from '../../test/support/xvfb';
import { TurboJpegDecoder } from '../../test/ui/decoder/turbo-jpeg-decoder';
import { countDiff } from '../../test/host/screen/synthetic';
import { xwdCapture } from '../../test/e2e/screen/xwd-capture';
import { CHANNEL_STATS, readFrames, writeFrame } from './link-framing';
import { RfbClient } from './rfb-client';
import { sleep } from '../support/sleep';
import { startX0vncserver } from '../support/x0vncserver';
import { startXtermDesktop } from '../support/xterm-desktop';
import { startSlideshow } from '../support/photo-slideshow';
import { startShapedLink, type LinkProfile, type ShapedLink } from '../support/shaped-link';
import { percentile } from '../support/process-stats';
import { PROFILES } from '../support/link-profiles';

const IDLE_KEYS = 40;
/** Time between keys on the idle screen, in ms. */
const IDLE_KEY_GAP_MS = 250;
const SCROLL_LINES = 400;
/** Lines of the fast log (10 every 20 ms, so about 7 s). */
const BURST_LINES = 3000;
/** Time between keys typed while the other xterm scrolls, in ms. */
const SCROLL_KEY_GAP_MS = 300;
/** At most this many keys while scrolling (the scroll normally ends first). */
const SCROLL_KEYS_MAX = 60;
/** Keys typed on the small xterm's one line in the whole run (120 columns, the prompt, calibration). */
const TYPED_KEYS_MAX = 114;
/** Slideshow over the big xterm: photo-like frames (fractal plasma), 5 a second. */
const PHOTO = { x: 1380, y: 80, width: 480, height: 360, frames: 6, framesPerSecond: 5 };
/** The slideshow runs this long before the first key, in ms. */
const PHOTO_WARMUP_MS = 1500;
const PHOTO_KEYS = 25;
/** A viewer has caught up when no byte arrived for this long, in ms (subtracted from the figure). */
const QUIET_MS = 1000;
/** Longest wait for a viewer to catch up, in ms. */
const CATCH_UP_MAX_MS = 120_000;
const POLL_MS = 20;
/** Big xterm: full width, 76 rows of 13 px (+ 2 px inner border each side). */
const BIG_XTERM_HEIGHT_PX = 76 * 13 + 4;
/** Small xterm: 120x4 characters under the big one. */
const SMALL_XTERM_GEOMETRY = '120x4+0+1010';
const SMALL_XTERM_POINT = { x: 300, y: 1035 };
const BIG_XTERM_POINT = { x: 960, y: 500 };
const XTERM_SETTLE_MS = 1500;
/** Time for a calibration keystroke's echo to reach the X server's picture, in ms. */
const ECHO_SETTLE_MS = 300;

interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One key: when it was injected, and when each viewer first had something there. */
interface KeyProbe {
  t0: number;
  /** The cell the echo moves the cursor into: blank before the echo, never blank after. */
  cell: Cell;
  ours?: number;
  rfb?: number;
}

/** True when any pixel of `cell` in an RGBA picture differs from `bg` (0xRRGGBB). */
function cellInked(rgba: Uint8ClampedArray, width: number, cell: Cell, bg: number): boolean {
  for (let y = cell.y; y < cell.y + cell.h; y++)
    for (let x = cell.x; x < cell.x + cell.w; x++) {
      const o = (y * width + x) * 4;
      if (((rgba[o]! << 16) | (rgba[o + 1]! << 8) | rgba[o + 2]!) !== bg) return true;
    }
  return false;
}

/** Our side as the viewer sees it: decodes and acks every screen message, notes when each was complete. */
class HelperLink {
  bytes = 0;
  lastDataAt = 0;
  arrivals: number[] = [];
  decoder = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
  stats: unknown = null;
  onPainted: ((completeAt: number) => void) | null = null;
  private chain = Promise.resolve();

  constructor(readonly sock: net.Socket) {
    sock.on('data', () => (this.lastDataAt = performance.now()));
    readFrames(sock, (channel, payload, firstByteAt, completeAt) => {
      if (channel === CHANNEL_STATS) {
        this.stats = JSON.parse(Buffer.from(payload).toString());
        return;
      }
      if (channel !== DataChannel.screen && channel !== DataChannel.cursor) return;
      this.bytes += payload.byteLength + FRAME_HEADER_BYTES;
      if (channel !== DataChannel.screen) return;
      this.arrivals.push(firstByteAt);
      const copy = new Uint8Array(payload);
      this.chain = this.chain.then(async () => {
        await this.decoder.apply(copy);
        writeFrame(sock, DataChannel.ack, encodeAck(screenMessageSeq(copy)));
        this.onPainted?.(completeAt);
      });
    });
  }

  async fetchStats(): Promise<Record<string, unknown>> {
    this.stats = null;
    writeFrame(this.sock, CHANNEL_STATS, new Uint8Array(0));
    while (this.stats === null) await sleep(POLL_MS);
    return this.stats as Record<string, unknown>;
  }
}

/** Waits until neither viewer received anything for QUIET_MS. */
async function quiet(rfb: RfbClient, ours: HelperLink, maxMs = CATCH_UP_MAX_MS): Promise<void> {
  const end = performance.now() + maxMs;
  while (performance.now() < end) {
    await sleep(POLL_MS * 5);
    if (performance.now() - Math.max(rfb.lastDataAt, ours.lastDataAt) >= QUIET_MS) return;
  }
}

/** Shell script: N lines, one every 20 ms, then the wall-clock time of the last one (ns) into a file. */
/** Shell script: a fast log (a build), 10 lines every 20 ms up to N lines, then the time of the last one. */
const BURST_SCRIPT = `i=0; while [ $i -lt $1 ]; do sleep 0.02; j=0; while [ $j -lt 10 ]; do i=$((i+1)); j=$((j+1)); printf '%6d  -rw-r--r--  1 customer staff  %6d Jan  6 12:%02d  build/obj/module-%04d.o  cc -O2 -g -Wall -Wextra -fPIC -DNDEBUG  ok\\n' $i $((i*7919 % 99999)) $((i % 60)) $i; done; done; date +%s%N > $2\n`;
const SCROLL_SCRIPT = `i=0; while [ $i -lt $1 ]; do i=$((i+1)); sleep 0.02; printf '%5d  -rw-r--r--  1 customer staff  %6d Jan  6 12:%02d  report-%04d.txt  lorem ipsum dolor sit amet, consectetur adipiscing elit %s\\n' $i $((i*7919 % 99999)) $((i % 60)) $i "$(date +%N)"; done; date +%s%N > $2\n`;

async function runProfile(profile: LinkProfile): Promise<void> {
  const children: ChildProcess[] = [];
  const links: ShapedLink[] = [];
  let x: XDisplay | null = null;
  let scratchDir: string | null = null;
  try {
    const desktop = await startXtermDesktop();
    x = desktop.x;
    const display = x;
    const input = desktop.input;
    const scratch = mkdtempSync(join(tmpdir(), 'lifeline-poor-link-'));
    scratchDir = scratch;
    const script = join(scratch, 'scroll.sh');
    writeFileSync(script, SCROLL_SCRIPT);
    const burst = join(scratch, 'burst.sh');
    writeFileSync(burst, BURST_SCRIPT);

    // The layout: the big xterm shortened, a small one under it.
    const bigId = x.run('xdotool', ['search', '--class', 'xterm']).trim().split('\n')[0]!;
    x.run('xdotool', ['windowsize', bigId, '1900', String(BIG_XTERM_HEIGHT_PX)]);
    x.spawnClient('xterm', ['-geometry', SMALL_XTERM_GEOMETRY, '-e', 'bash', '--norc', '--noprofile'], {
      PS1: '$ ',
    });
    await sleep(XTERM_SETTLE_MS);

    // Both servers, each behind its own proxy with the same profile.
    const { process: vnc, port: rfbPort } = await startX0vncserver(x.display);
    children.push(vnc);
    const rfbLink = await startShapedLink(rfbPort, profile);
    links.push(rfbLink);
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const oursLink = await startShapedLink((server.address() as net.AddressInfo).port, profile);
    links.push(oursLink);
    const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
    const helper = spawn(process.execPath, ['--import', 'tsx', 'bench/screen/helper-child.ts'], {
      env: { ...process.env, DISPLAY: x.display, BENCH_PORT: String(oursLink.port) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(helper);
    const sock = await accepted;
    sock.setNoDelay(true);
    const ours = new HelperLink(sock);
    const rfb = await RfbClient.connect(rfbLink.port, { decode: true });
    const t = {
      rfbDown: () => rfbLink.stats().fromTarget.bytes,
      rfbUp: () => rfbLink.stats().toTarget.bytes,
      // Our helper is the proxy's client: its screen stream goes towards the target (the benchmark).
      oursDown: () => oursLink.stats().toTarget.bytes,
      oursUp: () => oursLink.stats().fromTarget.bytes,
    };
    await quiet(rfb, ours);

    // Calibration: one key in the small xterm; the changed area is its cell and the next one.
    await input.pointerMove(SMALL_XTERM_POINT.x, SMALL_XTERM_POINT.y);
    await sleep(ECHO_SETTLE_MS);
    const before = xwdCapture(x.display);
    await input.key('KeyX', true);
    await input.key('KeyX', false);
    await sleep(ECHO_SETTLE_MS);
    const after = xwdCapture(x.display);
    const box = changedBox(before, after);
    if (!box || box.w % 2 !== 0) throw new Error(`calibration: unexpected echo area ${JSON.stringify(box)}`);
    const cellW = box.w / 2;
    const first = { x: box.x + cellW, y: box.y };
    const bgAt = (first.y * before.stride + (first.x + 60 * cellW) * 4) >>> 0;
    const bg = (before.data[bgAt + 2]! << 16) | (before.data[bgAt + 1]! << 8) | before.data[bgAt]!;
    let typed = 0;
    let pressed = 0;
    const nextProbe = (): KeyProbe => ({
      t0: 0,
      cell: { x: first.x + (typed + 1) * cellW, y: first.y, w: cellW, h: box.h },
    });
    await quiet(rfb, ours);

    const probes: KeyProbe[] = [];
    const settle = (side: 'ours' | 'rfb', rgba: Uint8ClampedArray, width: number, at: number) => {
      for (const p of probes) if (p[side] === undefined && cellInked(rgba, width, p.cell, bg)) p[side] = at;
    };
    ours.onPainted = (at) => {
      const fb = ours.decoder.framebuffer;
      if (fb) settle('ours', fb.data, fb.width, at);
    };
    rfb.onRect = (_rect, at) => settle('rfb', rfb.decoder!.rgba, rfb.width, at);
    const letters = 'lifelineremotesupportfortheagentandthecustomerinahotel'.split('');
    const press = async (): Promise<KeyProbe> => {
      const probe = nextProbe();
      const code = `Key${letters[pressed++ % letters.length]!.toUpperCase()}`;
      probe.t0 = performance.now();
      probes.push(probe);
      typed++;
      await input.key(code, true);
      await input.key(code, false);
      return probe;
    };

    // --- typing on an idle screen
    const type0 = { rfb: t.rfbDown(), ours: t.oursDown() };
    const firstRfb: number[] = [];
    const firstOurs: number[] = [];
    const idleProbes: KeyProbe[] = [];
    for (let i = 0; i < IDLE_KEYS; i++) {
      const p = await press();
      idleProbes.push(p);
      await sleep(IDLE_KEY_GAP_MS);
      const r = rfb.updates.find((u) => u.firstByteAt >= p.t0);
      const o = ours.arrivals.find((a) => a >= p.t0);
      if (r) firstRfb.push(r.firstByteAt - p.t0);
      if (o !== undefined) firstOurs.push(o - p.t0);
    }
    await quiet(rfb, ours);
    const perKey = {
      rfb: (t.rfbDown() - type0.rfb) / IDLE_KEYS,
      ours: (t.oursDown() - type0.ours) / IDLE_KEYS,
    };

    // Each viewer's catch-up after `since`: the last byte before its first QUIET_MS silence that
    // starts after `since` (a viewer that was silent at `since` still owes the last change).
    const catchUp = async (since: number) => {
      const end = { rfb: NaN, ours: NaN };
      const limit = performance.now() + CATCH_UP_MAX_MS;
      while ((Number.isNaN(end.rfb) || Number.isNaN(end.ours)) && performance.now() < limit) {
        await sleep(POLL_MS);
        const now = performance.now();
        if (Number.isNaN(end.rfb) && rfb.lastDataAt >= since && now - rfb.lastDataAt >= QUIET_MS)
          end.rfb = rfb.lastDataAt;
        if (Number.isNaN(end.ours) && ours.lastDataAt >= since && now - ours.lastDataAt >= QUIET_MS)
          end.ours = ours.lastDataAt;
      }
      return { rfb: end.rfb - since, ours: end.ours - since };
    };
    const peakNow = () => ({
      rfb: rfbLink.stats().fromTarget.maxQueuedBytes,
      ours: oursLink.stats().toTarget.maxQueuedBytes,
    });

    // --- scrolling: fill the big xterm first, then 400 lines
    const scrollRun = async (command: string, done: string, typing: boolean) => {
      await input.pointerMove(BIG_XTERM_POINT.x, BIG_XTERM_POINT.y);
      await input.type(`${command} ${done}`);
      await quiet(rfb, ours);
      for (const l of links) l.resetPeak();
      const b0 = { rfb: t.rfbDown(), ours: t.oursDown(), rfbUp: t.rfbUp(), oursUp: t.oursUp() };
      const start = performance.now();
      await input.key('Enter', true);
      await input.key('Enter', false);
      const keys: KeyProbe[] = [];
      if (typing) {
        await input.pointerMove(SMALL_XTERM_POINT.x, SMALL_XTERM_POINT.y);
        while (!existsSync(done) && keys.length < SCROLL_KEYS_MAX && typed < TYPED_KEYS_MAX) {
          keys.push(await press());
          await sleep(SCROLL_KEY_GAP_MS);
        }
      }
      while (!existsSync(done)) await sleep(POLL_MS);
      await sleep(POLL_MS);
      const lastLineAt = Number(readFileSync(done, 'utf8').trim()) / 1e6 - performance.timeOrigin;
      const caught = await catchUp(lastLineAt);
      await quiet(rfb, ours);
      const peak = peakNow();
      return {
        printMs: lastLineAt - start,
        catchUp: caught,
        bytes: { rfb: t.rfbDown() - b0.rfb, ours: t.oursDown() - b0.ours },
        up: { rfb: t.rfbUp() - b0.rfbUp, ours: t.oursUp() - b0.oursUp },
        peak,
        keys,
      };
    };
    await input.pointerMove(BIG_XTERM_POINT.x, BIG_XTERM_POINT.y);
    await input.type(`sh ${script} 90 ${join(scratch, 'fill')}`);
    await input.key('Enter', true);
    await input.key('Enter', false);
    await sleep(3000);
    await quiet(rfb, ours);
    const scrollA = await scrollRun(`sh ${script} ${SCROLL_LINES}`, join(scratch, 'a'), false);
    const statsA = await ours.fetchStats();
    const scrollB = await scrollRun(`sh ${script} ${SCROLL_LINES}`, join(scratch, 'b'), true);
    const statsB = await ours.fetchStats();
    const burstC = await scrollRun(`sh ${burst} ${BURST_LINES}`, join(scratch, 'c'), true);
    const statsC = await ours.fetchStats();

    // --- photographic content: a slideshow window over the big xterm (5 frames a second) while
    // keys are typed into the small xterm on a cleared line
    await input.pointerMove(SMALL_XTERM_POINT.x, SMALL_XTERM_POINT.y);
    await input.key('ControlLeft', true);
    await input.key('KeyU', true);
    await input.key('KeyU', false);
    await input.key('ControlLeft', false);
    typed = -1; // the line is empty again: the next key goes where the calibration key went
    await quiet(rfb, ours);
    for (const l of links) l.resetPeak();
    const d0 = { rfb: t.rfbDown(), ours: t.oursDown() };
    const slideshow = await startSlideshow(display.display, PHOTO);
    const photoStart = performance.now();
    await sleep(PHOTO_WARMUP_MS);
    const photoKeys: KeyProbe[] = [];
    for (let i = 0; i < PHOTO_KEYS; i++) {
      photoKeys.push(await press());
      await sleep(SCROLL_KEY_GAP_MS);
    }
    const photoStop = performance.now();
    const photoBytes = { rfb: t.rfbDown() - d0.rfb, ours: t.oursDown() - d0.ours };
    slideshow.stop();
    const photoCatchUp = await catchUp(photoStop);
    const photoPeak = peakNow();
    const photoSeconds = (photoStop - photoStart) / 1000;
    const statsD = await ours.fetchStats();
    await quiet(rfb, ours);

    // Both decoded pictures against the X server's (the slideshow is gone; our JPEG areas have
    // been re-sent losslessly after the idle time, so both must be exact).
    const truth = xwdCapture(display.display);
    const oursDiff = countDiff(truth, ours.decoder.framebuffer!.data);
    const rfbDiff = countDiff(truth, rfb.decoder!.rgba);
    await input.close();

    const shown = (ps: KeyProbe[], side: 'ours' | 'rfb') =>
      ps.filter((p) => p[side] !== undefined).map((p) => p[side]! - p.t0);
    const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');
    const ratio = (a: number, b: number) =>
      b === 0 || !Number.isFinite(a / b) ? 'n/a' : (a / b).toFixed(2) + 'x';
    const row = (name: string, rfbV: number, oursV: number, fmt: (v: number) => string = ms) =>
      `| ${name} | ${fmt(rfbV)} | ${fmt(oursV)} | ${ratio(oursV, rfbV)} |`;
    const kb = (v: number) => (v / 1024).toFixed(1);
    const idleR = shown(idleProbes, 'rfb');
    const idleO = shown(idleProbes, 'ours');
    const scrR = shown(scrollB.keys, 'rfb');
    const scrO = shown(scrollB.keys, 'ours');
    const burR = shown(burstC.keys, 'rfb');
    const burO = shown(burstC.keys, 'ours');
    const phR = shown(photoKeys, 'rfb');
    const phO = shown(photoKeys, 'ours');
    const queueMs = (bytes: number) => (bytes * 1000) / profile.rateBytesPerSec;
    console.log(
      `\n## Poor link, ${profile.name} (each direction ${profile.rateBytesPerSec} B/s, ${profile.oneWayDelayMs} ms one way)\n`,
    );
    console.log('| measure | x0vncserver ZRLE | ours (plain) | ours/ZRLE |');
    console.log('|---|---|---|---|');
    const lines = [
      row(
        'idle typing: key -> first update byte, p50 (ms)',
        percentile(firstRfb, 50),
        percentile(firstOurs, 50),
      ),
      row(
        'idle typing: key -> first update byte, p90 (ms)',
        percentile(firstRfb, 90),
        percentile(firstOurs, 90),
      ),
      row(
        'idle typing: key -> character on the viewer, p50 (ms)',
        percentile(idleR, 50),
        percentile(idleO, 50),
      ),
      row(
        'idle typing: key -> character on the viewer, p90 (ms)',
        percentile(idleR, 90),
        percentile(idleO, 90),
      ),
      row('idle typing: bytes per key (down)', perKey.rfb, perKey.ours, (v) => v.toFixed(1)),
      row(`scroll ${SCROLL_LINES} lines: KiB received`, scrollA.bytes.rfb, scrollA.bytes.ours, kb),
      row('scroll: catch-up after the last line (ms)', scrollA.catchUp.rfb, scrollA.catchUp.ours),
      row(
        'scroll: peak queue in the link (ms of link time)',
        queueMs(scrollA.peak.rfb),
        queueMs(scrollA.peak.ours),
      ),
      row('scroll: KiB sent up (requests / acks)', scrollA.up.rfb, scrollA.up.ours, kb),
      row(
        'keys while scrolling: key -> character on the viewer, p50 (ms)',
        percentile(scrR, 50),
        percentile(scrO, 50),
      ),
      row(
        'keys while scrolling: key -> character on the viewer, p90 (ms)',
        percentile(scrR, 90),
        percentile(scrO, 90),
      ),
      row(
        'keys while scrolling: key -> character on the viewer, max (ms)',
        Math.max(...scrR),
        Math.max(...scrO),
      ),
      row('scroll with keys: catch-up after the last line (ms)', scrollB.catchUp.rfb, scrollB.catchUp.ours),
      row('scroll with keys: KiB received', scrollB.bytes.rfb, scrollB.bytes.ours, kb),
      row(`fast log ${BURST_LINES} lines: KiB received`, burstC.bytes.rfb, burstC.bytes.ours, kb),
      row('fast log: catch-up after the last line (ms)', burstC.catchUp.rfb, burstC.catchUp.ours),
      row(
        'fast log: peak queue in the link (ms of link time)',
        queueMs(burstC.peak.rfb),
        queueMs(burstC.peak.ours),
      ),
      row(
        'keys during the fast log: key -> character on the viewer, p50 (ms)',
        percentile(burR, 50),
        percentile(burO, 50),
      ),
      row(
        'keys during the fast log: key -> character on the viewer, p90 (ms)',
        percentile(burR, 90),
        percentile(burO, 90),
      ),
      row(
        'keys during the fast log: key -> character on the viewer, max (ms)',
        Math.max(...burR),
        Math.max(...burO),
      ),
      row('slideshow: KiB/s received', photoBytes.rfb / photoSeconds, photoBytes.ours / photoSeconds, kb),
      row(
        'slideshow: peak queue in the link (ms of link time)',
        queueMs(photoPeak.rfb),
        queueMs(photoPeak.ours),
      ),
      row(
        'keys during the slideshow: key -> character on the viewer, p50 (ms)',
        percentile(phR, 50),
        percentile(phO, 50),
      ),
      row(
        'keys during the slideshow: key -> character on the viewer, p90 (ms)',
        percentile(phR, 90),
        percentile(phO, 90),
      ),
      row(
        'keys during the slideshow: key -> character on the viewer, max (ms)',
        Math.max(...phR),
        Math.max(...phO),
      ),
      row('slideshow: catch-up after it closed (ms)', photoCatchUp.rfb, photoCatchUp.ours),
    ];
    for (const l of lines) console.log(l);
    console.log(
      `\nidle keys ${IDLE_KEYS} (shown: ZRLE ${idleR.length}, ours ${idleO.length}; first-byte samples ZRLE ${firstRfb.length}, ours ${firstOurs.length}); ` +
        `keys while scrolling ${scrollB.keys.length} (shown: ZRLE ${scrR.length}, ours ${scrO.length}); ` +
        `printing ${SCROLL_LINES} lines took ${ms(scrollA.printMs)} ms / ${ms(scrollB.printMs)} ms; ` +
        `fast log: ${burstC.keys.length} keys (shown: ZRLE ${burR.length}, ours ${burO.length}), printing took ${ms(burstC.printMs)} ms`,
    );
    console.log(`helper encoder stats after the scroll: ${JSON.stringify(statsA)}`);
    console.log(`helper encoder stats after the scroll with keys: ${JSON.stringify(statsB)}`);
    console.log(`helper encoder stats after the fast log: ${JSON.stringify(statsC)}`);
    console.log(
      `slideshow: ${slideshow.shown} frames drawn, ${PHOTO_KEYS} keys (shown: ZRLE ${phR.length}, ours ${phO.length}) over ${photoSeconds.toFixed(1)} s; ` +
        `helper encoder stats after it: ${JSON.stringify(statsD)}`,
    );
    console.log(`decoded picture vs xwd capture: ours ${oursDiff}, ZRLE ${rfbDiff} differing pixels`);
    rfb.close();
    sock.destroy();
    server.close();
    await new Promise((r) => (helper.exitCode === null ? helper.once('exit', r) : r(null)));
  } finally {
    for (const l of links) await l.close();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await x?.stop();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** Bounding box of the pixels that differ between two captures, or null. */
function changedBox(a: PixelBuffer, b: PixelBuffer): Cell | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++) {
      const o = y * a.stride + x * 4;
      if (a.data[o] !== b.data[o] || a.data[o + 1] !== b.data[o + 1] || a.data[o + 2] !== b.data[o + 2]) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

// BENCH_LINK=all runs every profile, BENCH_LINK=office the profile whose name starts so; default hotel.
const wanted = process.env.BENCH_LINK ?? 'hotel';
const chosen = wanted === 'all' ? PROFILES : PROFILES.filter((p) => p.name.startsWith(wanted));
if (chosen.length === 0) throw new Error(`no link profile named ${wanted}`);
for (const p of chosen) await runProfile(p);
