/**
 * Screen benchmark on a GUI desktop: Chromium full screen (kiosk, a real window on Xvfb
 * 1920x1080) showing a long local page with anti-aliased text, tables and photos
 * (test/support/photo-page.ts), against TigerVNC's x0vncserver in ZRLE and in Tight + JPEG
 * (quality 8, compression 2: TigerVNC viewer's usual settings), all three in the same run. Each
 * RFB mode has its own x0vncserver process (so each one's CPU is its own); our helper runs in its
 * own process too. Every viewer decodes what it receives (reference decoder, zrle-decoder.ts,
 * tight-decoder.ts).
 *
 * Script: each viewer connects in turn on the still page (first full frame: bytes and time;
 * connect until quiet: bytes, with our lossless refresh of the photos), then XTEST drives the
 * page: 40 keys typed into a text field (key -> first update byte), then 60 wheel steps over
 * text and photos (bytes per step), then stillness: how long until each decoded picture equals
 * an xwd capture, pixel for pixel, and the differing pixels left. Then a full frame of the page
 * where it stopped. CPU of each server process from /proc over the connect and over the script.
 * Not a test: numbers, not verdicts.
 */
import type { ChildProcess } from 'node:child_process';
import { encodeControl } from '../../protocol/screen';
import { countDiff } from '../../test/host/screen/synthetic';
import { xwdCaptureAsync } from '../../test/e2e/screen/xwd-capture';
import type { PixelBuffer } from '../../host/platform/types';
import { startHelperChild, type HelperChild } from './helper-link';
import { RfbClient, TIGHT_COMPRESS_LEVEL, TIGHT_QUALITY_LEVEL } from './rfb-client';
import { sleep } from '../support/sleep';
import { startPhotoDesktop, type PhotoDesktop } from '../support/photo-desktop';
import { startX0vncserver } from '../support/x0vncserver';
import { cpuMs, percentile } from '../support/process-stats';

const KEYS = 40;
/** Time between keystrokes, in ms. */
const KEY_GAP_MS = 150;
/** Wheel steps: down, up, down again (each a 'wheel click'), and the time between two, in ms. */
const WHEEL_STEPS = [30, -10, 20] as const;
const WHEEL_GAP_MS = 150;
/** A viewer is quiet when nothing arrived for this long, in ms (longer than our 1.5 s refresh wait). */
const QUIET_MS = 2500;
const QUIET_MAX_MS = 60_000;
/** Longest wait for a decoded picture to equal the X capture after the screen went still, in ms. */
const EXACT_MAX_MS = 8000;
const EXACT_POLL_MS = 250;
/** Where the pointer rests while the wheel turns: over the text column and the photos. */
const WHEEL_POINT = { x: 700, y: 600 };
/** A blank spot of the page (right margin): a click there leaves the text field. */
const BLANK_POINT = { x: 1850, y: 700 };

type Name = 'zrle' | 'tight' | 'ours';
const NAMES: readonly Name[] = ['zrle', 'tight', 'ours'];

interface Viewer {
  name: Name;
  pid: number;
  bytes(): number;
  lastDataAt(): number;
  /** First-byte arrival times of updates (RFB) or messages (ours). */
  arrivals(): number[];
  picture(): Uint8ClampedArray | null;
}

function rfbViewer(name: Name, pid: number, c: RfbClient): Viewer {
  return {
    name,
    pid,
    bytes: () => c.bytes,
    lastDataAt: () => c.lastDataAt,
    arrivals: () => c.updates.map((u) => u.firstByteAt),
    picture: () => c.decoder?.rgba ?? null,
  };
}

function ourViewer(pid: number, h: HelperChild): Viewer {
  return {
    name: 'ours',
    pid,
    bytes: () => h.link.plainBytes,
    lastDataAt: () => h.link.lastDataAt,
    arrivals: () => h.link.arrivals,
    picture: () => h.link.decoder.framebuffer?.data ?? null,
  };
}

/** Waits until no viewer received anything for `quietMs` (a viewer that never received anything is not quiet yet). */
async function quiet(viewers: Viewer[], quietMs = QUIET_MS): Promise<void> {
  const end = performance.now() + QUIET_MAX_MS;
  while (performance.now() < end) {
    await sleep(100);
    if (viewers.some((v) => v.lastDataAt() === 0)) continue;
    const last = Math.max(...viewers.map((v) => v.lastDataAt()));
    if (performance.now() - last >= quietMs) return;
  }
}

