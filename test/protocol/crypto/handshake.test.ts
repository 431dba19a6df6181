import { describe, expect, it } from 'vitest';
import { startHandshake, type Handshake } from '../../../protocol/crypto/handshake';
import { CryptoError } from '../../../protocol/crypto/crypto-error';
import {
  COMMIT_MESSAGE_BYTES,
  HANDSHAKE_VERSION,
  KEY_MESSAGE_BYTES,
} from '../../../protocol/crypto/handshake-message';
import { DataChannel, PEER_HELPER } from '../../../protocol/frame';
import { agree } from './agree';

async function rejection(p: Promise<unknown>): Promise<CryptoError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CryptoError);
  return err as CryptoError;
}

describe('handshake', () => {
  it('agrees keys: both sides show the same six-digit SAS and can talk both ways', async () => {
    const { helper, viewer } = await agree();
    expect(helper.sas).toMatch(/^\d{3} \d{3}$/);
    expect(viewer.sas).toBe(helper.sas);
    const toViewer = await helper.seal(DataChannel.screen, 2, new TextEncoder().encode('pixels'));
    expect(new TextDecoder().decode((await viewer.open(toViewer)).plaintext)).toBe('pixels');
    const toHelper = await viewer.seal(DataChannel.input, PEER_HELPER, new TextEncoder().encode('key A'));
    expect(new TextDecoder().decode((await helper.open(toHelper)).plaintext)).toBe('key A');
  });

  it('sends the public messages with the documented sizes and version', async () => {
    const viewer = await startHandshake('viewer');
    const helper = await startHandshake('helper');
    expect(helper.firstMessage).toBeNull();
    expect(viewer.firstMessage!.byteLength).toBe(COMMIT_MESSAGE_BYTES);
    expect(viewer.firstMessage![0]).toBe(HANDSHAKE_VERSION);
    const step = await helper.receive(viewer.firstMessage!);
    expect(step.session).toBeNull();
    expect(step.send!.byteLength).toBe(KEY_MESSAGE_BYTES);
    expect(step.send![2]).toBe(0x04); // uncompressed P-256 point
  });

  it('gives each handshake fresh keys: two sessions never share a SAS-and-key pair', async () => {
    const a = await agree();
    const b = await agree();
    const frame = await a.helper.seal(DataChannel.screen, 2, new Uint8Array([1, 2, 3]));
    expect((await rejection(b.viewer.open(frame))).code).toBe('frame_rejected');
  });

  it('a relay that substitutes its own keys is exposed: the SASs differ and frames do not open', async () => {
    // The relay runs one handshake with the real viewer (posing as the helper) and one with the
    // real helper (posing as a viewer), forwarding nothing real.
    const helper = await startHandshake('helper');
    const viewer = await startHandshake('viewer');
    const fakeHelper = await startHandshake('helper');
    const fakeViewer = await startHandshake('viewer');

    const toViewer = await fakeHelper.receive(viewer.firstMessage!);
    const viewerDone = await viewer.receive(toViewer.send!);
    const relayWithViewer = (await fakeHelper.receive(viewerDone.send!)).session!;

    const toFakeViewer = await helper.receive(fakeViewer.firstMessage!);
    const fakeViewerDone = await fakeViewer.receive(toFakeViewer.send!);
    const helperDone = await helper.receive(fakeViewerDone.send!);

    expect(relayWithViewer.sas).toBe(viewerDone.session!.sas);
    expect(helperDone.session!.sas).not.toBe(viewerDone.session!.sas);
    const frame = await helperDone.session!.seal(DataChannel.screen, 2, new Uint8Array([9]));
    expect((await rejection(viewerDone.session!.open(frame))).code).toBe('frame_rejected');
  });

  it("refuses a viewer key that does not match the viewer's commitment", async () => {
    const helper = await startHandshake('helper');
    const viewer = await startHandshake('viewer');
    const intruder = await startHandshake('viewer');
    const hello = await helper.receive(viewer.firstMessage!);
    await viewer.receive(hello.send!);
    // The relay keeps the real commitment but reveals a key of its own.
    const intruderReveal = (await intruder.receive(hello.send!)).send!;
    const err = await rejection(helper.receive(intruderReveal));
    expect(err.code).toBe('handshake_commitment_mismatch');
    expect(helper.state()).toBe('failed');
  });

  it('refuses messages out of order, reflected, repeated, or after the end', async () => {
    const helper = await startHandshake('helper');
    const viewer = await startHandshake('viewer');
    // The viewer's own commitment reflected back to it.
    expect((await rejection(viewer.receive(viewer.firstMessage!))).code).toBe('handshake_unexpected');
    expect(viewer.state()).toBe('failed');

    const h2 = await startHandshake('helper');
    const v2 = await startHandshake('viewer');
    const hello = await h2.receive(v2.firstMessage!);
    // A second commitment where the viewer's key is expected.
    expect((await rejection(h2.receive(v2.firstMessage!))).code).toBe('handshake_unexpected');
    // A helper fed a helper key.
    expect((await rejection(helper.receive(hello.send!))).code).toBe('handshake_unexpected');

    const v3 = await startHandshake('viewer');
    const h3 = await startHandshake('helper');
    const hello3 = await h3.receive(v3.firstMessage!);
    const reveal3 = await v3.receive(hello3.send!);
    await h3.receive(reveal3.send!);
    expect(h3.state()).toBe('done');
    expect((await rejection(h3.receive(reveal3.send!))).code).toBe('handshake_unexpected');
  });

  it('refuses concurrent receive() calls instead of racing', async () => {
    const helper = await startHandshake('helper');
    const viewer = await startHandshake('viewer');
    const first = helper.receive(viewer.firstMessage!);
    expect((await rejection(helper.receive(viewer.firstMessage!))).code).toBe('handshake_unexpected');
    await first;
  });

  it('refuses malformed payloads and keys off the curve with stable codes', async () => {
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'handshake_malformed'],
      [new Uint8Array([HANDSHAKE_VERSION + 1, 1, ...new Uint8Array(32)]), 'handshake_malformed'],
      [new Uint8Array([HANDSHAKE_VERSION, 9, ...new Uint8Array(32)]), 'handshake_malformed'],
      [new Uint8Array([HANDSHAKE_VERSION, 1, ...new Uint8Array(31)]), 'handshake_malformed'],
    ];
    for (const [payload, code] of cases) {
      const helper = await startHandshake('helper');
      expect((await rejection(helper.receive(payload))).code).toBe(code);
    }
    // A well-formed helper key whose point is not on P-256.
    const viewer: Handshake = await startHandshake('viewer');
    const offCurve = new Uint8Array(KEY_MESSAGE_BYTES);
    offCurve.set([HANDSHAKE_VERSION, 2, 0x04]);
    offCurve.fill(7, 3);
    expect((await rejection(viewer.receive(offCurve))).code).toBe('handshake_bad_key');
  });
});
