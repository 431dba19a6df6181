/**
 * Screen benchmark: our helper's encoder against TigerVNC's x0vncserver (ZRLE), side by side on
 * ONE Xvfb 1920x1080 desktop with an xterm, driven by one input script (XTEST): typing, a
 * 400-line scroll, mouse moves, then a full frame. Prints bytes per keystroke, per scrolled line,
 * per mouse move, full-frame bytes, key-to-first-update latency, CPU time of each server process,
 * and capture+diff time per 1080p frame against a plain copy. After that script (so the CPU
 * figure stays comparable), the xterm is made smaller and dragged in small steps (xdotool
 * windowmove): bytes per window move step and CPU over the drag. Not a test: numbers, not verdicts.
 *
 * Our bytes are counted as the relay would carry them: payload + the 8-byte data-plane header
 * ("plain"), and also with end-to-end encryption (+8-byte counter +16-byte GCM tag per message,
 * "sealed"); RFB bytes are everything x0vncserver sent after the handshake (no encryption).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X11ScreenSource } from '../../host/platform/linux/x11-screen-source';
import { silentPlatformLog } from '../../host/platform/platform-log';
import { ChangeDetector } from '../../host/screen/change-detector';
import { PixelViewer } from '../../host/screen/pixel-view';
import { encodeControl } from '../../protocol/screen';
import type { XDisplay } from '../../test/support/xvfb';
import { countDiff } from '../../test/host/screen/synthetic';
import { xwdCapture } from '../../test/e2e/screen/xwd-capture';
import { RfbClient } from './rfb-client';
import { startHelperChild, type HelperLink } from './helper-link';
import { sleep } from '../support/sleep';
import { startX0vncserver } from '../support/x0vncserver';
import { startXtermDesktop } from '../support/xterm-desktop';
import { cpuMs, percentile } from '../support/process-stats';

const KEYSTROKES = 60;
/** Time between keystrokes, in ms: long enough for both servers to finish each update. */
const KEY_GAP_MS = 150;
const SCROLL_LINES = 400;
const MOUSE_MOVES = 100;
const QUIET_MS = 800;
const CAPTURE_ROUNDS = 30;
/** Window drag: steps, offset per step in pixels, and time between steps in ms (a ~30 Hz drag). */
const DRAG_STEPS = 40;
const DRAG_DX = 8;
const DRAG_DY = 5;
const DRAG_GAP_MS = 33;

async function quiet(rfb: RfbClient, ours: HelperLink, maxMs = 20_000): Promise<void> {
  const end = performance.now() + maxMs;
  while (performance.now() < end) {
    await sleep(100);
    const last = Math.max(rfb.lastDataAt, ours.lastDataAt);
    if (performance.now() - last >= QUIET_MS) return;
  }
}