/** Polls until every viewer's picture equals an X capture (or EXACT_MAX_MS): ms to exact (NaN: never) and pixels left. */
async function exactness(
  display: string,
  viewers: Viewer[],
  since: number,
): Promise<Map<Name, { ms: number; diff: number }>> {
  const out = new Map<Name, { ms: number; diff: number }>();
  const end = since + EXACT_MAX_MS;
  let truth: PixelBuffer | null = null;
  while (out.size < viewers.length || viewers.some((v) => out.get(v.name)!.diff !== 0)) {
    truth = await xwdCaptureAsync(display);
    const at = performance.now();
    for (const v of viewers) {
      const prev = out.get(v.name);
      if (prev?.diff === 0) continue;
      const pic = v.picture();
      const diff = pic ? countDiff(truth, pic) : -1;
      out.set(v.name, { ms: diff === 0 ? at - since : NaN, diff });
    }
    if (performance.now() >= end) break;
    await sleep(EXACT_POLL_MS);
  }
  return out;
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let desktop: PhotoDesktop | null = null;
  let helper: HelperChild | null = null;
  try {
    desktop = await startPhotoDesktop(WHEEL_POINT);
    const { x, chromium, input } = desktop;

    // --- connect, one viewer at a time on the still page
    const connect: Record<Name, { first: number; firstMs: number; total: number; cpu: number }> = {
      zrle: { first: 0, firstMs: 0, total: 0, cpu: 0 },
      tight: { first: 0, firstMs: 0, total: 0, cpu: 0 },
      ours: { first: 0, firstMs: 0, total: 0, cpu: 0 },
    };
    const viewers: Viewer[] = [];
    const rfb: Partial<Record<Name, RfbClient>> = {};
    for (const name of ['zrle', 'tight'] as const) {
      const vnc = await startX0vncserver(x.display);
      children.push(vnc.process);
      const cpu0 = cpuMs(vnc.process.pid!);
      const t0 = performance.now();
      const c = await RfbClient.connect(vnc.port, { decode: true, encoding: name });
      rfb[name] = c;
      const v = rfbViewer(name, vnc.process.pid!, c);
      await quiet([v]);
      const first = c.firstFullFrame();
      connect[name] = {
        first: first?.bytes ?? NaN,
        firstMs: (first?.endAt ?? NaN) - t0,
        total: c.bytes,
        cpu: cpuMs(vnc.process.pid!) - cpu0,
      };
      viewers.push(v);
    }
    const t0 = performance.now();
    helper = await startHelperChild(x.display);
    children.push(helper.process);
    const cpu0 = cpuMs(helper.process.pid!);
    const ours = ourViewer(helper.process.pid!, helper);
    await quiet([ours]);
    connect.ours = {
      first: helper.link.lastFullFrame.plain,
      firstMs: helper.link.lastFullFrame.doneAt - t0,
      total: helper.link.plainBytes,
      cpu: cpuMs(helper.process.pid!) - cpu0,
    };
    viewers.push(ours);
    const connectExact = await exactness(x.display, viewers, performance.now());

    const cpuStart = new Map(viewers.map((v) => [v.name, cpuMs(v.pid)]));
    // --- typing into the page's text field
    const field = await chromium.page.$eval('#message', (el) => {
      const r = el.getBoundingClientRect();
      return { x: Math.round(r.x + r.width / 2), y: Math.round(r.y + r.height / 2) };
    });
    await input.pointerMove(field.x, field.y);
    await input.button('left', true);
    await input.button('left', false);
    await quiet(viewers, 800);
    const typing0 = new Map(viewers.map((v) => [v.name, v.bytes()]));
    const latency = new Map<Name, number[]>(NAMES.map((n) => [n, []]));
    const letters = 'remote support for the customer and the agent'.replace(/ /g, '').split('');
    for (let i = 0; i < KEYS; i++) {
      const code = `Key${letters[i % letters.length]!.toUpperCase()}`;
      const k0 = performance.now();
      await input.key(code, true);
      await input.key(code, false);
      await sleep(KEY_GAP_MS);
      for (const v of viewers) {
        const a = v.arrivals().find((t) => t >= k0);
        if (a !== undefined) latency.get(v.name)!.push(a - k0);
      }
    }
    const typingBytes = new Map(viewers.map((v) => [v.name, (v.bytes() - typing0.get(v.name)!) / KEYS]));
    // Leave the field (its caret would blink on), then scroll over text and photos.
    await input.pointerMove(BLANK_POINT.x, BLANK_POINT.y);
    await input.button('left', true);
    await input.button('left', false);
    await input.pointerMove(WHEEL_POINT.x, WHEEL_POINT.y);
    await quiet(viewers, 800);
    const scroll0 = new Map(viewers.map((v) => [v.name, v.bytes()]));
    const scrollCpu0 = new Map(viewers.map((v) => [v.name, cpuMs(v.pid)]));
    let steps = 0;
    for (const n of WHEEL_STEPS) {
      for (let i = 0; i < Math.abs(n); i++) {
        await input.wheel(0, Math.sign(n));
        steps++;
        await sleep(WHEEL_GAP_MS);
      }
    }
    const stillAt = performance.now();
    const afterScroll = await exactness(x.display, viewers, stillAt);
    await quiet(viewers);
    const perStep = new Map(viewers.map((v) => [v.name, (v.bytes() - scroll0.get(v.name)!) / steps]));
    const scrollCpu = new Map(viewers.map((v) => [v.name, cpuMs(v.pid) - scrollCpu0.get(v.name)!]));
    const scriptCpu = new Map(viewers.map((v) => [v.name, cpuMs(v.pid) - cpuStart.get(v.name)!]));

    // --- a full frame of the page where it stopped
    const full = new Map<Name, number>();
    for (const name of ['zrle', 'tight'] as const) {
      const c = rfb[name]!;
      const n0 = c.updates.length;
      c.request(false);
      await quiet(viewers, 800);
      full.set(
        name,
        c.updates.slice(n0).reduce((s, u) => s + u.bytes, 0),
      );
    }
    helper.link.control(encodeControl({ type: 'screen.refresh' }));
    await quiet(viewers, 800);
    full.set('ours', helper.link.lastFullFrame.plain);
    const stats = await helper.link.fetchStats();

    const fmt = (v: number, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
    const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? (a / b).toFixed(2) + 'x' : 'n/a');
    const rows: [string, Record<Name, number>, number][] = [
      [
        'first full frame (bytes)',
        { zrle: connect.zrle.first, tight: connect.tight.first, ours: connect.ours.first },
        0,
      ],
      [
        'first full frame complete (ms after connect)',
        { zrle: connect.zrle.firstMs, tight: connect.tight.firstMs, ours: connect.ours.firstMs },
        0,
      ],
      [
        'connect until quiet (bytes)',
        { zrle: connect.zrle.total, tight: connect.tight.total, ours: connect.ours.total },
        0,
      ],
      [
        'server CPU, connect until quiet (ms)',
        { zrle: connect.zrle.cpu, tight: connect.tight.cpu, ours: connect.ours.cpu },
        0,
      ],
      ['bytes per keystroke', rec(typingBytes), 1],
      [
        'key -> first update byte p50 (ms)',
        rec(new Map(NAMES.map((n) => [n, percentile(latency.get(n)!, 50)]))),
        1,
      ],
      [
        'key -> first update byte p90 (ms)',
        rec(new Map(NAMES.map((n) => [n, percentile(latency.get(n)!, 90)]))),
        1,
      ],
      ['bytes per wheel step', rec(perStep), 0],
      ['server CPU over the scroll (ms)', rec(scrollCpu), 0],
      ['server CPU over typing + scroll (ms)', rec(scriptCpu), 0],
      [
        'exact after the scroll stopped (ms; n/a: not within 8 s)',
        rec(new Map(NAMES.map((n) => [n, afterScroll.get(n)!.ms]))),
        0,
      ],
      [
        'differing pixels left after the scroll',
        rec(new Map(NAMES.map((n) => [n, afterScroll.get(n)!.diff]))),
        0,
      ],
      ['differing pixels after connect', rec(new Map(NAMES.map((n) => [n, connectExact.get(n)!.diff]))), 0],
      ['full frame where the scroll stopped (bytes)', rec(full), 0],
    ];
    console.log(
      `\n## GUI desktop: Chromium full screen on a page with text, tables and photos (1920x1080); Tight quality ${TIGHT_QUALITY_LEVEL}, compression ${TIGHT_COMPRESS_LEVEL}\n`,
    );
    console.log('| measure | x0vncserver ZRLE | x0vncserver Tight | ours (plain) | ours/ZRLE | ours/Tight |');
    console.log('|---|---|---|---|---|---|');
    for (const [label, v, d] of rows)
      console.log(
        `| ${label} | ${fmt(v.zrle, d)} | ${fmt(v.tight, d)} | ${fmt(v.ours, d)} | ${ratio(v.ours, v.zrle)} | ${ratio(v.ours, v.tight)} |`,
      );
    console.log(
      `\nkeystrokes ${KEYS}, wheel steps ${steps}; Tight rectangles: ${JSON.stringify((rfb.tight!.decoder as { counts?: unknown }).counts)}`,
    );
    console.log(`helper encoder stats: ${JSON.stringify(stats)}`);
    rfb.zrle!.close();
    rfb.tight!.close();
  } finally {
    await helper?.close().catch(() => undefined);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await desktop?.stop();
  }
}

function rec(m: Map<Name, number>): Record<Name, number> {
  return { zrle: m.get('zrle') ?? NaN, tight: m.get('tight') ?? NaN, ours: m.get('ours') ?? NaN };
}

await main();
