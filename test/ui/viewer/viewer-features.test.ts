/**
 * The viewer and the agent's features, against the real server and the real helper session
 * client (the desktop is synthetic, as in viewer-session.test.ts): the server tells the viewer
 * its features at the hello. An agent whose manager has not enabled control sees the picture
 * view-only although the customer granted control, and the viewer sends nothing on the input
 * channel (not even release.all): the helper gets no input and the relay refuses nothing. An
 * agent without screen viewing is refused at once, for good, saying why.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionClient } from '../../../host/session/session-client';
import { ViewerSession } from '../../../ui/viewer/viewer-session';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  screenRequested,
  type ConnectedAgent,
  type ConnectedCustomer,
} from '../../support/workflow';
import { FramebufferPainter } from './support/framebuffer-painter';
import { fakeHelperPlatform, type FakeHelperPlatform } from './support/fake-helper-platform';
import { InProcessDecoder } from './support/in-process-decoder';
import { NodeSocket } from './support/node-socket';

let server: TestServer;
let agent: ConnectedAgent;
let customer: ConnectedCustomer & { joinCode: string };
let platform: FakeHelperPlatform;
let client: SessionClient;
let tmp: string;
const slug = 'viewer-features';

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(20);
  }
}

function openViewer(): ViewerSession {
  return new ViewerSession({
    url: server.wsUrl,
    token: agent.token,
    sessionId: customer.sessionId,
    painter: new FramebufferPainter(),
    createDecoder: () => new InProcessDecoder(),
    createSocket: (url) => new NodeSocket(url, server.url),
  });
}

const relayRefused = () => server.services.workflow.screen.relay.stats().refused;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-viewer-features-'));
  server = await startTestServer();
  await addPortal(server, slug);
  agent = await addAgent(server, { portals: [slug], name: 'Vic View-Only' });
  customer = await screenRequested(server, agent, slug);
  platform = fakeHelperPlatform();
  client = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: ':0' } },
    platform: () => Promise.resolve(platform),
    stateFile: path.join(tmp, 'resume.json'),
    log: () => undefined,
  });
  // The customer grants everything, control included: only the agent's account says no.
  client.onEvent((e) => {
    if (e.type === 'host.consent_needed') void client.consent(ALL_GRANTS);
  });
  await client.join({ server: server.url, joinCode: customer.joinCode });
});

afterAll(async () => {
  await client?.close();
  await closeAll(agent?.client, customer?.client);
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the viewer follows the agent’s features', () => {
  it('is view-only without screenControl, though the customer granted control, and sends no input', async () => {
    await server.services.accounts.updateUser(agent.email, { features: { screenControl: false } }, 'test');
    const session = openViewer();
    try {
      await until('the picture', () => session.snapshot.phase === 'streaming');
      const s = session.snapshot;
      expect(s.grants?.control).toBe(true);
      expect(s.features).toMatchObject({ screenView: true, screenControl: false });
      expect(s.controlAllowed).toBe(false);

      const inputBefore = platform.sink.calls.length;
      const refusedBefore = relayRefused();
      expect(session.sendInput({ type: 'key', code: 'KeyA', down: true })).toBe(false);
      expect(session.sendInput({ type: 'text', text: 'rm -rf /' })).toBe(false);
      expect(session.sendInput({ type: 'pointer.button', button: 'left', down: true, x: 1, y: 1 })).toBe(
        false,
      );
      expect(session.sendInput({ type: 'release.all' })).toBe(false);
      await wait(300);
      expect(platform.sink.calls.slice(inputBefore)).toEqual([]);
      // Nothing reached the relay to be refused: the viewer kept to what it was told.
      expect(relayRefused()).toBe(refusedBefore);
      // The customer taking control away and giving it back changes nothing for this account.
      await client.consent({ ...ALL_GRANTS, control: false });
      await until('the consent change', () => session.snapshot.grants?.control === false);
      await client.consent(ALL_GRANTS);
      await until('the consent change back', () => session.snapshot.grants?.control === true);
      expect(session.snapshot.controlAllowed).toBe(false);
      expect(['controlGranted', 'controlRevoked']).not.toContain(session.snapshot.notice?.key);
    } finally {
      session.close();
    }
  });

  it('controls again from the next hello once the manager enables control', async () => {
    await server.services.accounts.updateUser(agent.email, { features: { screenControl: true } }, 'test');
    const session = openViewer();
    try {
      await until('control', () => session.snapshot.controlAllowed);
      const before = platform.sink.calls.length;
      expect(session.sendInput({ type: 'key', code: 'KeyB', down: true })).toBe(true);
      session.sendInput({ type: 'key', code: 'KeyB', down: false });
      await until('input at the helper', () => platform.sink.calls.length >= before + 2);
      expect(platform.sink.calls.slice(before)).toEqual(['key KeyB down', 'key KeyB up']);
    } finally {
      session.close();
    }
  });

  it('is refused at once, for good, without screenView', async () => {
    await server.services.accounts.updateUser(agent.email, { features: { screenView: false } }, 'test');
    const started = Date.now();
    const session = openViewer();
    try {
      await until('the refusal', () => session.snapshot.phase === 'refused');
      // Told at the hello's answer, not after the server's 10 s hello timeout.
      expect(Date.now() - started).toBeLessThan(3000);
      expect(session.snapshot.refusedCode).toBe('feature_disabled');
      await wait(1200);
      expect(session.snapshot.connection).toBe('refused');
    } finally {
      session.close();
      await server.services.accounts.updateUser(agent.email, { features: { screenView: true } }, 'test');
    }
  });
});