interface Side {
  bytes: number;
  sealed?: number;
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let x: XDisplay | null = null;
  let scratchDir: string | null = null;
  try {
    // A terminal that fills the screen (6x13 font), and a script that prints realistic lines one
    // by one (20 ms apart) so the terminal really scrolls line by line, as a log or build does.
    const desktop = await startXtermDesktop();
    x = desktop.x;
    const input = desktop.input;
    const scratch = mkdtempSync(join(tmpdir(), 'lifeline-bench-'));
    scratchDir = scratch;
    const script = join(scratch, 'scroll.sh');
    writeFileSync(
      script,
      `i=0; while [ $i -lt $1 ]; do i=$((i+1)); printf '%5d  -rw-r--r--  1 customer staff  %6d Jan  6 12:%02d  report-%04d.txt  lorem ipsum dolor sit amet, consectetur adipiscing elit %s\\n' $i $((i*7919 % 99999)) $((i % 60)) $i "$(date +%N)"; sleep 0.02; done\n`,
    );

    // TigerVNC's scraping server on the same display.
    const { process: vnc, port: rfbPort } = await startX0vncserver(x.display);
    children.push(vnc);

    // Our helper's encoder in its own process, linked over loopback TCP (BENCH_PROFILE=dir: its CPU profile).
    const child = await startHelperChild(x.display);
    const helper = child.process;
    children.push(helper);
    const ours = child.link;
    const rfb = await RfbClient.connect(rfbPort);
    await quiet(rfb, ours);

    const initial = { rfb: rfb.bytes, ours: ours.plainBytes, oursSealed: ours.sealedBytes };
    const cpu0 = { vnc: cpuMs(vnc.pid!), ours: cpuMs(helper.pid!) };

    // --- typing
    const typing = { rfb: rfb.bytes, ours: ours.plainBytes, sealed: ours.sealedBytes };
    const latRfb: number[] = [];
    const latOurs: number[] = [];
    const letters = 'lifelineremotesupportfortheagentandthecustomer'.split('');
    for (let i = 0; i < KEYSTROKES; i++) {
      const ch = letters[i % letters.length]!;
      const t0 = performance.now();
      await input.key(`Key${ch.toUpperCase()}`, true);
      await input.key(`Key${ch.toUpperCase()}`, false);
      await sleep(KEY_GAP_MS);
      const r = rfb.updates.find((u) => u.firstByteAt >= t0);
      const o = ours.arrivals.find((a) => a >= t0);
      if (r) latRfb.push(r.firstByteAt - t0);
      if (o !== undefined) latOurs.push(o - t0);
    }
    await quiet(rfb, ours);
    const perKey: Side & { rfb: number; ours: number } = {
      rfb: (rfb.bytes - typing.rfb) / KEYSTROKES,
      ours: (ours.plainBytes - typing.ours) / KEYSTROKES,
      bytes: 0,
      sealed: (ours.sealedBytes - typing.sealed) / KEYSTROKES,
    };
    // End the typed line (bash answers "command not found"), then type the scroll command.
    await input.key('Enter', true);
    await input.key('Enter', false);
    await quiet(rfb, ours);
    // Fill the terminal with text first, so each later scroll moves a screen full of text.
    await input.type(`sh ${script} 90`);
    await input.key('Enter', true);
    await input.key('Enter', false);
    await quiet(rfb, ours);
    await input.type(`sh ${script} ${SCROLL_LINES}`);
    await quiet(rfb, ours);

    // --- scrolling
    const scroll0 = { rfb: rfb.bytes, ours: ours.plainBytes, sealed: ours.sealedBytes };
    await input.key('Enter', true);
    await input.key('Enter', false);
    await quiet(rfb, ours);
    const perLine = {
      rfb: (rfb.bytes - scroll0.rfb) / SCROLL_LINES,
      ours: (ours.plainBytes - scroll0.ours) / SCROLL_LINES,
      sealed: (ours.sealedBytes - scroll0.sealed) / SCROLL_LINES,
    };

    // --- mouse
    const mouse0 = { rfb: rfb.bytes, ours: ours.plainBytes, sealed: ours.sealedBytes };
    for (let i = 0; i < MOUSE_MOVES; i++) {
      await input.pointerMove(600 + ((i * 13) % 700), 300 + ((i * 7) % 500));
      await sleep(20);
    }
    await quiet(rfb, ours);
    const perMove = {
      rfb: (rfb.bytes - mouse0.rfb) / MOUSE_MOVES,
      ours: (ours.plainBytes - mouse0.ours) / MOUSE_MOVES,
      sealed: (ours.sealedBytes - mouse0.sealed) / MOUSE_MOVES,
    };

    // --- full frame (the xterm is now full of text)
    const n0 = rfb.updates.length;
    rfb.request(false);
    await quiet(rfb, ours);
    const fullRfb = rfb.updates.slice(n0).reduce((s, u) => s + u.bytes, 0);
    ours.control(encodeControl({ type: 'screen.refresh' }));
    await quiet(rfb, ours);
    const full = { rfb: fullRfb, ours: ours.lastFullFrame.plain, sealed: ours.lastFullFrame.sealed };

    const cpu1 = { vnc: cpuMs(vnc.pid!), ours: cpuMs(helper.pid!) };

    // --- window drag: the xterm (full of text) made 600x400 and moved step by step, as a drag
    // moves a window (no window manager: the X server copies the window, exposes what it leaves)
    const xtermId = x.run('xdotool', ['search', '--class', 'xterm']).trim().split('\n')[0]!;
    x.run('xdotool', ['windowsize', xtermId, '600', '400']);
    x.run('xdotool', ['windowmove', xtermId, '200', '100']);
    await quiet(rfb, ours);
    const drag0 = { rfb: rfb.bytes, ours: ours.plainBytes, sealed: ours.sealedBytes };
    const dragCpu0 = { vnc: cpuMs(vnc.pid!), ours: cpuMs(helper.pid!) };
    for (let i = 1; i <= DRAG_STEPS; i++) {
      x.run('xdotool', ['windowmove', xtermId, String(200 + i * DRAG_DX), String(100 + i * DRAG_DY)]);
      await sleep(DRAG_GAP_MS);
    }
    await quiet(rfb, ours);
    const perDrag = {
      rfb: (rfb.bytes - drag0.rfb) / DRAG_STEPS,
      ours: (ours.plainBytes - drag0.ours) / DRAG_STEPS,
      sealed: (ours.sealedBytes - drag0.sealed) / DRAG_STEPS,
    };
    const dragCpu = { vnc: cpuMs(vnc.pid!) - dragCpu0.vnc, ours: cpuMs(helper.pid!) - dragCpu0.ours };
    const helperStats = await ours.fetchStats();

    // The decoder's picture must equal the screen (everything here is lossless content).
    const truth = xwdCapture(x.display);
    if (process.env.BENCH_SHOT)
      spawnSync('sh', [
        '-c',
        `xwd -root -silent -display ${x.display} | convert xwd:- -resize 50% ${process.env.BENCH_SHOT}`,
      ]);
    const fb = ours.decoder.framebuffer!;
    const mismatched = countDiff(truth, fb.data);

    // --- capture + diff per 1080p frame vs a plain copy
    const src = await X11ScreenSource.open(x.display, silentPlatformLog);
    const det = new ChangeDetector(1920, 1080);
    const viewer = new PixelViewer();
    const tCap: number[] = [];
    const tDiff: number[] = [];
    const tCopy: number[] = [];
    const full1080 = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    for (let i = 0; i < CAPTURE_ROUNDS; i++) {
      const a = performance.now();
      const frame = await src.capture();
      const b = performance.now();
      const view = viewer.view(frame);
      if (i === 0) det.commit(view, full1080[0]!);
      det.scan(view, full1080);
      det.takeRects();
      const c = performance.now();
      const copy = Buffer.from(frame.data); // a fresh 8 MB buffer + copy, the naive way
      const d = performance.now();
      if (copy.byteLength === 0) throw new Error('empty frame');
      tCap.push(b - a);
      tDiff.push(c - b);
      tCopy.push(d - c);
    }
    // --- this process's CPU per full-frame capture, the MIT-SHM segment mapped vs copied out of
    // it (pread: the path used where koffi cannot load), interleaved so the load hits both
    const copied = await X11ScreenSource.open(x.display, silentPlatformLog, { copyShm: true });
    const cpuMapped: number[] = [];
    const cpuCopied: number[] = [];
    for (let i = 0; i < CAPTURE_ROUNDS; i++) {
      for (const [s, out] of [
        [src, cpuMapped],
        [copied, cpuCopied],
      ] as const) {
        const before = process.cpuUsage();
        await s.capture();
        const used = process.cpuUsage(before);
        out.push((used.user + used.system) / 1000);
      }
    }
    const mappedNote = `${src.captureMapped ? 'mapped' : 'NOT mapped'} / ${copied.captureMapped ? 'mapped' : 'copied'}`;
    await copied.close();
    await src.close();
    await input.close();

    const med = (xs: number[]) => percentile(xs, 50);
    const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(3) + 'x');
    const rows: [string, string, string, string, string][] = [
      [
        'bytes per keystroke',
        perKey.rfb.toFixed(1),
        perKey.ours.toFixed(1),
        perKey.sealed!.toFixed(1),
        ratio(perKey.ours, perKey.rfb),
      ],
      [
        'bytes per scrolled line',
        perLine.rfb.toFixed(1),
        perLine.ours.toFixed(1),
        perLine.sealed.toFixed(1),
        ratio(perLine.ours, perLine.rfb),
      ],
      [
        'bytes per mouse move',
        perMove.rfb.toFixed(1),
        perMove.ours.toFixed(1),
        perMove.sealed.toFixed(1),
        ratio(perMove.ours, perMove.rfb),
      ],
      [
        `bytes per window move step (600x400 xterm, ${DRAG_DX},${DRAG_DY} px)`,
        perDrag.rfb.toFixed(1),
        perDrag.ours.toFixed(1),
        perDrag.sealed.toFixed(1),
        ratio(perDrag.ours, perDrag.rfb),
      ],
      [
        'full frame, xterm full of text (bytes)',
        String(full.rfb),
        String(full.ours),
        String(full.sealed),
        ratio(full.ours, full.rfb),
      ],
      [
        'connect until idle (bytes; near-empty desktop)',
        String(initial.rfb),
        String(initial.ours),
        String(initial.oursSealed),
        ratio(initial.ours, initial.rfb),
      ],
      [
        'key -> first update p50 (ms)',
        med(latRfb).toFixed(1),
        med(latOurs).toFixed(1),
        '',
        ratio(med(latOurs), med(latRfb)),
      ],
      [
        'key -> first update p90 (ms)',
        percentile(latRfb, 90).toFixed(1),
        percentile(latOurs, 90).toFixed(1),
        '',
        ratio(percentile(latOurs, 90), percentile(latRfb, 90)),
      ],
      [
        'key -> first update p99 (ms)',
        percentile(latRfb, 99).toFixed(1),
        percentile(latOurs, 99).toFixed(1),
        '',
        ratio(percentile(latOurs, 99), percentile(latRfb, 99)),
      ],
      [
        'server CPU during the script (ms)',
        (cpu1.vnc - cpu0.vnc).toFixed(0),
        (cpu1.ours - cpu0.ours).toFixed(0),
        '',
        ratio(cpu1.ours - cpu0.ours, cpu1.vnc - cpu0.vnc),
      ],
      [
        'server CPU during the window drag (ms)',
        dragCpu.vnc.toFixed(0),
        dragCpu.ours.toFixed(0),
        '',
        ratio(dragCpu.ours, dragCpu.vnc),
      ],
    ];
    console.log('\n## Screen: Lifeline helper vs TigerVNC x0vncserver (ZRLE), one Xvfb 1920x1080 + xterm\n');
    console.log('| measure | x0vncserver ZRLE | ours (plain) | ours (sealed) | ours/ZRLE (plain) |');
    console.log('|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log(
      `\nkeystrokes ${KEYSTROKES} (latency samples: ZRLE ${latRfb.length}, ours ${latOurs.length}), scrolled lines ${SCROLL_LINES}, mouse moves ${MOUSE_MOVES}`,
    );
    console.log('\n## Capture + diff per 1080p frame (medians of ' + CAPTURE_ROUNDS + ')\n');
    console.log('| step | ms |');
    console.log('|---|---|');
    console.log(`| capture (X11ScreenSource) | ${med(tCap).toFixed(2)} |`);
    console.log(
      `| diff against the previous frame (ChangeDetector.scan, full frame) | ${med(tDiff).toFixed(2)} |`,
    );
    console.log(`| plain copy (fresh 8 MB Buffer + copy) | ${med(tCopy).toFixed(2)} |`);
    console.log(`| capture + diff vs plain copy | ${ratio(med(tCap) + med(tDiff), med(tCopy))} |`);
    console.log(`\n## This process's CPU per 1080p capture (medians of ${CAPTURE_ROUNDS}, ${mappedNote})\n`);
    console.log('| MIT-SHM segment | CPU ms |\n|---|---|');
    console.log(`| mapped (read in place) | ${med(cpuMapped).toFixed(2)} |`);
    console.log(`| copied out (pread) | ${med(cpuCopied).toFixed(2)} |`);
    console.log(`| mapped vs copied | ${ratio(med(cpuMapped), med(cpuCopied))} |`);
    console.log(`\nhelper encoder stats: ${JSON.stringify(helperStats)}`);
    console.log(`decoder picture vs xwd capture: ${mismatched} differing pixels`);
    rfb.close();
    await child.close();
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await x?.stop();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  }
}

await main();
