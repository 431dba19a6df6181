/**
 * Restarting the customer's computer as the agent's viewer core (ViewerSession) sees it, against
 * the real server and the real helper session client (its platform records the reboot instead of
 * doing it): offered only with the customer's grant AND the manager's `reboot` feature; asked ->
 * `restarting` -> the helper's link dies as the restart would -> `waiting` -> a new helper resumes
 * from the saved state -> `back`, with the picture again; and when no helper comes back within the
 * server's grace (short here; 10 minutes in the product) -> `gaveUp`, with its notice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionClient } from '../../../host/session/session-client';
import { readResumeState } from '../../../host/session/resume-state-file';
import type { Grants } from '../../../protocol/common';
import { ViewerSession } from '../../../ui/viewer/viewer-session';
import { REBOOT_WAIT_MINUTES, nextRebootStage } from '../../../ui/viewer/reboot-progress';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  screenRequested,
  type ConnectedAgent,
} from '../../support/workflow';
import { until } from '../../support/polling';
import { FramebufferPainter } from './support/framebuffer-painter';
import { fakeHelperPlatform, type FakeHelperPlatform } from './support/fake-helper-platform';
import { InProcessDecoder } from './support/in-process-decoder';
import { NodeSocket } from './support/node-socket';

/** The server's wait for a helper that dropped, shortened so the "gave up" path runs in seconds. */
const GRACE_MS = 3_000;
const slug = 'viewer-reboot';
const GRANTS: Grants = { ...ALL_GRANTS, files: false };

let server: TestServer;
let agent: ConnectedAgent;
let tmp: string;
const closers: (() => unknown)[] = [];

interface Helper {
  client: SessionClient;
  platform: FakeHelperPlatform;
  reboots: number;
}

function helperClient(stateFile: string, grants: Grants): Helper {
  const platform = fakeHelperPlatform();
  const h: Helper = { client: null as unknown as SessionClient, platform, reboots: 0 };
  // Recorded, not performed: this machine must not restart.
  platform.reboot = () => {
    h.reboots++;
    return Promise.resolve();
  };
  h.client = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: ':0' } },
    platform: () => Promise.resolve(platform),
    stateFile,
    log: () => undefined,
  });
  h.client.onEvent((e) => {
    if (e.type === 'host.consent_needed') void h.client.consent(grants);
  });
  closers.push(() => h.client.close());
  return h;
}

function openViewer(sessionId: string): ViewerSession {
  const session = new ViewerSession({
    url: server.wsUrl,
    token: agent.token,
    sessionId,
    painter: new FramebufferPainter(),
    createDecoder: () => new InProcessDecoder(),
    createSocket: (url) => new NodeSocket(url, server.url),
  });
  closers.push(() => session.close());
  return session;
}

const setRebootFeature = (on: boolean) =>
  server.services.accounts.updateUser(agent.email, { features: { reboot: on } }, 'test');

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-viewer-reboot-'));
  server = await startTestServer({}, { workflow: { reconnectGraceMs: GRACE_MS } });
  await addPortal(server, slug);
  agent = await addAgent(server, { portals: [slug], name: 'Rita Restart' });
});

