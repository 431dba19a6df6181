import { describe, expect, it } from 'vitest';
import { CryptoError } from '../../../protocol/crypto/crypto-error';
import { SEALED_OVERHEAD_BYTES, SEALED_PLAINTEXT_MAX_BYTES } from '../../../protocol/crypto/e2e-session';
import { DATA_FRAME_MAX_BYTES } from '../../../protocol/limits';
import {
  DataChannel,
  FRAME_HEADER_BYTES,
  PEER_ALL_VIEWERS,
  PEER_HELPER,
  stampFrom,
} from '../../../protocol/frame';
import { agree } from './agree';

const VIEWER_PEER = 2;
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function rejection(p: Promise<unknown>): Promise<CryptoError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CryptoError);
  return err as CryptoError;
}

describe('sealed frames', () => {
  it('round-trips every channel, empty and maximal plaintexts, with the relay stamping `from`', async () => {
    const { helper, viewer } = await agree();
    for (const name of ['screen', 'cursor', 'clipboard', 'files', 'annotations', 'ack', 'control'] as const) {
      const frame = await helper.seal(DataChannel[name], VIEWER_PEER, bytes(name));
      stampFrom(frame, PEER_HELPER);
      const opened = await viewer.open(frame);
      expect(opened).toMatchObject({ channel: DataChannel[name], from: PEER_HELPER, to: VIEWER_PEER });
      expect(text(opened.plaintext)).toBe(name);
    }
    const empty = await viewer.seal(DataChannel.ack, PEER_HELPER, new Uint8Array(0));
    expect(empty.byteLength).toBe(SEALED_OVERHEAD_BYTES);
    expect((await helper.open(empty)).plaintext.byteLength).toBe(0);

    const big = new Uint8Array(SEALED_PLAINTEXT_MAX_BYTES).map((_, i) => i * 7);
    const bigFrame = await helper.seal(DataChannel.files, VIEWER_PEER, big);
    expect(bigFrame.byteLength).toBe(DATA_FRAME_MAX_BYTES);
    expect(Buffer.from((await viewer.open(bigFrame)).plaintext).equals(Buffer.from(big))).toBe(true);
  });

  it('does not leak the plaintext into the frame', async () => {
    const { helper } = await agree();
    const secret = bytes('the customer password is hunter2');
    const frame = await helper.seal(DataChannel.clipboard, VIEWER_PEER, secret);
    expect(Buffer.from(frame).includes(Buffer.from('hunter2'))).toBe(false);
  });

  it('refuses a plaintext that cannot fit in one frame and sealing on the handshake channel', async () => {
    const { helper } = await agree();
    const tooBig = new Uint8Array(SEALED_PLAINTEXT_MAX_BYTES + 1);
    expect((await rejection(helper.seal(DataChannel.files, VIEWER_PEER, tooBig))).code).toBe(
      'plaintext_too_large',
    );
    expect((await rejection(helper.seal(DataChannel.handshake, VIEWER_PEER, bytes('x')))).code).toBe(
      'frame_malformed',
    );
  });

  it('rejects a frame with any single byte changed (except `from`, which the relay owns)', async () => {
    const { helper, viewer } = await agree();
    const frame = await helper.seal(DataChannel.input, VIEWER_PEER, bytes('click at 10,20'));
    for (let i = 0; i < frame.byteLength; i++) {
      if (i === 2 || i === 3) continue; // `from`
      const tampered = frame.slice();
      tampered[i]! ^= 0x01;
      const err = await rejection(viewer.open(tampered));
      // Header bytes may already fail the header check; everything after it fails authentication.
      expect(['frame_rejected', 'frame_malformed'], `byte ${i}`).toContain(err.code);
      if (i >= FRAME_HEADER_BYTES) expect(err.code, `byte ${i}`).toBe('frame_rejected');
    }
    // Rejections do not move the counter, and rewriting `from` is allowed: the real frame opens.
    stampFrom(frame, PEER_HELPER);
    expect(text((await viewer.open(frame)).plaintext)).toBe('click at 10,20');
  });

  it('authenticates `to` and the channel: a relay cannot redirect or relabel a frame', async () => {
    const { helper, viewer } = await agree();
    const frame = await helper.seal(DataChannel.clipboard, VIEWER_PEER, bytes('copied text'));
    const redirected = frame.slice();
    new DataView(redirected.buffer).setUint16(4, PEER_ALL_VIEWERS);
    expect((await rejection(viewer.open(redirected))).code).toBe('frame_rejected');
    const relabelled = frame.slice();
    relabelled[1] = DataChannel.input;
    expect((await rejection(viewer.open(relabelled))).code).toBe('frame_rejected');
    expect(text((await viewer.open(frame)).plaintext)).toBe('copied text');
  });

  it('rejects a replayed frame and an older frame delivered late; accepts gaps', async () => {
    const { helper, viewer } = await agree();
    const f0 = await helper.seal(DataChannel.screen, VIEWER_PEER, bytes('0'));
    const f1 = await helper.seal(DataChannel.screen, VIEWER_PEER, bytes('1'));
    const f2 = await helper.seal(DataChannel.screen, VIEWER_PEER, bytes('2'));
    const f3 = await helper.seal(DataChannel.screen, VIEWER_PEER, bytes('3'));
    expect(text((await viewer.open(f0)).plaintext)).toBe('0');
    expect((await rejection(viewer.open(f0))).code).toBe('frame_replayed');
    expect(text((await viewer.open(f2)).plaintext)).toBe('2'); // f1 dropped by the relay: a gap is fine
    expect((await rejection(viewer.open(f1))).code).toBe('frame_replayed');
    expect((await rejection(viewer.open(f2))).code).toBe('frame_replayed');
    expect(text((await viewer.open(f3)).plaintext)).toBe('3');
  });

  it('a replay delivered concurrently with the original is still caught once', async () => {
    const { helper, viewer } = await agree();
    const frame = await helper.seal(DataChannel.input, VIEWER_PEER, bytes('type x'));
    const results = await Promise.allSettled([viewer.open(frame), viewer.open(frame.slice())]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('a forged frame with a huge counter does not block the real ones', async () => {
    const { helper, viewer } = await agree();
    const real = await helper.seal(DataChannel.screen, VIEWER_PEER, bytes('real'));
    const forged = real.slice();
    new DataView(forged.buffer).setUint32(FRAME_HEADER_BYTES + 4, 0x7fffffff);
    expect((await rejection(viewer.open(forged))).code).toBe('frame_rejected');
    expect(text((await viewer.open(real)).plaintext)).toBe('real');
  });

  it('keeps the directions apart: a frame cannot be reflected back to its sender', async () => {
    const { helper, viewer } = await agree();
    const frame = await helper.seal(DataChannel.control, VIEWER_PEER, bytes('pause'));
    expect((await rejection(helper.open(frame))).code).toBe('frame_rejected');
    expect(text((await viewer.open(frame)).plaintext)).toBe('pause');
  });

  it('concurrent seals leave in counter order and all open in that order', async () => {
    const { helper, viewer } = await agree();
    const frames = await Promise.all(
      Array.from({ length: 50 }, (_, i) => helper.seal(DataChannel.cursor, VIEWER_PEER, bytes(String(i)))),
    );
    for (let i = 0; i < frames.length; i++) {
      expect(text((await viewer.open(frames[i]!)).plaintext)).toBe(String(i));
    }
  });

  it('refuses short, oversized, handshake-channel and bad-header frames as malformed', async () => {
    const { helper, viewer } = await agree();
    const good = await helper.seal(DataChannel.screen, VIEWER_PEER, bytes('ok'));
    const onHandshake = good.slice();
    onHandshake[1] = DataChannel.handshake;
    const badVersion = good.slice();
    badVersion[0] = 99;
    const badChannel = good.slice();
    badChannel[1] = 200;
    const noPeer = good.slice();
    new DataView(noPeer.buffer).setUint16(4, 0);
    for (const frame of [
      good.subarray(0, SEALED_OVERHEAD_BYTES - 1),
      new Uint8Array(DATA_FRAME_MAX_BYTES + 1),
      onHandshake,
      badVersion,
      badChannel,
      noPeer,
    ]) {
      expect((await rejection(viewer.open(frame))).code).toBe('frame_malformed');
    }
    expect(text((await viewer.open(good)).plaintext)).toBe('ok');
  });
});
