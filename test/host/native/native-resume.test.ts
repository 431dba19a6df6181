/**
 * `host.resume` through the native loop (what the extension sends when it starts again a helper
 * that died mid-session): the new helper reads the state the dead one saved, comes back into the
 * same session with the consent the customer gave (no `host.consent_needed`, the server hears
 * `helper.consent` at once), and refuses a state saved for another server. The dead helper is a
 * session client whose socket was cut and which never reconnects (as after kill -9); the server
 * is the real one.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResumeState } from '../../../host/session/resume-state-file';
import { SessionClient } from '../../../host/session/session-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  connectViewer,
  screenRequested,
  seen,
  type ConnectedAgent,
} from '../../support/workflow';
import { fakePlatform } from '../session/fake-platform';
import { frame } from './native-frames';
import { startHost } from './native-host-harness';

const LINUX = { platform: 'linux', release: '6.1.0', arch: 'x64', env: { DISPLAY: ':0' } } as const;
const GRANTS = { ...ALL_GRANTS, reboot: false, clipboard: false };
let server: TestServer;
let agent: ConnectedAgent;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-native-resume-'));
  server = await startTestServer();
  await addPortal(server, 'native-resume');
  agent = await addAgent(server, { portals: ['native-resume'], name: 'Nia Agent' });
});

afterAll(async () => {
  await closeAll(agent?.client);
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function client(stateFile: string, reconnectMs = 50): SessionClient {
  return new SessionClient({
    version: '0.1.0',
    system: LINUX,
    platform: async () => fakePlatform(),
    stateFile,
    log: () => undefined,
    reconnect: { firstDelayMs: reconnectMs, maxDelayMs: reconnectMs },
    encoder: { fullCompareMs: 0, cursor: false },
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('host.resume', () => {
  it('brings a dead helper’s session back in a new helper, with the consent given, asking nothing', async () => {
    const customer = await screenRequested(server, agent, 'native-resume');
    // The helper that will die: it never reconnects by itself within this test.
    const deadFile = path.join(tmp, 'dead', 'resume.json');
    const dead = client(deadFile, 600_000);
    dead.onEvent((e) => {
      if (e.type === 'host.consent_needed') void dead.consent(GRANTS);
    });
    await dead.join({ server: server.url, joinCode: customer.joinCode });
    const viewer = await connectViewer(server, agent.token, customer.sessionId);
    await until('the consent saved', async () => (await readResumeState(deadFile)).consent);
    // Its state file, as the next helper of this user finds it.
    const stateFile = path.join(tmp, 'next', 'resume.json');
    mkdirSync(path.dirname(stateFile), { recursive: true });
    copyFileSync(deadFile, stateFile);
    const from = viewer.client.received.length;
    dead.dropLinkForTest(); // kill -9: the socket is gone, nothing more comes from it
    await seen(viewer.client, (m) => m.type === 'helper.left' && m.reconnecting === true, 'left', from);

    const next = client(stateFile);
    const host = startHost(next);
    host.input.write(frame({ type: 'host.hello', id: 'h', extensionVersion: '1.0.0' }));
    await host.reply('h');
    host.input.write(frame({ type: 'host.resume', id: 'r', server: server.url }));
    expect(await host.reply('r')).toMatchObject({ type: 'reply', result: { state: expect.any(String) } });
    await seen(viewer.client, (m) => m.type === 'helper.joined', 'joined', from);
    await seen(
      viewer.client,
      (m) => m.type === 'helper.consent' && (m.grants as { files: boolean }).files === true,
      'the consent said again',
      from,
    );
    await host.waitFor((m) => m.type === 'host.status' && m.state === 'sharing');
    expect(host.messages().some((m) => m.type === 'host.consent_needed')).toBe(false);
    expect(server.services.workflow.screen.stateOf(customer.sessionId)).not.toBe('reconnecting');
    host.input.end();
    await host.exit;
    await dead.close();
    await closeAll(viewer.client, customer.client);
  });

  it('refuses a saved session of another server, and says so when there is none', async () => {
    const customer = await screenRequested(server, agent, 'native-resume');
    const file = path.join(tmp, 'other', 'resume.json');
    const first = client(file, 600_000);
    await first.join({ server: server.url, joinCode: customer.joinCode });
    await until('the state saved', async () => readResumeState(file));
    first.dropLinkForTest();
    const host = startHost(client(file));
    host.input.write(frame({ type: 'host.resume', id: 'o', server: 'https://elsewhere.example' }));
    expect(await host.reply('o')).toMatchObject({ type: 'error', code: 'not_found' });
    host.input.end();
    await host.exit;
    const none = startHost(client(path.join(tmp, 'none', 'resume.json')));
    none.input.write(frame({ type: 'host.resume', id: 'n', server: server.url }));
    expect(await none.reply('n')).toMatchObject({ type: 'error', code: 'not_found' });
    none.input.end();
    await none.exit;
    await first.close();
    await closeAll(customer.client);
  });
});
