/**
 * Viewer benchmark: the agent's viewer (the built extension in headless Chromium) watching and
 * typing into a real X desktop (Xvfb 1920x1080 + a full-screen xterm) through the real server and
 * the real helper session in its own process, next to TigerVNC's x0vncserver scraping the SAME
 * display in the same run. Prints:
 *   - key press to photon: the agent presses a key in the viewer -> input sealed -> relay -> helper
 *     -> XTEST -> the xterm draws -> capture, encode, seal -> relay -> worker decode -> canvas paint;
 *   - key injected on the customer's X server (XTEST) -> painted in the viewer, beside
 *     x0vncserver's XTEST -> first byte of its update at an RFB client (the codec bench's client):
 *     the same start, our end is later (decoded and painted, not just a first byte);
 *   - the viewer's main-thread time per painted update (p50/p95), while typing and scrolling,
 *     beside one full-frame putImageData in the same page as a yardstick.
 * Not a test: numbers, not verdicts. Needs Xvfb, xterm, chromium and tigervnc-scraping-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { startTestServer } from '../../test/support/test-server';
import type { XDisplay } from '../../test/support/xvfb';
import { customerViaWs } from '../../test/support/workflow';
import { createAgent, createPortal, PASSWORD } from '../../test/e2e/extension/accounts';
import { EXTENSION_URL } from '../../test/support/agent-extension';
import {
  acceptAndAskForScreen,
  launchAgentChromium,
  signIn,
  type AgentChromium,
} from '../../test/e2e/viewer/support/viewer-browser';
import { RfbClient } from '../screen/rfb-client';
import { sleep } from '../support/sleep';
import { startX0vncserver } from '../support/x0vncserver';
import { startXtermDesktop } from '../support/xterm-desktop';
import { PROBE_SCRIPT, type ProbeData } from './page-probe';
import { percentile } from '../support/process-stats';

/** Key presses per phase. */
const KEYS = 40;
/** Time between key presses, in ms: long enough for every path to finish each update. */
const KEY_GAP_MS = 200;
/** Lines printed, 20 ms apart (a log or a build), for the scrolling part of the main-thread measure. */
const SCROLL_LINES = 300;
const QUIET_MS = 800;

const epoch = () => performance.timeOrigin + performance.now();

/** First value of `times` at or after `t0` (and before `limit`), minus t0. */
function after(times: readonly number[], t0: number, limit = Infinity): number | null {
  const t = times.find((v) => v >= t0 && v < limit);
  return t === undefined ? null : t - t0;
}

