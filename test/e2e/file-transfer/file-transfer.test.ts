/**
 * File transfer end to end with real parts: a real server (relay, consent and feature checks), a
 * real helper session client on Xvfb (the real X11 platform; its FileAccess is the real
 * NodeFileAccess over a temporary home, so places are that home's folders), consent given with
 * `files`, and the agent's real viewer core (ViewerSession, with its file transfers) in Node over
 * the e2e-encrypted files channel.
 *
 * Checked: a 50 MB file lands in the chosen folder with the sender's SHA-256 and no temporary
 * file; it comes back byte for byte; cancel mid-way removes the partial file; killing the
 * helper's socket mid-upload and mid-fetch resumes from the acknowledged offset (re-sending less
 * than two windows), and after the viewer's own socket drops; a disk too small (a real 2 MiB
 * tmpfs, mounted as root) is refused up front; and screen updates keep flowing during 200 MB transfers both ways (latency measured from an X
 * change to the viewer's picture, against the same measure with no transfer).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openAsBlob, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFileAccess } from '../../../host/platform/files/node-file-access';
import { loadPlatform } from '../../../host/platform/registry';
import type { Platform } from '../../../host/platform/types';
import { SessionClient, type SessionNotice } from '../../../host/session/session-client';
import { until, wait } from '../../support/polling';
import { randomFile, sha256Of } from '../../support/random-files';
import { soakRounds } from '../../support/processes';
import { startTestServer, type TestServer } from '../../support/test-server';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  screenRequested,
  type ConnectedAgent,
  type ConnectedCustomer,
} from '../../support/workflow';
import { AgentViewer } from '../../support/agent-viewer';

const MB = 1_000_000;
const MiB = 1024 * 1024;
const run = promisify(execFile);
const slug = 'files-e2e';

let x: XDisplay;
let server: TestServer;
let agent: ConnectedAgent;
let customer: ConnectedCustomer & { joinCode: string };
let client: SessionClient;
let viewer: AgentViewer;
let tmp: string;
let home: string;
let downloads: string;
let tmpfs = false;
const notices: SessionNotice[] = [];
const figures: Record<string, unknown[] | unknown> & {
  uploadResume?: unknown[];
  fetchResume?: unknown[];
  viewerDropResentBytes?: unknown[];
} = {};
/** Repetitions of the dropped-link tests: LIFELINE_SOAK (the soak), else 1. */
const ROUNDS = soakRounds();

/** Every phase a transfer went through, in order (the snapshots the Files panel gets). */
function phasesOf(id: string): string[] {
  return viewer.phases.get(id) ?? [];
}

function view(id: string) {
  return viewer.transfer(id);
}

function phase(id: string, want: Parameters<AgentViewer['phase']>[1], timeoutMs = 120_000) {
  return viewer.phase(id, want, timeoutMs);
}

const parts = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.lifeline-part'));

/** The real platform of this machine, with file access over the test's home. */
function withHome(p: Platform, fileAccess: NodeFileAccess): Platform {
  return {
    name: p.name,
    screen: () => p.screen(),
    input: () => p.input(),
    clipboard: () => p.clipboard(),
    files: () => fileAccess,
    reboot: () => p.reboot(),
  };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-files-e2e-'));
  home = path.join(tmp, 'home');
  downloads = path.join(tmp, 'agent-downloads');
  for (const d of ['Desktop', 'Documents', 'Downloads']) mkdirSync(path.join(home, d), { recursive: true });
  mkdirSync(downloads);
  // A real small disk for the free-space refusal: as root in this sandbox, a 2 MiB tmpfs.
  tmpfs =
    spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', path.join(home, 'Desktop')]).status === 0;

  x = await startXvfb({ width: 1024, height: 768 });
  x.run('xsetroot', ['-solid', '#000000']);
  server = await startTestServer();
  await addPortal(server, slug);
  agent = await addAgent(server, { portals: [slug], name: 'Alex Agent' });
  customer = await screenRequested(server, agent, slug);
  const fileAccess = new NodeFileAccess({ home, env: {} });
  client = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: x.display } },
    stateFile: path.join(tmp, 'state', 'resume.json'),
    log: () => undefined,
    reconnect: { firstDelayMs: 50, maxDelayMs: 500 },
    platform: async (system) => withHome(await loadPlatform({ system }), fileAccess),
  });
  client.onNotice((n) => notices.push(n));
  client.onEvent((e) => {
    if (e.type === 'host.consent_needed') void client.consent({ ...ALL_GRANTS, reboot: false, files: true });
  });
  await client.join({ server: server.url, joinCode: customer.joinCode });
  viewer = new AgentViewer({
    wsUrl: server.wsUrl,
    origin: server.url,
    token: agent.token,
    sessionId: customer.sessionId,
    downloads,
  });
  await until('the picture', () => viewer.snapshot.phase === 'streaming', 15_000);
  await until('the files link', () => viewer.files.snapshot().connected && viewer.files.snapshot().allowed);
}, 120_000);

