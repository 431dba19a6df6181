/**
 * The helper's whole pipeline, end to end, with real parts only: a real server (SQLite, /ws,
 * relay), an agent and a customer through the real support workflow (the agent's screen.request
 * gives the join code), a real X server (Xvfb) with an xterm, the helper's SessionClient joining
 * with that code, consent given through the API native mode uses (consent()), and a Node viewer
 * (viewer.hello with the agent's token, the e2e handshake of protocol/crypto, the reference
 * ScreenDecoder with libjpeg-turbo).
 *
 * Checked: the SAS is equal on both ends; the viewer's picture equals an xwd capture of the same
 * screen pixel for pixel (an xterm desktop is all lossless content) after typing, scrolling and
 * moving a window; the viewer's input (é ü €, arrows, End) reaches the real shell, which writes a
 * file; the customer's own mouse (xdotool) wins over the agent's moves; a revoke of control stops input (nothing arrives after 500 ms); a frame with one flipped
 * bit is rejected and never painted, both ways; the helper comes back with its resume token after
 * its socket is killed; stop ends sharing for the server, the agent and the viewer.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataChannel } from '../../../protocol/frame';
import { InputEvent } from '../../../protocol/data/input';
import type { HelperEvent } from '../../../host/native/helper-controller';
import { SessionClient, type SessionNotice } from '../../../host/session/session-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  screenRequested,
  seen,
  type ConnectedAgent,
  type ConnectedCustomer,
} from '../../support/workflow';
import { countDiff } from '../../host/screen/synthetic';
import { xwdCapture } from '../screen/xwd-capture';
import { NodeViewer } from './node-viewer';

let x: XDisplay;
let server: TestServer;
let agent: ConnectedAgent;
let customer: ConnectedCustomer & { joinCode: string };
let client: SessionClient;
let viewer: NodeViewer;
let tmp: string;
const events: HelperEvent[] = [];
const notices: SessionNotice[] = [];
const logLines: string[] = [];
const figures: Record<string, unknown> = {};
let consentedAt = NaN;
const run = promisify(execFile);
let xtermId = '';
const slug = 'helper-e2e';

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 15_000,
  refresh?: () => Promise<void>,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await refresh?.();
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(50);
  }
}

function fileText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Waits until the viewer's picture equals an xwd capture; returns the differing pixel count. */
async function settle(timeoutMs = 15_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let diff = -1;
  while (Date.now() < end) {
    await wait(150);
    const fb = viewer.decoder.framebuffer;
    if (!fb || viewer.decoder.state !== 'ready') continue;
    const truth = xwdCapture(x.display);
    if (truth.width !== fb.width || truth.height !== fb.height) continue;
    diff = countDiff(truth, fb.data);
    if (diff === 0) return 0;
  }
  return diff;
}

async function input(event: InputEvent): Promise<void> {
  await viewer.sendInput(InputEvent.parse(event));
}

async function typeLine(text: string): Promise<void> {
  await input({ type: 'text', text });
  await input({ type: 'key', code: 'Enter', down: true });
  await input({ type: 'key', code: 'Enter', down: false });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-helper-e2e-'));
  x = await startXvfb({ width: 1024, height: 768 });
  x.spawnClient('xterm', ['-geometry', '80x24+20+20', '-e', 'bash', '--norc', '--noprofile'], {
    LC_ALL: 'C.UTF-8',
    LANG: 'C.UTF-8',
    PS1: '$ ',
    HOME: tmp,
  });
  xtermId = await waitFor('the xterm window', () => {
    try {
      return (
        x.run('xdotool', ['search', '--onlyvisible', '--class', 'xterm']).trim().split('\n')[0] || undefined
      );
    } catch {
      return undefined;
    }
  });

  server = await startTestServer();
  await addPortal(server, slug);
  agent = await addAgent(server, { portals: [slug], name: 'Alex Agent' });
  customer = await screenRequested(server, agent, slug);

  client = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: x.display } },
    stateFile: path.join(tmp, 'state', 'resume.json'),
    log: (line) => logLines.push(line),
    reconnect: { firstDelayMs: 50, maxDelayMs: 500 },
  });
  client.onEvent((e) => events.push(e));
  client.onNotice((n) => notices.push(n));
  // What native mode does: the extension shows its window on consent_needed and calls consent().
  client.onEvent((e) => {
    if (e.type === 'host.consent_needed') {
      consentedAt = performance.now();
      void client.consent({ ...ALL_GRANTS, reboot: false, files: false });
    }
  });
  const joined = await client.join({ server: server.url, joinCode: customer.joinCode });
  expect(joined.state).toBe('waiting_consent');
  viewer = await NodeViewer.connect(server.wsUrl, server.url, agent.token, customer.sessionId);
});

