/**
 * Video benchmark: a 1280x720 video playing in a window (a test video made with Debian's ffmpeg:
 * its moving test pattern with temporal grain, so every pixel changes every frame as in a camera
 * picture; played by ffplay, 30 fps) on Xvfb 1920x1080, seen through an 8 Mbit/s link (20 ms
 * RTT, bench/support/shaped-link.ts) by our viewer and by x0vncserver's Tight + JPEG (quality
 * 8, compression 2) in the same run, each on its own link. For 20 s: updates that paint the
 * video's area per second at each viewer (frames delivered), bytes per second, and frames per
 * MB. Then the video is paused (space, XTEST) and we measure how long until each decoded
 * picture equals an xwd capture (ours refreshes JPEG areas losslessly once still).
 * `BENCH_VIDEO_LINK=loopback` runs without shaping. Not a test: numbers, not verdicts.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X11InputSink } from '../../host/platform/linux/x11-input-sink';
import { silentPlatformLog } from '../../host/platform/platform-log';
import { startXvfb, type XDisplay } from '../../test/support/xvfb';
import { countDiff } from '../../test/host/screen/synthetic';
import { xwdCaptureAsync } from '../../test/e2e/screen/xwd-capture';
import { startHelperChild, type HelperChild } from './helper-link';
import { RfbClient, TIGHT_COMPRESS_LEVEL, TIGHT_QUALITY_LEVEL } from './rfb-client';
import { sleep } from '../support/sleep';
import { startX0vncserver } from '../support/x0vncserver';
import { startShapedLink, type LinkProfile, type ShapedLink } from '../support/shaped-link';
import { cpuMs } from '../support/process-stats';

const VIDEO = { x: 100, y: 80, width: 1280, height: 720, fps: 30, seconds: 10 };
const LINK: LinkProfile = { name: '8 Mbit/s, 20 ms RTT', rateBytesPerSec: 1_000_000, oneWayDelayMs: 10 };
/** Playback before measuring (the player starts, the links settle), in ms. */
const WARMUP_MS = 3000;
const MEASURE_MS = 20_000;
/** Longest wait for a decoded picture to equal the X capture after the pause, in ms. */
const EXACT_MAX_MS = 10_000;
const EXACT_POLL_MS = 250;

