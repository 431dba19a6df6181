/**
 * One ViewerPeer per viewer: its own handshake, keys and encoder. Two viewers agree keys with the
 * helper over an in-test "relay" (frames passed by hand, `from` stamped as the server would); each
 * gets the screen sealed with its own keys, so one viewer cannot open the other's frames; a frame
 * with a flipped bit is rejected and never applied; nothing is captured without `view`.
 * Fake platform (synthetic desktop, recording input): the real pipeline is test/e2e/helper/.
 */
import { describe, expect, it } from 'vitest';
import { NO_GRANTS } from '../../../protocol/common';
import { encodeJsonPayload } from '../../../protocol/data/json-payload';
import { parseAnyControlToViewer } from '../../../protocol/data/session-control';
import { startHandshake } from '../../../protocol/crypto/handshake';
import { DataChannel, type DataChannelId, parseFrame, PEER_HELPER } from '../../../protocol/frame';
import { ALL, setup, until, wait, type TestViewer } from './viewer-peer-harness';

describe('ViewerPeer', () => {
  it('agrees separate keys with each viewer; both sides compute the same SAS', async () => {
    const { addViewer } = await setup();
    const a = await addViewer(2);
    const b = await addViewer(3);
    expect(a.peer.sas).toBe(a.session!.sas);
    expect(b.peer.sas).toBe(b.session!.sas);
    expect(a.session!.sas).toMatch(/^\d{3} \d{3}$/);
  });

  it("streams to each viewer sealed with that viewer's keys only", async () => {
    const { addViewer } = await setup();
    const a = await addViewer(2);
    const b = await addViewer(3);
    a.peer.setView(true);
    b.peer.setView(true);
    const hasScreen = (v: TestViewer) => v.frames.some((f) => f[1] === DataChannel.screen);
    await until(() => hasScreen(a) && hasScreen(b), 'screen frames');
    const forA = a.frames.find((f) => f[1] === DataChannel.screen)!;
    expect(parseFrame(forA)).toMatchObject({ ok: true, header: { to: 2 } });
    expect((await a.session!.open(forA)).plaintext.byteLength).toBeGreaterThan(0);
    await expect(b.session!.open(forA)).rejects.toMatchObject({ code: 'frame_rejected' });
    // Each viewer's stream is its own: both start with a RESET (kind 1) of their own.
    const firstB = b.frames.find((f) => f[1] === DataChannel.screen)!;
    expect((await b.session!.open(firstB)).plaintext[0]).toBe(1);
  });

  it('captures nothing without view, even when asked to stream', async () => {
    const { addViewer, platform } = await setup({ ...ALL, view: false });
    const a = await addViewer(2);
    a.peer.setView(true);
    await wait(100);
    expect(a.frames.filter((f) => f[1] === DataChannel.screen)).toEqual([]);
    expect(platform.opened).not.toContain('screen');
    expect(platform.source.captures).toBe(0);
  });

  it('rejects a frame with one flipped bit and never applies it; applies the intact one', async () => {
    const { addViewer, platform } = await setup();
    const a = await addViewer(2);
    const frame = await a.session!.seal(
      DataChannel.input,
      PEER_HELPER,
      encodeJsonPayload({ type: 'text', text: 'x' }),
    );
    const flipped = frame.slice();
    flipped[flipped.byteLength - 1]! ^= 0x80;
    await a.peer.onSealed(flipped);
    expect(a.peer.stats().framesRejected).toBe(1);
    expect(platform.sink.calls).toEqual([]);
    await a.peer.onSealed(frame);
    await until(() => platform.sink.calls.length === 1, 'the input');
    expect(platform.sink.calls).toEqual(['type x']);
    // A replay of the same frame is refused too.
    await a.peer.onSealed(frame);
    expect(a.peer.stats().framesRejected).toBe(2);
  });

  it('answers ping with pong, passes pause/resume and reboot up, and refuses input without control', async () => {
    const { addViewer, logs, gate, platform } = await setup();
    const a = await addViewer(2);
    const send = async (channel: number, value: { type: string; [key: string]: unknown }) =>
      a.peer.onSealed(await a.session!.seal(channel as DataChannelId, PEER_HELPER, encodeJsonPayload(value)));
    await send(DataChannel.control, { type: 'ping', id: 5 });
    await send(DataChannel.control, { type: 'stream.pause' });
    // A reboot request on the control channel is not one: the relay holds only the session
    // channel to the agent's reboot feature, so the helper acts on that channel alone.
    await send(DataChannel.control, { type: 'session.reboot' });
    expect(logs).not.toContain('reboot');
    await send(DataChannel.session, { type: 'session.reboot' });
    expect(logs).toEqual(expect.arrayContaining(['pause true', 'reboot']));
    expect(logs.filter((l) => l === 'reboot')).toHaveLength(1);
    await gate.set({ ...NO_GRANTS, view: true });
    await send(DataChannel.input, { type: 'text', text: 'no' });
    await until(() => a.frames.length >= 2, 'pong and the refusal');
    const controls = [];
    for (const f of a.frames) {
      const opened = await a.session!.open(f);
      if (opened.channel === DataChannel.control) {
        const m = parseAnyControlToViewer(opened.plaintext);
        if (m.ok) controls.push(m.value);
      }
    }
    expect(controls).toEqual(
      expect.arrayContaining([
        { type: 'pong', id: 5 },
        expect.objectContaining({ type: 'session.refused', request: 'input', code: 'consent_required' }),
      ]),
    );
    expect(platform.sink.calls).toEqual([]);
  });

  it("holds annotations only while view is granted, and drops a viewer's drawings when it leaves", async () => {
    const { addViewer, annotations } = await setup();
    const a = await addViewer(2);
    const shape = {
      type: 'shape.add',
      id: 1,
      shape: { kind: 'arrow', from: [1, 2], to: [30, 40], color: '#ff0000', width: 3 },
    };
    await a.peer.onSealed(
      await a.session!.seal(DataChannel.annotations, PEER_HELPER, encodeJsonPayload(shape)),
    );
    expect(annotations.snapshot().shapes).toHaveLength(1);
    await a.peer.close();
    expect(annotations.snapshot().shapes).toHaveLength(0);
  });

  it('starts over when the viewer sends a new commitment (new keys, new SAS)', async () => {
    const { addViewer } = await setup();
    const a = await addViewer(2);
    const first = a.session!;
    a.hs = await startHandshake('viewer');
    a.session = null;
    a.peer.onHandshake(a.hs.firstMessage!);
    await until(() => a.session !== null && a.peer.state === 'ready', 'new keys');
    expect(a.session).not.toBe(first);
    expect(a.peer.sas).toBe(a.session!.sas);
    // Frames sealed with the old keys are no longer accepted.
    const old = await first.seal(
      DataChannel.input,
      PEER_HELPER,
      encodeJsonPayload({ type: 'text', text: 'x' }),
    );
    const before = a.peer.stats().framesRejected;
    await a.peer.onSealed(old);
    expect(a.peer.stats().framesRejected).toBe(before + 1);
  });
});
