/**
 * The viewer core's file transfers while the helper comes and goes (issue 9), against the real
 * server and the real helper session client (a synthetic desktop; files through the real
 * NodeFileAccess over a temporary home). Before the fix a re-attach failed every transfer with
 * consent_required (0/3 from outside): the server reset the grants, and the viewer's
 * `setAllowed(false)` failed what was under way. Now: a dropped helper link, or both links at
 * once, make transfers wait and then complete; a revoke of `files` fails them at once; a helper
 * gone for good fails them with `helper_gone`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NodeFileAccess } from '../../../host/platform/files/node-file-access';
import { SessionClient } from '../../../host/session/session-client';
import type { DownloadSink } from '../../../ui/viewer/files/download';
import { ViewerSession } from '../../../ui/viewer/viewer-session';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  screenRequested,
  type ConnectedAgent,
} from '../../support/workflow';
import { fakeHelperPlatform } from './support/fake-helper-platform';
import { FramebufferPainter } from './support/framebuffer-painter';
import { InProcessDecoder } from './support/in-process-decoder';
import { NodeSocket } from './support/node-socket';

const MiB = 1024 * 1024;
const GRANTS = { ...ALL_GRANTS, reboot: false };
let server: TestServer;
let agent: ConnectedAgent;
let tmp: string;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-viewer-files-'));
  server = await startTestServer();
  await addPortal(server, 'viewer-files');
  agent = await addAgent(server, { portals: ['viewer-files'], name: 'Vera Viewer' });
});

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

afterAll(async () => {
  await closeAll(agent?.client);
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function until<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A session with a helper (consent given, files through a temporary home) and the viewer core. */
async function shared(n: number) {
  const home = path.join(tmp, `home-${n}`);
  for (const d of ['Desktop', 'Documents', 'Downloads']) mkdirSync(path.join(home, d), { recursive: true });
  const customer = await screenRequested(server, agent, 'viewer-files');
  closers.push(() => customer.client.close());
  const fileAccess = new NodeFileAccess({ home, env: {} });
  const platform = { ...fakeHelperPlatform(), files: () => fileAccess };
  const client = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: ':0' } },
    platform: () => Promise.resolve(platform),
    stateFile: path.join(tmp, `state-${n}`, 'resume.json'),
    log: () => undefined,
    reconnect: { firstDelayMs: 50, maxDelayMs: 200 },
  });
  closers.push(() => client.close());
  client.onEvent((e) => {
    if (e.type === 'host.consent_needed') void client.consent(GRANTS);
  });
  await client.join({ server: server.url, joinCode: customer.joinCode });
  const fetched = new Map<string, Buffer>();
  const sockets: NodeSocket[] = [];
  const viewer = new ViewerSession({
    url: server.wsUrl,
    token: agent.token,
    sessionId: customer.sessionId,
    painter: new FramebufferPainter(),
    createDecoder: () => new InProcessDecoder(),
    createSocket: (url) => {
      const s = new NodeSocket(url, server.url);
      sockets.push(s);
      return s;
    },
    createFileSink: (): DownloadSink => {
      const parts: Uint8Array[] = [];
      return {
        append: (d) => void parts.push(d.slice()),
        finish: (saved) => void fetched.set(saved, Buffer.concat(parts)),
        discard: () => void parts.splice(0),
      };
    },
  });
  closers.push(() => viewer.close());
  const phases = new Map<string, string[]>();
  viewer.files.subscribe((s) => {
    for (const t of s.transfers) {
      const seen = phases.get(t.id) ?? [];
      if (seen.at(-1) !== t.phase) phases.set(t.id, [...seen, t.phase]);
    }
  });
  await until('files allowed', () => viewer.files.snapshot().connected && viewer.files.snapshot().allowed);
  const view = (id: string) => viewer.files.snapshot().transfers.find((t) => t.id === id);
  return { client, viewer, home, fetched, phases, view, sockets };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Per test, in ms: megabytes through the real relay and crypto on a shared machine. */
const TEST_MS = 90_000;

describe('the viewer core’s transfers while the helper comes and goes', () => {
  it(
    'a dropped helper link: the upload waits, never fails, and completes with the right bytes',
    async () => {
      const s = await shared(1);
      const data = randomBytes(16 * MiB);
      const id = s.viewer.files.send(new Blob([data]), 'drop.bin', { place: 'Documents', dirs: [] });
      await until('some written', () => (s.view(id)?.figures.doneBytes ?? 0) > 4 * MiB);
      s.client.dropLinkForTest();
      await until('done', () => s.view(id)?.phase === 'done' || s.view(id)?.phase === 'failed', 60_000);
      expect(s.view(id)).toMatchObject({ phase: 'done', error: null });
      expect(s.phases.get(id)).toContain('interrupted');
      expect(sha(readFileSync(path.join(s.home, 'Documents', 'drop.bin')))).toBe(sha(data));
    },
    TEST_MS,
  );

  it(
    'both links at once (a server restart looks like this): a fetch waits for the helper, then completes',
    async () => {
      const s = await shared(2);
      const data = randomBytes(16 * MiB);
      writeFileSync(path.join(s.home, 'Documents', 'both.bin'), data);
      const id = s.viewer.files.fetch({ place: 'Documents', dirs: [] }, 'both.bin', data.length);
      await until('some received', () => (s.view(id)?.figures.doneBytes ?? 0) > 4 * MiB);
      s.sockets.at(-1)!.ws.terminate();
      s.client.dropLinkForTest();
      await until('done', () => s.view(id)?.phase === 'done' || s.view(id)?.phase === 'failed', 60_000);
      expect(s.view(id)).toMatchObject({ phase: 'done', error: null });
      expect(sha(s.fetched.get('both.bin')!)).toBe(sha(data));
    },
    TEST_MS,
  );

  it(
    'the customer takes files back mid-upload: it fails at once, and the part file goes',
    async () => {
      const s = await shared(3);
      const id = s.viewer.files.send(new Blob([randomBytes(48 * MiB)]), 'revoked.bin', {
        place: 'Documents',
        dirs: [],
      });
      await until('some written', () => (s.view(id)?.figures.doneBytes ?? 0) > 2 * MiB);
      await s.client.consent({ ...GRANTS, files: false });
      const failed = await until('failed', () => (s.view(id)?.phase === 'failed' ? s.view(id) : undefined));
      expect(failed.error).toMatchObject({ code: 'consent_required' });
      await until('no part file', () => readdirSync(path.join(s.home, 'Documents')).length === 0);
    },
    TEST_MS,
  );

  it(
    'the helper stops for good mid-upload: it fails with helper_gone',
    async () => {
      const s = await shared(4);
      const id = s.viewer.files.send(new Blob([randomBytes(48 * MiB)]), 'stopped.bin', {
        place: 'Documents',
        dirs: [],
      });
      await until('some written', () => (s.view(id)?.figures.doneBytes ?? 0) > 2 * MiB);
      await s.client.stop();
      const failed = await until('failed', () => (s.view(id)?.phase === 'failed' ? s.view(id) : undefined));
      expect(failed.error).toMatchObject({ code: 'helper_gone' });
      await until('no part file', () => readdirSync(path.join(s.home, 'Documents')).length === 0);
    },
    TEST_MS,
  );
});
