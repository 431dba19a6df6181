/**
 * The session client against a real server (SQLite, /ws, relay on 127.0.0.1) with the real
 * support workflow (agent, customer, screen.request for the join code), and a fake platform (the
 * X11 one runs in test/e2e/helper/): an unsupported system still says hello and ends with a clear
 * os_not_supported; a wrong code is refused with its code; consent is asked naming the agent and
 * every grant or revoke reaches the agent and the page; stop ends sharing on the server; a lost
 * socket comes back with the resume token; a reboot asked by the viewer is refused without the
 * grant, and with it saves the resume token (0600) before the platform reboots, after which a new
 * client resumes the same session with that token. The state file is saved at consent too, so a
 * helper killed mid-session comes back without a question the customer answered, and an old
 * helper that ends late never deletes the state of the one that took its place.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../protocol/errors';
import { DataChannel } from '../../../protocol/frame';
import { HostToExtension } from '../../../protocol/native-channel';
import type { HelperEvent } from '../../../host/native/helper-controller';
import type { SystemFacts } from '../../../host/platform/registry';
import { readResumeState, type ResumeState } from '../../../host/session/resume-state-file';
import { SessionClient, type SessionNotice } from '../../../host/session/session-client';
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
import type { TestWsClient } from '../../support/ws-client';
import { NodeViewer } from '../../e2e/helper/node-viewer';
import { fakePlatform, type FakePlatform } from './fake-platform';

const slug = 'helper-unit';
const LINUX: SystemFacts = { platform: 'linux', release: '6.1.0', arch: 'x64', env: { DISPLAY: ':0' } };
let server: TestServer;
let agent: ConnectedAgent;
let tmp: string;
const open: { close(): unknown }[] = [];
const clients: SessionClient[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-session-'));
  server = await startTestServer();
  await addPortal(server, slug);
  agent = await addAgent(server, { portals: [slug], name: 'Robin Agent' });
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const o of open.splice(0)) o.close();
});

afterAll(async () => {
  await closeAll(agent?.client);
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function wait(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(pred: () => boolean, what: string, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(10);
  }
}

/** The state file once what it holds satisfies `pred` (polled). */
async function savedWith(file: string, pred: (s: ResumeState) => boolean, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = await readResumeState(file).catch(() => null);
    if (s && pred(s)) return s;
    if (Date.now() > end) throw new Error(`the state file never became right: ${JSON.stringify(s)}`);
    await wait(20);
  }
}

/** The state file once it holds a token other than `token`. */
function savedOtherThan(file: string, token: string) {
  return savedWith(file, (s) => s.resumeToken !== token);
}

function client(
  platform: FakePlatform | null,
  system = LINUX,
  stateFile = path.join(tmp, `state-${clients.length}`, 'resume.json'),
) {
  const events: HelperEvent[] = [];
  const notices: SessionNotice[] = [];
  const c = new SessionClient({
    version: '0.1.0',
    system,
    platform: async () => platform ?? fakePlatform(),
    stateFile,
    log: () => undefined,
    reconnect: { firstDelayMs: 20, maxDelayMs: 100 },
    encoder: { fullCompareMs: 0, cursor: false },
  });
  c.onEvent((e) => events.push(e));
  c.onNotice((n) => notices.push(n));
  clients.push(c);
  return { c, events, notices, stateFile };
}

async function sharedSession() {
  const customer = await screenRequested(server, agent, slug);
  open.push(customer.client);
  return customer;
}

