/**
 * ViewerPeers over an in-test "relay": each test viewer runs the real e2e handshake with its
 * peer (frames passed by hand, `from` stamped as the server would) and keeps the frames the
 * helper sent it, so tests can open them with the viewer's keys. Fake platform (synthetic
 * desktop, recording input). Used by viewer-peer.test.ts and test/security/.
 */
import { afterEach } from 'vitest';
import type { E2eSession } from '../../../protocol/crypto/e2e-session';
import { startHandshake, type Handshake } from '../../../protocol/crypto/handshake';
import { DataChannel, parseFrame, PEER_HELPER, stampFrom } from '../../../protocol/frame';
import { ConsentGate } from '../../../host/consent/consent-gate';
import { HeldAnnotations } from '../../../host/session/annotation-surface';
import { InputDispatcher } from '../../../host/session/input-dispatcher';
import { ScreenSourceView } from '../../../host/session/shared-screen-source';
import { ViewerPeer } from '../../../host/session/viewer-peer';
import { fakePlatform, type FakePlatform } from './fake-platform';

export const ALL = { view: true, control: true, clipboard: true, files: true, reboot: true };

export interface TestViewer {
  peerId: number;
  hs: Handshake;
  session: E2eSession | null;
  /** Frames the helper sent to this viewer, as received. */
  frames: Uint8Array[];
  peer: ViewerPeer;
}

const peers: ViewerPeer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
});

export function wait(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until(pred: () => boolean, what: string, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(10);
  }
}

export async function setup(grants = ALL, platform: FakePlatform = fakePlatform()) {
  const gate = new ConsentGate(platform);
  await gate.set(grants);
  const input = new InputDispatcher(gate);
  const annotations = new HeldAnnotations();
  const viewers = new Map<number, TestViewer>();
  const logs: string[] = [];

  async function addViewer(peerId: number): Promise<TestViewer> {
    const v: TestViewer = {
      peerId,
      hs: await startHandshake('viewer'),
      session: null,
      frames: [],
      peer: null!,
    };
    v.peer = new ViewerPeer(peerId, `Agent ${peerId}`, {
      gate,
      input,
      clipboard: { last: null },
      annotations,
      encoder: { fullCompareMs: 0, cursor: false },
      viewOf: (shared) => new ScreenSourceView(shared),
      onReboot: () => logs.push('reboot'),
      onStreamPause: (_p, paused) => logs.push(`pause ${paused}`),
      onReady: () => logs.push(`ready ${peerId}`),
      log: (event) => logs.push(event),
      sendFrame: (frame) => {
        const copy = frame.slice();
        stampFrom(copy, PEER_HELPER);
        void deliver(v, copy);
      },
    });
    peers.push(v.peer);
    viewers.set(peerId, v);
    v.peer.onHandshake(v.hs.firstMessage!);
    await until(() => v.session !== null && v.peer.state === 'ready', `viewer ${peerId} keys`);
    return v;
  }

  async function deliver(v: TestViewer, frame: Uint8Array) {
    const parsed = parseFrame(frame);
    if (!parsed.ok) throw new Error(parsed.error);
    if (parsed.header.channel === DataChannel.handshake) {
      const step = await v.hs.receive(parsed.payload);
      if (step.send) v.peer.onHandshake(step.send);
      if (step.session) v.session = step.session;
      return;
    }
    v.frames.push(frame);
  }

  return { platform, gate, addViewer, logs, annotations };
}