/** Pixels of `r` inside the video. */
function videoPixels(r: { x: number; y: number; w: number; h: number }): number {
  const w = Math.min(r.x + r.w, VIDEO.x + VIDEO.width) - Math.max(r.x, VIDEO.x);
  const h = Math.min(r.y + r.h, VIDEO.y + VIDEO.height) - Math.max(r.y, VIDEO.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function touches(r: { x: number; y: number; w: number; h: number }): boolean {
  return (
    r.x < VIDEO.x + VIDEO.width && r.x + r.w > VIDEO.x && r.y < VIDEO.y + VIDEO.height && r.y + r.h > VIDEO.y
  );
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const links: ShapedLink[] = [];
  let x: XDisplay | null = null;
  let helper: HelperChild | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-video-bench-'));
  const shaped = process.env.BENCH_VIDEO_LINK !== 'loopback';
  try {
    const video = join(dir, 'video.mp4');
    const made = spawnSync(
      'ffmpeg',
      [
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `testsrc2=s=${VIDEO.width}x${VIDEO.height}:r=${VIDEO.fps},noise=alls=6:allf=t`,
        '-t',
        String(VIDEO.seconds),
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-crf',
        '28',
        '-pix_fmt',
        'yuv420p',
        video,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (made.status !== 0) throw new Error(`ffmpeg failed: ${made.stderr}`);
    x = await startXvfb({ width: 1920, height: 1080 });
    const display = x;
    const input = await X11InputSink.open(x.display, silentPlatformLog);
    const player = x.spawnClient('ffplay', [
      '-v',
      'error',
      '-an',
      '-noborder',
      '-loop',
      '0',
      '-left',
      String(VIDEO.x),
      '-top',
      String(VIDEO.y),
      '-x',
      String(VIDEO.width),
      '-y',
      String(VIDEO.height),
      video,
    ]);
    children.push(player);
    await input.pointerMove(VIDEO.x + VIDEO.width / 2, VIDEO.y + VIDEO.height / 2);

    const vnc = await startX0vncserver(x.display);
    children.push(vnc.process);
    const rfbLink = shaped ? await startShapedLink(vnc.port, LINK) : null;
    if (rfbLink) links.push(rfbLink);
    const rfb = await RfbClient.connect(rfbLink?.port ?? vnc.port, { encoding: 'tight' });
    helper = await startHelperChild(x.display, async (port) => {
      if (!shaped) return port;
      const l = await startShapedLink(port, LINK);
      links.push(l);
      return l.port;
    });
    children.push(helper.process);
    const ours = helper.link;

    // Frames delivered: updates (RFB) / painted screen updates (ours) that touch the video.
    let rfbFrames = 0;
    let oursFrames = 0;
    let oursTouched = false;
    let rfbTouched = false;
    // Video pixels painted (a frame sent in parts, or only where it changed, counts in part).
    const painted = { rfb: 0, ours: 0 };
    rfb.onRect = (r) => {
      if (touches(r)) rfbTouched = true;
      painted.rfb += videoPixels(r);
    };
    let rfbUpdatesSeen = 0;
    const countRfb = setInterval(() => {
      while (rfbUpdatesSeen < rfb.updates.length) {
        rfbUpdatesSeen++;
        if (rfbTouched) rfbFrames++;
        rfbTouched = false;
      }
    }, 5);
    ours.onPainted = (_at, r) => {
      for (const p of r.rects) painted.ours += videoPixels({ x: p.x, y: p.y, w: p.width, h: p.height });
      if (r.rects.some((p) => touches({ x: p.x, y: p.y, w: p.width, h: p.height }))) oursTouched = true;
      if (r.end) {
        if (oursTouched) oursFrames++;
        oursTouched = false;
      }
    };
    await sleep(WARMUP_MS);
    const b0 = { rfb: rfb.bytes, ours: ours.plainBytes };
    const f0 = { rfb: rfbFrames, ours: oursFrames };
    const p0 = { ...painted };
    const c0 = { rfb: cpuMs(vnc.process.pid!), ours: cpuMs(helper.process.pid!) };
    const t0 = performance.now();
    await sleep(MEASURE_MS);
    const secs = (performance.now() - t0) / 1000;
    const bytes = { rfb: rfb.bytes - b0.rfb, ours: ours.plainBytes - b0.ours };
    const frames = { rfb: rfbFrames - f0.rfb, ours: oursFrames - f0.ours };
    const videoArea = VIDEO.width * VIDEO.height;
    const wholeFrames = {
      rfb: (painted.rfb - p0.rfb) / videoArea,
      ours: (painted.ours - p0.ours) / videoArea,
    };
    const cpu = { rfb: cpuMs(vnc.process.pid!) - c0.rfb, ours: cpuMs(helper.process.pid!) - c0.ours };
    const stats = await ours.fetchStats();
    const uptime = readFileSync('/proc/loadavg', 'utf8').trim();

    // Pause the video (space to the window under the pointer) and wait for exact pictures.
    await input.key('Space', true);
    await input.key('Space', false);
    const pausedAt = performance.now();
    const exact = { rfb: NaN, ours: NaN };
    const left = { rfb: -1, ours: -1 };
    while (
      performance.now() - pausedAt < EXACT_MAX_MS &&
      (Number.isNaN(exact.rfb) || Number.isNaN(exact.ours))
    ) {
      await sleep(EXACT_POLL_MS);
      const truth = await xwdCaptureAsync(display.display);
      const at = performance.now() - pausedAt;
      const pics = { rfb: rfb.decoder!.rgba, ours: ours.decoder.framebuffer?.data };
      for (const k of ['rfb', 'ours'] as const) {
        if (!Number.isNaN(exact[k]) || !pics[k]) continue;
        left[k] = countDiff(truth, pics[k]);
        if (left[k] === 0) exact[k] = at;
      }
    }
    clearInterval(countRfb);
    await input.close();

    const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
    const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? (a / b).toFixed(2) + 'x' : 'n/a');
    const fps = { rfb: frames.rfb / secs, ours: frames.ours / secs };
    const kbps = { rfb: (bytes.rfb * 8) / secs / 1000, ours: (bytes.ours * 8) / secs / 1000 };
    const perMB = { rfb: frames.rfb / (bytes.rfb / 1e6), ours: frames.ours / (bytes.ours / 1e6) };
    const wholePerMB = {
      rfb: wholeFrames.rfb / (bytes.rfb / 1e6),
      ours: wholeFrames.ours / (bytes.ours / 1e6),
    };
    const rows: [string, number, number, number][] = [
      ['frames delivered per second (updates painting the video)', fps.rfb, fps.ours, 1],
      [
        "video area painted per second (whole frames' worth)",
        wholeFrames.rfb / secs,
        wholeFrames.ours / secs,
        1,
      ],
      ['kbit/s received', kbps.rfb, kbps.ours, 0],
      ['frames per MB', perMB.rfb, perMB.ours, 2],
      ["whole frames' worth per MB", wholePerMB.rfb, wholePerMB.ours, 2],
      ['server CPU over the 20 s (ms)', cpu.rfb, cpu.ours, 0],
      ['exact after the pause (ms; n/a: not within 10 s)', exact.rfb, exact.ours, 0],
      ['differing pixels left', left.rfb, left.ours, 0],
    ];
    console.log(
      `\n## Video: ${VIDEO.width}x${VIDEO.height} ${VIDEO.fps} fps in ffplay on 1920x1080, ${shaped ? LINK.name : 'loopback'}; x0vncserver Tight quality ${TIGHT_QUALITY_LEVEL}, compression ${TIGHT_COMPRESS_LEVEL}\n`,
    );
    console.log('| measure | x0vncserver Tight | ours (plain) | ours/Tight |');
    console.log('|---|---|---|---|');
    for (const [label, a, b, d] of rows)
      console.log(`| ${label} | ${f(a, d)} | ${f(b, d)} | ${ratio(b, a)} |`);
    console.log(`\nload average (1, 5, 15 min, ...): ${uptime}`);
    console.log(`\nmeasured ${secs.toFixed(1)} s; helper encoder stats: ${JSON.stringify(stats)}`);
    rfb.close();
  } finally {
    await helper?.close().catch(() => undefined);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    for (const l of links) await l.close();
    await x?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