afterAll(async () => {
  for (const close of closers) await close();
  await closeAll(agent?.client);
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the restart as the viewer sees it', () => {
  it('is offered only when the customer granted it and the manager allows it', async () => {
    const customer = await screenRequested(server, agent, slug);
    closers.push(() => closeAll(customer.client));
    const helper = helperClient(path.join(tmp, 'offer.json'), { ...GRANTS, reboot: false });
    await helper.client.join({ server: server.url, joinCode: customer.joinCode });
    const v = openViewer(customer.sessionId);
    await until('the picture', () => v.snapshot.phase === 'streaming');
    // Not granted: not offered, and nothing is sent.
    expect(v.snapshot.rebootAllowed).toBe(false);
    expect(v.requestReboot()).toBe(false);
    // The customer grants it: offered.
    await helper.client.consent(GRANTS);
    await until('offered', () => v.snapshot.rebootAllowed);
    // The manager takes the feature away while the viewer is open: no longer offered.
    await setRebootFeature(false);
    await until('withdrawn', () => !v.snapshot.rebootAllowed);
    expect(v.requestReboot()).toBe(false);
    expect(v.snapshot.reboot).toBeNull();
    await setRebootFeature(true);
    await until('offered again', () => v.snapshot.rebootAllowed);
    expect(helper.reboots).toBe(0);
  });

  it('restarting -> waiting for the computer -> back, with the picture again', async () => {
    const customer = await screenRequested(server, agent, slug);
    closers.push(() => closeAll(customer.client));
    const stateFile = path.join(tmp, 'back.json');
    const first = helperClient(stateFile, GRANTS);
    await first.client.join({ server: server.url, joinCode: customer.joinCode });
    const v = openViewer(customer.sessionId);
    const stages: (string | null)[] = [];
    v.subscribe((s) => {
      const stage = s.reboot?.stage ?? null;
      if (stages.at(-1) !== stage) stages.push(stage);
    });
    await until('the picture', () => v.snapshot.phase === 'streaming' && v.snapshot.rebootAllowed);

    expect(v.requestReboot()).toBe(true);
    expect(v.snapshot.reboot?.stage).toBe('restarting');
    // A second click while it restarts sends nothing.
    expect(v.requestReboot()).toBe(false);
    await until('the recorded restart', () => first.reboots === 1);
    // The machine goes down: the helper process dies without a word.
    await first.client.close();
    await until('waiting', () => v.snapshot.reboot?.stage === 'waiting');
    expect(v.snapshot.phase).toBe('waiting_helper');

    // After the restart: a new helper process resumes from the saved state, asking nothing.
    const saved = await readResumeState(stateFile);
    const second = helperClient(stateFile, { ...GRANTS, view: false });
    await second.client.resume({
      server: server.url,
      resumeToken: saved.resumeToken,
      consent: saved.consent!,
    });
    await until('back', () => v.snapshot.reboot?.stage === 'back', 10_000);
    await until('the picture again', () => v.snapshot.phase === 'streaming', 10_000);
    expect(v.snapshot.notice?.key).toBe('rebootBack');
    expect(stages).toEqual([null, 'restarting', 'waiting', 'back']);
    // It may be asked again once over.
    expect(v.snapshot.rebootAllowed).toBe(true);
  });

  it(`gives up when the computer does not come back within the server's grace (${REBOOT_WAIT_MINUTES} minutes in the product)`, async () => {
    const customer = await screenRequested(server, agent, slug);
    closers.push(() => closeAll(customer.client));
    const helper = helperClient(path.join(tmp, 'gone.json'), GRANTS);
    await helper.client.join({ server: server.url, joinCode: customer.joinCode });
    const v = openViewer(customer.sessionId);
    await until('the picture', () => v.snapshot.phase === 'streaming' && v.snapshot.rebootAllowed);
    expect(v.requestReboot()).toBe(true);
    await until('the recorded restart', () => helper.reboots === 1);
    await helper.client.close();
    await until('waiting', () => v.snapshot.reboot?.stage === 'waiting');
    await until('gave up', () => v.snapshot.reboot?.stage === 'gaveUp', GRACE_MS + 10_000);
    expect(v.snapshot.notice).toMatchObject({ key: 'rebootGaveUp', level: 'error', args: ['10'] });
    // The chat session goes on: only the screen sharing ended.
    expect(v.snapshot.phase).toBe('waiting_helper');
    expect(v.snapshot.connection).toBe('open');
    expect(v.snapshot.rebootAllowed).toBe(false);
  });
});

describe('the restart progress machine', () => {
  it('refuses steps it does not have', () => {
    expect(() => nextRebootStage(null, 'helperBack')).toThrow(/none -> helperBack/);
    expect(nextRebootStage('restarting', 'helperBack')).toBe('restarting');
    expect(nextRebootStage('waiting', 'cleared')).toBeNull();
    expect(nextRebootStage('gaveUp', 'asked')).toBe('restarting');
  });
});
