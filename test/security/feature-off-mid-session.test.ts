/**
 * Finding: a manager switching off an agent's control or file transfer did not stop a viewer
 * already open: the relay judged its frames by the features read at its hello, so input and
 * file frames kept reaching the customer's helper until the agent reopened the viewer. Guarded
 * by server/presence/live-features.ts (the management API's change reaches every open viewer of
 * the agent at once: the relay's copy is replaced and the viewer is told with viewer.features;
 * without screen viewing the viewer is closed).
 *
 * A real server, the manager's real PATCH /api/v1/manage/users/:id, a viewer that keeps sending
 * input frames every 20 ms, and the helper's socket counting what arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../protocol/close-codes';
import { DataChannel, type DataChannelId, encodeFrame, parseFrame, PEER_HELPER } from '../../protocol/frame';
import { api } from '../server/http/api-client';
import { startTestServer, type TestServer } from '../support/test-server';
import type { TestWsClient } from '../support/ws-client';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  connectHelper,
  connectViewer,
  seen,
  seenType,
  screenRequested,
  signInAgent,
  unique,
} from '../support/workflow';

/** The promise: input stops within this long after the manager's change is saved, in ms. */
const STOP_WITHIN_MS = 1000;
const SEND_EVERY_MS = 20;

let server: TestServer;
let slug: string;
let managerToken: string;
beforeAll(async () => {
  server = await startTestServer();
  slug = unique('off').toLowerCase();
  await addPortal(server, slug);
  managerToken = (await signInAgent(server, { role: 'manager' })).token;
});
afterAll(() => server.stop());

/** Arrival times (ms, performance.now) of the helper's frames on `channel`. */
function watch(helper: TestWsClient, channel: number): number[] {
  const times: number[] = [];
  helper.ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    const f = parseFrame(data);
    if (f.ok && f.header.channel === channel) times.push(performance.now());
  });
  return times;
}

async function sharingWithViewer() {
  const agent = await addAgent(server, { portals: [slug] });
  const s = await screenRequested(server, agent, slug);
  const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
  helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
  await seen(agent.client, (m) => m.type === 'helper.status' && (m.grants as { files: boolean }).files);
  const viewer = await connectViewer(server, agent.token, s.sessionId);
  expect(viewer.first).toMatchObject({ type: 'viewer.welcome', features: { screenControl: true } });
  return { agent, customer: s.client, helper: helper.client, viewer: viewer.client };
}

/** The manager's change; returns when it was sent and when the API answered (ms, performance.now). */
async function patchFeatures(
  userId: string,
  features: Record<string, boolean>,
): Promise<{ sentAt: number; savedAt: number }> {
  const sentAt = performance.now();
  const r = await api(server, 'PATCH', `/api/v1/manage/users/${userId}`, { features }, managerToken);
  expect(r.status).toBe(200);
  return { sentAt, savedAt: performance.now() };
}

/** Sends a frame on `channel` every SEND_EVERY_MS until stopped. */
function keepSending(viewer: TestWsClient, channel: DataChannelId): () => void {
  const timer = setInterval(() => {
    if (viewer.ws.readyState === viewer.ws.OPEN)
      viewer.ws.send(encodeFrame({ channel, from: 2, to: PEER_HELPER }, new Uint8Array([1, 2, 3])));
  }, SEND_EVERY_MS);
  return () => clearInterval(timer);
}

describe('a feature switched off mid-session', () => {
  it('control: input stops reaching the helper within a second, and the viewer is told', async () => {
    const { agent, customer, helper, viewer } = await sharingWithViewer();
    const arrivals = watch(helper, DataChannel.input);
    const stop = keepSending(viewer, DataChannel.input);
    await new Promise((r) => setTimeout(r, 300));
    expect(arrivals.length, 'input flows before the change').toBeGreaterThan(0);

    const { sentAt, savedAt } = await patchFeatures(agent.user.id, { screenControl: false });
    expect(await seenType(viewer, 'viewer.features')).toMatchObject({ features: { screenControl: false } });
    await new Promise((r) => setTimeout(r, STOP_WITHIN_MS + 300));
    stop();
    const late = arrivals.filter((t) => t > savedAt + STOP_WITHIN_MS);
    console.log(
      `feature off: the API answered ${(savedAt - sentAt).toFixed(0)} ms after the PATCH was sent; ` +
        `the last input reached the helper ${(Math.max(...arrivals) - sentAt).toFixed(0)} ms after it was sent`,
    );
    expect(late).toEqual([]);
    expect(viewer.closeCode).toBeNull(); // still watching
    await closeAll(agent.client, customer, helper, viewer);
  });

  it('file transfer: file frames stop too', async () => {
    const { agent, customer, helper, viewer } = await sharingWithViewer();
    const arrivals = watch(helper, DataChannel.files);
    const stop = keepSending(viewer, DataChannel.files);
    await new Promise((r) => setTimeout(r, 200));
    expect(arrivals.length).toBeGreaterThan(0);
    const { savedAt } = await patchFeatures(agent.user.id, { fileTransfer: false });
    await new Promise((r) => setTimeout(r, STOP_WITHIN_MS + 300));
    stop();
    expect(arrivals.filter((t) => t > savedAt + STOP_WITHIN_MS)).toEqual([]);
    await closeAll(agent.client, customer, helper, viewer);
  });

  it('screen viewing: the viewer is closed with feature_disabled', async () => {
    const { agent, customer, helper, viewer } = await sharingWithViewer();
    await patchFeatures(agent.user.id, { screenView: false });
    expect(await seenType(viewer, 'error')).toMatchObject({ code: 'feature_disabled' });
    const deadline = Date.now() + STOP_WITHIN_MS;
    while (viewer.closeCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(viewer.closeCode).toBe(CLOSE.featureDisabled);
    await closeAll(agent.client, customer, helper, viewer);
  });
});