function row(name: string, xs: number[], unit = 'ms'): string {
  return `| ${name} | ${percentile(xs, 50).toFixed(1)} | ${percentile(xs, 90).toFixed(1)} | ${percentile(xs, 99).toFixed(1)} | ${xs.length} | ${unit} |`;
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let x: XDisplay | null = null;
  let agent: AgentChromium | null = null;
  let server: Awaited<ReturnType<typeof startTestServer>> | null = null;
  try {
    const desktop = await startXtermDesktop({ PS1: '$ ', HOME: os.tmpdir() });
    x = desktop.x;
    const xtest = desktop.input;

    // The agent's side: server, extension, an accepted session, screen sharing asked for.
    server = await startTestServer();
    const portal = await createPortal(server, 'Bench');
    const me = await createAgent(server, { portals: [portal], name: 'Bench Agent' });
    agent = await launchAgentChromium();
    const popup = await signIn(agent, server.url, me.email, PASSWORD);
    const customer = await customerViaWs(server, portal, { name: 'Bench Customer' });
    const { joinCode } = await acceptAndAskForScreen(agent, popup, customer.sessionId);

    // The customer's helper, in its own process.
    const helper = spawn(process.execPath, ['--import', 'tsx', 'bench/viewer/helper-child.ts'], {
      env: { ...process.env, DISPLAY: x.display, BENCH_SERVER: server.url, BENCH_JOIN_CODE: joinCode },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(helper);
    const ready = new Promise<void>((resolve) =>
      helper.stdout!.on('data', (d: Buffer) => d.includes('ready') && resolve()),
    );

    // The viewer, instrumented.
    const viewer = await agent.browser.newPage();
    await viewer.evaluateOnNewDocument(PROBE_SCRIPT);
    await viewer.setViewport({ width: 1600, height: 1000 });
    await viewer.goto(`${EXTENSION_URL}/viewer.html?session=${customer.sessionId}`);
    await ready;
    await viewer.waitForSelector('.viewer[data-phase=streaming]', { timeout: 30_000 });
    const probe = () =>
      viewer.evaluate(() => (window as unknown as { __viewerProbe: ProbeData }).__viewerProbe);
    const quiet = async (rfb?: RfbClient) => {
      for (let i = 0; i < 200; i++) {
        await sleep(100);
        const p = await probe();
        const last = Math.max(p.paints.at(-1) ?? 0, rfb ? performance.timeOrigin + rfb.lastDataAt : 0);
        if (epoch() - last >= QUIET_MS) return;
      }
    };
    // Give the xterm the customer's keyboard: a click in the viewer lands on it.
    const rect = await viewer.$eval('canvas.picture', (c) => {
      const r = c.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    await viewer.mouse.click(rect.x, rect.y);
    await quiet();

    // TigerVNC's scraping server on the same display (as the codec bench runs it).
    const { process: vnc, port: rfbPort } = await startX0vncserver(x.display);
    children.push(vnc);
    const rfb = await RfbClient.connect(rfbPort);
    await quiet(rfb);

    const letters = 'lifelineremotesupportviewerbenchmark'.split('');

    // --- A: key pressed in the viewer -> painted in the viewer (what the agent feels).
    const pressedAt: number[] = [];
    for (let i = 0; i < KEYS; i++) {
      await viewer.keyboard.press(`Key${letters[i % letters.length]!.toUpperCase()}` as 'KeyA');
      await sleep(KEY_GAP_MS);
    }
    await quiet(rfb);
    let p = await probe();
    pressedAt.push(...p.keys.slice(-KEYS));
    const photon: number[] = [];
    pressedAt.forEach((t0, i) => {
      const d = after(p.paints, t0, pressedAt[i + 1] ?? Infinity);
      if (d !== null) photon.push(d);
    });

    // --- B: key injected on the customer's X server -> our canvas vs x0vncserver's first byte.
    const injected: number[] = [];
    const oursFromX: number[] = [];
    const rfbFirst: number[] = [];
    for (let i = 0; i < KEYS; i++) {
      const code = `Key${letters[(i + 7) % letters.length]!.toUpperCase()}`;
      const t0 = epoch();
      const t0rfb = performance.now();
      await xtest.key(code, true);
      await xtest.key(code, false);
      injected.push(t0);
      await sleep(KEY_GAP_MS);
      const u = rfb.updates.find((x1) => x1.firstByteAt >= t0rfb);
      if (u) rfbFirst.push(u.firstByteAt - t0rfb);
    }
    await quiet(rfb);
    p = await probe();
    injected.forEach((t0, i) => {
      const d = after(p.paints, t0, injected[i + 1] ?? Infinity);
      if (d !== null) oursFromX.push(d);
    });
    // End the typed line.
    await xtest.key('Enter', true);
    await xtest.key('Enter', false);
    await quiet(rfb);

    // --- C: main-thread time per update while typing and scrolling.
    const typingUpdates = (await probe()).updateMs.length;
    await xtest.type(
      `for i in $(seq 1 ${SCROLL_LINES}); do echo "line $i of a slow log: lorem ipsum dolor sit amet"; sleep 0.02; done\n`,
    );
    await quiet(rfb);
    p = await probe();
    const updateMs = p.updateMs;
    const scrollUpdates = updateMs.length - typingUpdates;
    const fullFrameMs = await viewer.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 1920;
      c.height = 1080;
      const ctx = c.getContext('2d', { alpha: false })!;
      const img = new ImageData(1920, 1080);
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        ctx.putImageData(img, 0, 0);
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b)[5]!;
    });
    const indicator = await viewer.$eval('.quality', (e) => ({ ...(e as HTMLElement).dataset }));

    console.log(
      '\n## Viewer: key press to photon, and main-thread time per update (Xvfb 1920x1080 + xterm)\n',
    );
    console.log('| measure | p50 | p90 | p99 | samples | unit |');
    console.log('|---|---|---|---|---|---|');
    console.log(
      row(
        'viewer key press -> painted in the viewer (full loop: relay, helper, X, relay, decode, paint)',
        photon,
      ),
    );
    console.log(row('XTEST key on the customer X server -> painted in our viewer', oursFromX));
    console.log(
      row('XTEST key on the customer X server -> x0vncserver first update byte (RFB client)', rfbFirst),
    );
    console.log(row('viewer main thread per painted update (all)', updateMs));
    console.log(
      `\nours (XTEST -> painted) / x0vncserver (XTEST -> first byte), p50: ${(percentile(oursFromX, 50) / percentile(rfbFirst, 50)).toFixed(2)}x`,
    );
    console.log(
      `main thread per update: p50 ${percentile(updateMs, 50).toFixed(2)} ms, p95 ${percentile(updateMs, 95).toFixed(2)} ms over ${updateMs.length} updates (${typingUpdates} while connecting and typing, ${scrollUpdates} while printing ${SCROLL_LINES} lines)`,
    );
    console.log(
      `yardstick: one full 1920x1080 putImageData in the same page: ${fullFrameMs.toFixed(2)} ms (median of 10)`,
    );
    console.log(`quality indicator at the end: ${JSON.stringify(indicator)}`);
    rfb.close();
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await agent?.close();
    await server?.stop();
    await x?.stop();
  }
}

await main();