describe('SessionClient against the real server', () => {
  it('on an unsupported system says hello with supported:false and ends with a clear os_not_supported', async () => {
    const customer = await sharedSession();
    const from = agent.client.received.length;
    const { c } = client(null, { platform: 'freebsd', release: '14.0-RELEASE', arch: 'x64', env: {} });
    const err = await c.join({ server: server.url, joinCode: customer.joinCode }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('os_not_supported');
    expect((err as ProtocolError).message).toMatch(/FreeBSD 14\.0-RELEASE is not supported yet/);
    expect(c.state).toBe('ended');
    // The server told the agent and the page the same thing.
    const status = await seen(
      agent.client,
      (m) => m.type === 'helper.status' && m.error === 'os_not_supported',
      'status',
      from,
    );
    expect(String(status.os)).toMatch(/FreeBSD/);
    await seen(customer.client, (m) => m.type === 'screen.status' && m.error === 'os_not_supported', 'page');
  });

  it('a wrong join code is refused with its code, and the helper ends', async () => {
    const { c } = client(fakePlatform());
    const err = await c.join({ server: server.url, joinCode: '000000001' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'join_code_invalid' });
    expect(c.state).toBe('ended');
    await expect(c.consent(ALL_GRANTS)).rejects.toMatchObject({ code: 'illegal_transition' });
  });

  it('asks consent naming the agent; each grant and revoke reaches the agent and the page; stop ends sharing', async () => {
    const customer = await sharedSession();
    const platform = fakePlatform();
    const { c, events } = client(platform);
    await expect(c.consent(ALL_GRANTS)).rejects.toMatchObject({ code: 'illegal_transition' });
    expect(await c.join({ server: server.url, joinCode: customer.joinCode })).toEqual({
      state: 'waiting_consent',
    });
    const v = await connectViewer(server, agent.token, customer.sessionId);
    open.push(v.client);
    await until(() => events.some((e) => e.type === 'host.consent_needed'), 'consent_needed');
    expect(events.find((e) => e.type === 'host.consent_needed')).toEqual({
      type: 'host.consent_needed',
      agentName: 'Robin Agent',
      requested: ALL_GRANTS,
    });
    // Nothing was opened before consent.
    expect(platform.opened).toEqual([]);
    const from = agent.client.received.length;
    await c.consent({ ...ALL_GRANTS, control: false, reboot: false });
    expect(c.state).toBe('sharing');
    await seen(
      agent.client,
      (m) => m.type === 'helper.status' && (m.grants as { view: boolean }).view,
      'grant',
      from,
    );
    await seen(v.client as TestWsClient, (m) => m.type === 'helper.consent', 'viewer hears it');
    await seen(customer.client, (m) => m.type === 'screen.status' && m.state === 'consented', 'page');
    await c.consent({ view: false, control: false, clipboard: false, files: false, reboot: false });
    expect(c.state).toBe('paused');
    expect(c.currentState()).toBe('paused');
    expect(events.at(-1)).toMatchObject({ type: 'host.status', state: 'paused' });
    await seen(customer.client, (m) => m.type === 'screen.status' && m.state === 'paused', 'paused');
    await c.consent({ ...ALL_GRANTS, reboot: false });
    await c.stop();
    expect(c.state).toBe('ended');
    expect(c.consentGate!.sharing).toBe(false);
    await until(() => server.services.workflow.screen.stateOf(customer.sessionId) === 'none', 'screen none');
    expect(events.at(-1)).toMatchObject({ type: 'host.status', state: 'ended' });
  });

  it('comes back with its resume token after its socket is dropped, keeping the consent given', async () => {
    const customer = await sharedSession();
    const { c, notices } = client(fakePlatform());
    c.onEvent((e) => {
      if (e.type === 'host.consent_needed') void c.consent({ ...ALL_GRANTS, reboot: false });
    });
    await c.join({ server: server.url, joinCode: customer.joinCode });
    const v = await connectViewer(server, agent.token, customer.sessionId);
    open.push(v.client);
    await until(() => c.state === 'sharing', 'sharing');
    const from = v.client.received.length;
    c.dropLinkForTest();
    await seen(v.client, (m) => m.type === 'helper.left' && m.reconnecting === true, 'left', from);
    await seen(v.client, (m) => m.type === 'helper.joined', 'joined', from);
    await seen(
      v.client,
      (m) => m.type === 'helper.consent' && (m.grants as { view: boolean }).view,
      'consent again',
      from,
    );
    await until(() => c.state === 'sharing', 'sharing again');
    expect(notices.some((n) => n.type === 'reconnecting')).toBe(true);
  });

  it('reboot: refused without the grant; with it, saves the token (0600) and reboots; a new helper resumes', async () => {
    const customer = await sharedSession();
    const platform = fakePlatform();
    const { c, notices, stateFile } = client(platform);
    let grants = { ...ALL_GRANTS, reboot: false };
    c.onEvent((e) => {
      if (e.type === 'host.consent_needed') void c.consent(grants);
    });
    await c.join({ server: server.url, joinCode: customer.joinCode });
    const viewer = await NodeViewer.connect(server.wsUrl, server.url, agent.token, customer.sessionId);
    open.push(viewer);
    await viewer.until(() => viewer.sas !== null && c.state === 'sharing', 5000, 'keys and consent');
    // Without the grant the relay drops the request (the helper would refuse it too).
    await viewer.sendJson(DataChannel.session, { type: 'session.reboot' });
    await viewer.until(
      () => viewer.messages.some((m) => m.type === 'error' && m.code === 'consent_required'),
      5000,
      'refusal',
    );
    expect(platform.reboots).toBe(0);
    grants = ALL_GRANTS;
    await c.consent(ALL_GRANTS);
    await viewer.sendJson(DataChannel.session, { type: 'session.reboot' });
    await until(() => platform.reboots === 1, 'the reboot');
    expect(notices.some((n) => n.type === 'rebooting')).toBe(true);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    const saved = await readResumeState(stateFile);
    expect(saved).toMatchObject({ server: server.url, sessionId: customer.sessionId });
    // The machine goes down: the socket drops, and this helper does not reconnect (its token stays good).
    const from = viewer.messages.length;
    c.dropLinkForTest();
    await viewer.waitMessage((m) => m.type === 'helper.left' && m.reconnecting === true, from);
    await wait(200);
    expect(server.services.workflow.screen.stateOf(customer.sessionId)).toBe('reconnecting');
    await c.close(); // the system's SIGTERM during shutdown: no helper.stop
    expect(server.services.workflow.screen.stateOf(customer.sessionId)).toBe('reconnecting');
    expect((await readResumeState(stateFile)).resumeToken).toBe(saved.resumeToken);
    // The consent given travels with the token.
    expect(saved.consent).toEqual({ grants: ALL_GRANTS, agents: ['Robin Agent'] });
    // After the restart: a new helper with the saved token and consent.
    const after = client(fakePlatform(), LINUX, stateFile);
    await after.c.resume({ server: saved.server, resumeToken: saved.resumeToken, consent: saved.consent! });
    await viewer.waitMessage((m) => m.type === 'helper.joined', from);
    // The customer answered before: nothing is asked again, the server hears the consent at once.
    await until(() => after.c.state === 'sharing', 'sharing again');
    await viewer.waitMessage(
      (m) => m.type === 'helper.consent' && (m.grants as { reboot: boolean }).reboot === true,
      from,
    );
    expect(after.events.some((e) => e.type === 'host.consent_needed')).toBe(false);
    expect(after.notices).toContainEqual({
      type: 'consent.restored',
      grants: ALL_GRANTS,
      agentNames: ['Robin Agent'],
    });
    await viewer.until(() => viewer.sas !== null, 5000, 'keys with the new helper');
    // The new helper saved its own (new) token, with the same consent.
    const now = await savedOtherThan(stateFile, saved.resumeToken);
    expect(now.consent).toEqual(saved.consent);
  });

  it('is saved at consent: a helper killed mid-session comes back without asking again; the old one ending late deletes nothing', async () => {
    const customer = await sharedSession();
    const { c, stateFile } = client(fakePlatform());
    c.onEvent((e) => {
      if (e.type === 'host.consent_needed') void c.consent({ ...ALL_GRANTS, reboot: false });
    });
    await c.join({ server: server.url, joinCode: customer.joinCode });
    const v = await connectViewer(server, agent.token, customer.sessionId);
    open.push(v.client);
    await until(() => c.state === 'sharing', 'sharing');
    const saved = await savedWith(stateFile, (s) => s.consent !== undefined);
    expect(saved).toMatchObject({
      sessionId: customer.sessionId,
      consent: { grants: { ...ALL_GRANTS, reboot: false }, agents: ['Robin Agent'] },
    });
    // kill -9: the socket drops and this process does nothing more (here: it is still there,
    // retrying, which is worse: it must not spoil what the new one does).
    const from = v.client.received.length;
    const fresh = client(fakePlatform(), LINUX, stateFile);
    await fresh.c.resume({ server: saved.server, resumeToken: saved.resumeToken, consent: saved.consent! });
    await until(() => fresh.c.state === 'sharing', 'the new helper sharing');
    expect(fresh.events.some((e) => e.type === 'host.consent_needed')).toBe(false);
    await seen(v.client, (m) => m.type === 'helper.joined', 'joined', from);
    // The old helper was replaced: it is refused if it comes back, and ends.
    await until(() => c.state === 'ended', 'the old helper ended', 10_000);
    // Whatever the order of their writes and deletes, the state is the new helper's.
    await savedOtherThan(stateFile, saved.resumeToken);
    await wait(200);
    expect((await readResumeState(stateFile)).resumeToken).toBe(
      (await savedOtherThan(stateFile, saved.resumeToken)).resumeToken,
    );
    expect(fresh.c.state).toBe('sharing');
  });

  it('a restarted helper whose customer never answered asks for consent', async () => {
    const customer = await sharedSession();
    const { c, stateFile } = client(fakePlatform());
    await c.join({ server: server.url, joinCode: customer.joinCode });
    const saved = await savedWith(stateFile, () => true);
    expect(saved.consent).toBeUndefined();
    c.dropLinkForTest();
    await c.close();
    const v = await connectViewer(server, agent.token, customer.sessionId);
    open.push(v.client);
    const fresh = client(fakePlatform(), LINUX, stateFile);
    await fresh.c.resume({ server: saved.server, resumeToken: saved.resumeToken });
    await until(() => fresh.events.some((e) => e.type === 'host.consent_needed'), 'consent asked');
  });

  it('host.status carries each secured viewer’s security code, equal to the viewer’s own, and says paused', async () => {
    const customer = await sharedSession();
    const { c, events } = client(fakePlatform());
    c.onEvent((e) => {
      if (e.type === 'host.consent_needed') void c.consent({ ...ALL_GRANTS, reboot: false });
    });
    await c.join({ server: server.url, joinCode: customer.joinCode });
    const lastStatus = () => events.filter((e) => e.type === 'host.status').at(-1);
    // Two viewer windows of the same agent: two handshakes, two codes, both listed.
    const first = await NodeViewer.connect(server.wsUrl, server.url, agent.token, customer.sessionId);
    open.push(first);
    await first.until(() => first.sas !== null && c.state === 'sharing', 5000, 'first viewer secured');
    await until(() => (lastStatus()?.viewers ?? []).length === 1, 'one code in host.status');
    expect(lastStatus()).toMatchObject({
      state: 'sharing',
      agentNames: ['Robin Agent'],
      viewers: [{ agentName: 'Robin Agent', sas: first.sas }],
    });
    const second = await NodeViewer.connect(server.wsUrl, server.url, agent.token, customer.sessionId);
    open.push(second);
    await second.until(() => second.sas !== null, 5000, 'second viewer secured');
    await until(() => (lastStatus()?.viewers ?? []).length === 2, 'two codes in host.status');
    const codes = (lastStatus()?.viewers ?? []).map((v) => v.sas).sort();
    expect(codes).toEqual([first.sas!, second.sas!].sort());
    // Every status is what the native channel accepts (the extension validates it).
    for (const e of events) expect(HostToExtension.safeParse(e).success).toBe(true);

    // The agent pauses the picture: the helper reports paused (not waiting_consent), then sharing.
    await first.sendControl({ type: 'stream.pause' });
    await until(() => lastStatus()?.state === 'paused', 'paused by the agent');
    expect(lastStatus()?.viewers).toHaveLength(2);
    await first.sendControl({ type: 'stream.resume' });
    await until(() => lastStatus()?.state === 'sharing', 'sharing again');

    // A viewer that closes leaves the list.
    second.close();
    await until(() => (lastStatus()?.viewers ?? []).length === 1, 'one code again');
    expect(lastStatus()?.viewers).toEqual([{ agentName: 'Robin Agent', sas: first.sas }]);
  });

  it('a resume token that is no longer valid ends with resume_expired', async () => {
    const { c } = client(fakePlatform());
    const err = await c
      .resume({ server: server.url, resumeToken: 'not-a-live-token' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'resume_expired' });
    expect(c.state).toBe('ended');
  });
});