afterAll(async () => {
  viewer?.close();
  await client?.close();
  await closeAll(agent?.client, customer?.client);
  await server?.stop();
  await x?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('helper session through the real server', () => {
  it('asks consent naming the agent, agrees keys with an equal SAS on both ends, and streams', async () => {
    const asked = events.find((e) => e.type === 'host.consent_needed');
    expect(asked).toMatchObject({ agentName: 'Alex Agent', requested: { view: true, control: true } });
    await viewer.until(() => viewer.sas !== null, 15_000, 'the SAS');
    const ready = await waitFor('viewer.ready', () => notices.find((n) => n.type === 'viewer.ready'));
    expect(ready.type === 'viewer.ready' && ready.sas).toBe(viewer.sas);
    expect(viewer.sas).toMatch(/^\d{3} \d{3}$/);
    await waitFor('sharing', () => client.state === 'sharing');
    // The agent and the page hear the grants from the server.
    await seen(
      agent.client,
      (m) => m.type === 'helper.status' && (m.grants as { view?: boolean }).view === true,
      'grants',
    );
    expect(await settle()).toBe(0);
    figures.firstPicture = {
      msAfterConsent: Math.round((viewer.firstPictureAt ?? NaN) - consentedAt),
      bytes: viewer.counts.screenBytes,
      messages: viewer.counts.screenFrames,
    };
    expect(viewer.control.some((m) => m.type === 'screen.monitors')).toBe(true);
  });

  it('follows typing, scrolling and a moved window pixel for pixel', async () => {
    x.run('xdotool', ['mousemove', '200', '150']); // no window manager: focus follows the pointer
    x.run('xdotool', ['type', '--delay', '15', 'echo hello lifeline']);
    x.run('xdotool', ['key', 'Return']);
    expect(await settle()).toBe(0);
    x.run('xdotool', ['type', '--delay', '10', 'seq 1 300']);
    x.run('xdotool', ['key', 'Return']);
    expect(await settle()).toBe(0);
    x.run('xdotool', ['windowmove', xtermId, '200', '180']);
    expect(await settle()).toBe(0);
    x.run('xdotool', ['windowmove', xtermId, '20', '20']);
    expect(await settle()).toBe(0);
    const stats = client.viewerStats()[0]!.stats.screen!;
    expect(stats.updates).toBeGreaterThan(1);
    expect(stats.flow.inFlightBytes).toBeLessThanOrEqual(stats.flow.windowBytes);
  });

  it('keeps up with a terminal that scrolls without pause, under flow control (figures)', async () => {
    const before = { ...viewer.counts };
    const stats0 = client.viewerStats()[0]!.stats.screen!;
    const started = performance.now();
    x.run('xdotool', [
      'type',
      '--delay',
      '10',
      'for i in $(seq 1 200); do echo scrolled line $i; sleep 0.01; done',
    ]);
    x.run('xdotool', ['key', 'Return']);
    await wait(3500);
    expect(await settle()).toBe(0);
    const seconds = (performance.now() - started) / 1000;
    const stats = client.viewerStats()[0]!.stats.screen!;
    const frames = viewer.counts.screenFrames - before.screenFrames;
    const bytes = viewer.counts.screenBytes - before.screenBytes;
    const updates = stats.updates - stats0.updates;
    figures.scroll = {
      seconds: Number(seconds.toFixed(2)),
      updatesPerSecond: Number((updates / seconds).toFixed(1)),
      messagesPerSecond: Number((frames / seconds).toFixed(1)),
      kBytesPerSecond: Number((bytes / 1024 / seconds).toFixed(1)),
      bytesPerUpdate: Math.round(bytes / Math.max(1, updates)),
      rttMs: Math.round(stats.flow.rttMs ?? 0),
      windowBytes: stats.flow.windowBytes,
      blocked: stats.blocked,
    };
    expect(updates).toBeGreaterThan(5);
  });

  it("delivers the viewer's input (text with é ü €, arrows, End) to the real shell", async () => {
    const typed = path.join(tmp, 'typed.txt');
    const arrows = path.join(tmp, 'arrows.txt');
    await input({ type: 'pointer.move', x: 200, y: 150 });
    await typeLine(`echo 'é ü € ok' > ${typed}`);
    expect(await waitFor('the typed file', () => fileText(typed) || undefined)).toBe('é ü € ok\n');
    // "echo ac", Left, "b", End, " > file": only arrows and End make it "abc".
    await input({ type: 'text', text: 'echo ac' });
    await input({ type: 'key', code: 'ArrowLeft', down: true });
    await input({ type: 'key', code: 'ArrowLeft', down: false });
    await input({ type: 'text', text: 'b' });
    await input({ type: 'key', code: 'End', down: true });
    await input({ type: 'key', code: 'End', down: false });
    await typeLine(` > ${arrows}`);
    expect(await waitFor('the arrows file', () => fileText(arrows) || undefined)).toBe('abc\n');
    expect(await settle()).toBe(0);
  });

  it('shares the clipboard both ways through the real X CLIPBOARD, in parts', async () => {
    // Viewer -> customer: a clip of 300,000 characters (two parts) lands in the X clipboard.
    const text = 'Grüße € '.repeat(37_500);
    await viewer.sendClipboard({ type: 'clip.begin', clipId: 1, totalChars: text.length });
    await viewer.sendClipboard({ type: 'clip.part', clipId: 1, text: text.slice(0, 200_000) });
    await viewer.sendClipboard({ type: 'clip.part', clipId: 1, text: text.slice(200_000) });
    await viewer.sendClipboard({ type: 'clip.end', clipId: 1 });
    // xclip runs asynchronously: the selection's owner is this very process (the helper), which
    // must keep answering while xclip asks.
    const xclipOut = async () =>
      await run('xclip', ['-o', '-selection', 'clipboard'], { env: x.env, timeout: 5000, maxBuffer: 8 << 20 })
        .then((r) => r.stdout)
        .catch(() => '');
    let got = '';
    await waitFor(
      'the X clipboard',
      () => got === text || undefined,
      15_000,
      async () => {
        got = await xclipOut();
      },
    );
    // Customer -> viewer: another application copies; the viewer receives it.
    const from = viewer.clipboard.length;
    const copier = spawn('xclip', ['-i', '-selection', 'clipboard'], {
      env: x.env,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    copier.stdin.end('copied on the customer side ✓');
    await viewer.until(
      () => viewer.clipboard.slice(from).some((m) => m.type === 'clip.end'),
      10_000,
      'clip.end',
    );
    const parts = viewer.clipboard.slice(from).flatMap((m) => (m.type === 'clip.part' ? [m.text] : []));
    expect(parts.join('')).toBe('copied on the customer side ✓');
  });

  it('rejects a frame with one flipped bit, both ways, and never applies or paints it', async () => {
    // Viewer -> helper through the real relay: a sealed input frame changed in transit.
    const flipped = path.join(tmp, 'flipped.txt');
    const before = client.viewerStats()[0]!.stats.framesRejected;
    await viewer.sendSealed(
      DataChannel.input,
      new TextEncoder().encode(JSON.stringify({ type: 'text', text: `echo bad > ${flipped}\n` })),
      true,
    );
    await waitFor('the helper to reject it', () => client.viewerStats()[0]!.stats.framesRejected > before);
    await wait(600);
    expect(existsSync(flipped)).toBe(false);
    // Helper -> viewer: the next screen frame changed before the viewer opens it.
    const rejected = viewer.counts.rejected;
    const resets = viewer.counts.resets;
    viewer.tamperNext(DataChannel.screen);
    x.run('xdotool', ['type', '--delay', '15', 'echo after tamper']);
    await viewer.until(() => viewer.counts.rejected > rejected, 15_000, 'a rejected screen frame');
    // The viewer asked for a fresh stream; the picture is whole and exact again.
    await viewer.until(() => viewer.counts.resets > resets, 15_000, 'a RESET after the refresh');
    expect(await settle()).toBe(0);
    expect(viewer.decoder.state).toBe('ready');
  });

  it("lets the customer's own mouse win: the agent's moves wait until it has been still a second", async () => {
    const location = () => x.run('xdotool', ['getmouselocation']).split(' ').slice(0, 2).join(' ');
    await input({ type: 'pointer.move', x: 100, y: 100 });
    await waitFor('the agent moving the pointer', () => location() === 'x:100 y:100');
    const from = viewer.control.length;
    // The customer's hand: 16 moves, 50 ms apart, on the real X server.
    const steps = Array.from({ length: 16 }, (_, i) => [
      'mousemove',
      String(600 + i),
      '400',
      'sleep',
      '0.05',
    ]);
    const hand = spawn('xdotool', steps.flat(), { env: x.env, stdio: 'ignore' });
    const handDone = new Promise<void>((resolve) => hand.once('exit', () => resolve()));
    let handMoving = true;
    void handDone.then(() => (handMoving = false));
    await wait(150);
    // Meanwhile the agent keeps moving too, as a hand on the viewer's canvas would.
    for (let i = 0; handMoving; i++) {
      await input({ type: 'pointer.move', x: 200 + (i % 50), y: 200 });
      await wait(40);
    }
    await handDone;
    await wait(100);
    expect(location()).toBe('x:615 y:400'); // where the customer left it, not yanked back
    const refusal = await waitFor('the viewer told why', () =>
      viewer.control
        .slice(from)
        .find((m) => m.type === 'session.refused' && m.request === 'input' && m.code === 'pointer_in_use'),
    );
    expect(refusal).toBeTruthy();
    // Still for over a second: the agent's pointer works again.
    await wait(1200);
    await input({ type: 'pointer.move', x: 321, y: 234 });
    await waitFor('the agent moving the pointer again', () => location() === 'x:321 y:234');
  });

  it('stops input at once when control is revoked: the next input is refused, none arrives', async () => {
    const late = path.join(tmp, 'late.txt');
    const revokedAt = performance.now();
    await client.consent({ ...ALL_GRANTS, control: false, reboot: false, files: false });
    expect(client.consentGate!.has('control')).toBe(false);
    const from = viewer.messages.length;
    await typeLine(`echo late > ${late}`);
    // The server drops it too (its copy of the grants), and says so to the viewer.
    await viewer.waitMessage((m) => m.type === 'error' && m.code === 'consent_required', from);
    await wait(600);
    expect(existsSync(late)).toBe(false);
    expect(performance.now() - revokedAt).toBeGreaterThan(500);
    // The picture still flows (view is still granted).
    x.run('xdotool', ['type', '--delay', '15', 'echo still viewing']);
    expect(await settle()).toBe(0);
    await client.consent({ ...ALL_GRANTS, reboot: false, files: false });
  });

  it('pauses the picture on stream.pause, resumes with a RESET, and answers ping with pong', async () => {
    await viewer.sendControl({ type: 'ping', id: 41 });
    await viewer.until(() => viewer.control.some((m) => m.type === 'pong' && m.id === 41), 5000, 'pong');
    await viewer.sendControl({ type: 'stream.pause' });
    await viewer.until(
      () => viewer.control.some((m) => m.type === 'stream.state' && m.paused && m.by === 'agent'),
      5000,
      'stream.state paused',
    );
    await waitFor('paused', () => client.state === 'paused');
    const frames = viewer.counts.screenFrames;
    x.run('xdotool', ['type', '--delay', '15', 'echo while paused']);
    await wait(800);
    expect(viewer.counts.screenFrames).toBe(frames);
    const resets = viewer.counts.resets;
    await viewer.sendControl({ type: 'stream.resume' });
    await waitFor('sharing', () => client.state === 'sharing');
    await viewer.until(() => viewer.counts.resets > resets, 10_000, 'a RESET after resume');
    expect(await settle()).toBe(0);
    expect(viewer.control.some((m) => m.type === 'stream.state' && !m.paused)).toBe(true);
  });

  it('reconnects with its resume token after its socket is killed, and streams again', async () => {
    const from = viewer.messages.length;
    const handshakes = viewer.counts.handshakes;
    client.dropLinkForTest();
    await viewer.waitMessage((m) => m.type === 'helper.left' && m.reconnecting === true, from);
    await viewer.waitMessage((m) => m.type === 'helper.joined', from);
    await waitFor('sharing again', () => client.state === 'sharing');
    await viewer.until(
      () => viewer.counts.handshakes > handshakes && viewer.sas !== null,
      15_000,
      'new keys',
    );
    x.run('xdotool', ['type', '--delay', '15', 'echo back again']);
    expect(await settle()).toBe(0);
    expect(notices.some((n) => n.type === 'reconnecting')).toBe(true);
  });

  it('stop revokes everything and ends sharing for the server, the agent and the viewer', async () => {
    const from = viewer.messages.length;
    await client.stop();
    expect(client.state).toBe('ended');
    expect(client.consentGate!.sharing).toBe(false);
    await viewer.waitMessage((m) => m.type === 'helper.left' && m.reconnecting === false, from);
    await waitFor(
      'screen none',
      () => server.services.workflow.screen.stateOf(customer.sessionId) === 'none',
    );
    const last = events.filter((e) => e.type === 'host.status').at(-1);
    expect(last).toMatchObject({ state: 'ended', grants: { view: false, control: false } });
    const s = client.viewerStats();
    expect(s).toEqual([]);
    // Figures for the report.
    process.stderr.write(`helper e2e figures: ${JSON.stringify({ ...figures, viewer: viewer.counts })}\n`);
  });
});