afterAll(async () => {
  viewer?.close();
  await client?.close();
  await closeAll(agent?.client, customer?.client);
  await server?.stop();
  await x?.stop();
  if (tmpfs) spawnSync('umount', [path.join(home, 'Desktop')]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  console.log('file transfer figures', JSON.stringify(figures, null, 1));
});

describe('file transfer through the real server, helper and viewer', () => {
  let bigSha = '';

  it('sends a 50 MB file into the chosen folder with the same SHA-256, no temporary file left', async () => {
    const src = path.join(tmp, 'fifty.bin');
    bigSha = randomFile(src, 50 * MB);
    const places = await viewer.files.places();
    expect(places.map((p) => p.name)).toEqual(['Home', 'Desktop', 'Downloads', 'Documents']);
    const started = performance.now();
    const id = viewer.files.send(await openAsBlob(src), 'fifty.bin', { place: 'Documents', dirs: [] });
    const done = await phase(id, 'done');
    const seconds = (performance.now() - started) / 1000;
    expect(done.savedAs).toBe('fifty.bin');
    expect(await sha256Of(path.join(home, 'Documents', 'fifty.bin'))).toBe(bigSha);
    expect(parts(path.join(home, 'Documents'))).toEqual([]);
    // The customer's side was told what came, where, and that it was saved.
    const mine = notices.flatMap((n) => (n.type === 'file' && n.transfer.id === id ? [n.transfer] : []));
    expect(mine[0]).toMatchObject({ direction: 'to_customer', folder: 'Documents', agentName: 'Alex Agent' });
    expect(mine.at(-1)).toMatchObject({ state: 'done', savedAs: 'fifty.bin' });
    figures.upload50MB = { seconds: +seconds.toFixed(2), MBps: +(50 / seconds).toFixed(1) };
  });

  it('fetches it back from the customer byte for byte', async () => {
    const listing = await viewer.files.list({ place: 'Documents', dirs: [] });
    const entry = listing.entries.find((e) => e.name === 'fifty.bin');
    expect(entry).toMatchObject({ kind: 'file', size: 50 * MB });
    const started = performance.now();
    const id = viewer.files.fetch({ place: 'Documents', dirs: [] }, 'fifty.bin', entry!.size);
    await phase(id, 'done');
    const seconds = (performance.now() - started) / 1000;
    expect(await sha256Of(viewer.saved.get('fifty.bin')!)).toBe(bigSha);
    figures.fetch50MB = { seconds: +seconds.toFixed(2), MBps: +(50 / seconds).toFixed(1) };
  });

  it('cancel mid-way removes the partial file on the customer side', async () => {
    const src = path.join(tmp, 'cancelled.bin');
    randomFile(src, 50 * MB);
    const id = viewer.files.send(await openAsBlob(src), 'cancelled.bin', { place: 'Downloads', dirs: [] });
    await until('10 MB written', () => (view(id)?.figures.doneBytes ?? 0) > 10 * MB, 60_000);
    expect(parts(path.join(home, 'Downloads'))).toHaveLength(1);
    viewer.files.cancel(id);
    await until('the partial file removed', () => readdirSync(path.join(home, 'Downloads')).length === 0);
    expect(view(id)!.phase).toBe('cancelled');
  });

  it(
    "resumes an upload after the helper's socket is killed, from the acknowledged offset",
    async () => {
      const src = path.join(tmp, 'resumed.bin');
      const sha = randomFile(src, 50 * MB);
      for (let round = 1; round <= ROUNDS; round++) {
        const name = round === ROUNDS ? 'resumed.bin' : `resumed-${round}.bin`;
        const sentBefore = viewer.files.bytesSent;
        const id = viewer.files.send(await openAsBlob(src), name, { place: 'Documents', dirs: [] });
        await until('15 MB written', () => (view(id)?.figures.doneBytes ?? 0) > 15 * MB, 60_000);
        const windowAtCut = viewer.files.window.windowBytes;
        const inFlightAtCut = viewer.files.window.inFlightBytes;
        client.dropLinkForTest();
        await phase(id, 'done');
        expect(phasesOf(id)).toContain('interrupted');
        expect(await sha256Of(path.join(home, 'Documents', name))).toBe(sha);
        expect(parts(path.join(home, 'Documents'))).toEqual([]);
        const resent = viewer.files.bytesSent - sentBefore - 50 * MB;
        expect(resent).toBeGreaterThanOrEqual(0);
        expect(resent).toBeLessThan(2 * windowAtCut);
        expect(
          notices.some((n) => n.type === 'file' && n.transfer.id === id && n.transfer.state === 'suspended'),
        ).toBe(true);
        (figures.uploadResume ??= []).push({ resentBytes: resent, windowAtCut, inFlightAtCut });
        if (name !== 'resumed.bin') rmSync(path.join(home, 'Documents', name));
      }
    },
    120_000 * ROUNDS,
  );

  it(
    "resumes a fetch after the helper's socket is killed, from the bytes already stored",
    async () => {
      const sha = await sha256Of(path.join(home, 'Documents', 'resumed.bin'));
      for (let round = 1; round <= ROUNDS; round++) {
        const id = viewer.files.fetch({ place: 'Documents', dirs: [] }, 'resumed.bin', 50 * MB);
        await until('15 MB received', () => (view(id)?.figures.doneBytes ?? 0) > 15 * MB, 60_000);
        const got = view(id)!.figures.doneBytes;
        client.dropLinkForTest();
        await phase(id, 'done');
        expect(phasesOf(id)).toContain('interrupted');
        const saved = viewer.saved.get('resumed.bin')!;
        expect(await sha256Of(saved)).toBe(sha);
        rmSync(saved);
        (figures.fetchResume ??= []).push({ storedAtCut: got });
      }
    },
    120_000 * ROUNDS,
  );

  it(
    "resumes an upload after the viewer's own socket drops (the viewer reconnects by itself)",
    async () => {
      const src = path.join(tmp, 'viewer-drop.bin');
      const sha = randomFile(src, 50 * MB);
      for (let round = 1; round <= ROUNDS; round++) {
        const name = `viewer-drop-${round}.bin`;
        const sentBefore = viewer.files.bytesSent;
        const id = viewer.files.send(await openAsBlob(src), name, { place: 'Documents', dirs: [] });
        await until('15 MB written', () => (view(id)?.figures.doneBytes ?? 0) > 15 * MB, 60_000);
        viewer.dropSocket();
        await phase(id, 'done');
        expect(phasesOf(id)).toContain('interrupted');
        expect(await sha256Of(path.join(home, 'Documents', name))).toBe(sha);
        expect(parts(path.join(home, 'Documents'))).toEqual([]);
        (figures.viewerDropResentBytes ??= []).push(viewer.files.bytesSent - sentBefore - 50 * MB);
        rmSync(path.join(home, 'Documents', name));
      }
    },
    120_000 * ROUNDS,
  );

  it('refuses up front when the folder lacks the room (a real 2 MiB disk), writing nothing', async () => {
    expect(tmpfs, 'mount -t tmpfs must work here (the test runs as root)').toBe(true);
    const src = path.join(tmp, 'five.bin');
    randomFile(src, 5 * MB);
    const id = viewer.files.send(await openAsBlob(src), 'five.bin', { place: 'Desktop', dirs: [] });
    const failed = await phase(id, 'failed');
    expect(failed.error).toMatchObject({ code: 'no_space', neededBytes: 5 * MB });
    expect(failed.error!.freeBytes).toBeLessThanOrEqual(2 * MiB);
    expect(failed.error!.message).toMatch(/needs 5\.0 MB, 2\.1 MB are free/);
    expect(readdirSync(path.join(home, 'Desktop'))).toEqual([]);
  });

  it('keeps screen updates flowing during 200 MB transfers both ways (latency figures)', async () => {
    const baseline = (await screenLatencies(10)).values;
    const src = path.join(tmp, 'two-hundred.bin');
    randomFile(src, 200 * MB);
    // To the customer.
    const up = viewer.files.send(await openAsBlob(src), 'two-hundred.bin', { place: 'Documents', dirs: [] });
    await until('the upload under way', () => (view(up)?.figures.doneBytes ?? 0) > 10 * MB, 60_000);
    const duringUpload = await screenLatencies(10, () => view(up)?.phase === 'sending');
    const upView = await phase(up, 'done', 300_000);
    // From the customer: the file shares the helper -> viewer direction with the picture.
    const down = viewer.files.fetch({ place: 'Documents', dirs: [] }, 'two-hundred.bin', upView.size);
    await until('the fetch under way', () => (view(down)?.figures.doneBytes ?? 0) > 10 * MB, 60_000);
    const framesBefore = viewer.painter.presents;
    const duringFetch = await screenLatencies(10, () => view(down)?.phase === 'sending');
    expect(viewer.painter.presents).toBeGreaterThan(framesBefore);
    await phase(down, 'done', 300_000);
    const stats = client.fileTransfers!.senderStats()[0];
    figures.screenLatencyMs = {
      idle: summary(baseline),
      duringUpload200MB: summary(duringUpload.values),
      duringFetch200MB: summary(duringFetch.values),
      measuredWhileMoving: { upload: duringUpload.whileMoving, fetch: duringFetch.whileMoving },
      helperYieldsToScreen: stats?.yields ?? null,
    };
    // Every change reached the viewer, and the picture never waited behind the files for long.
    const bound = Math.max(median(baseline) + 500, 2 * median(baseline));
    expect(median(duringFetch.values)).toBeLessThan(bound);
    expect(median(duringUpload.values)).toBeLessThan(bound);
    // Bounded against this machine's own idle figure (a loaded machine slows both alike).
    expect(Math.max(...duringFetch.values, ...duringUpload.values)).toBeLessThan(
      Math.max(2000, 3 * Math.max(...baseline)),
    );
  }, 600_000);
});

// ------------------------------------------------------------------ screen latency

const COLOURS = ['#203040', '#604020', '#206040', '#402060'];

/** The viewer's picture at a root-window pixel (bottom right; no window covers it). */
function pixel(): number | null {
  const p = viewer.painter;
  return viewer.pixel(p.width - 4, p.height - 4);
}

function hex(c: string): number {
  return parseInt(c.slice(1), 16);
}

/**
 * Changes the root window's colour `n` times and measures, each time, from just before the change
 * to the first moment the viewer's picture shows it (polled every ms). `moving` says whether a
 * transfer was still moving at each measure.
 */
async function screenLatencies(
  n: number,
  moving?: () => boolean,
): Promise<{ values: number[]; whileMoving: number }> {
  const values: number[] = [];
  let whileMoving = 0;
  for (let i = 0; i < n; i++) {
    const colour = COLOURS[i % COLOURS.length]!;
    const want = hex(colour);
    const t0 = performance.now();
    await run('xsetroot', ['-solid', colour], { env: x.env });
    for (;;) {
      if (pixel() === want) break;
      if (performance.now() - t0 > 10_000) throw new Error(`the picture never showed ${colour}`);
      await wait(1);
    }
    values.push(performance.now() - t0);
    if (moving?.()) whileMoving++;
    await wait(100);
  }
  return { values, whileMoving };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function summary(v: number[]) {
  const s = [...v].sort((a, b) => a - b);
  return {
    p50: Math.round(median(s)),
    p90: Math.round(s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]!),
    max: Math.round(s[s.length - 1]!),
  };
}
