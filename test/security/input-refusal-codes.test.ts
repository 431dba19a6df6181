/**
 * Finding: refusals on the input path lost their code. The input dispatcher collapsed errors,
 * the helper's viewer peer reported every refusal as `consent_required` (backpressure
 * included) and never reported a failure (no XTEST), and the viewer showed "control revoked"
 * for anything but pointer_in_use: an agent whose input was dropped for backpressure was told
 * the customer had taken control back. Guarded by host/session/input-dispatcher.ts (a stable
 * InputRefusalCode per reason), host/session/viewer-peer.ts (passes it on unchanged) and
 * ui/viewer/input-refusal-notice.ts (its own words for each, in English and French).
 *
 * Real helper modules (consent gate, input dispatcher, viewer peer, e2e keys) over the fake
 * platform of the unit tests; the viewer side reads the sealed refusals with its own keys.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeJsonPayload } from '../../protocol/data/json-payload';
import { parseAnyControlToViewer } from '../../protocol/data/session-control';
import { DataChannel, PEER_HELPER } from '../../protocol/frame';
import { ProtocolError } from '../../protocol/errors';
import { INPUT_QUEUE_MAX } from '../../host/session/input-dispatcher';
import { inputRefusalNotice } from '../../ui/viewer/input-refusal-notice';
import { catalogKey } from '../../ui/viewer/viewer-text';
import { fakePlatform } from '../host/session/fake-platform';
import { ALL, setup, until, type TestViewer } from '../host/session/viewer-peer-harness';

/** The input refusals this viewer received, by code. */
async function refusals(v: TestViewer): Promise<string[]> {
  const codes: string[] = [];
  for (const f of v.frames) {
    const opened = await v.session!.open(f).catch(() => null);
    if (opened?.channel !== DataChannel.control) continue;
    const m = parseAnyControlToViewer(opened.plaintext);
    if (m.ok && m.value.type === 'session.refused' && m.value.request === 'input') codes.push(m.value.code);
  }
  return codes;
}

async function sendInput(v: TestViewer, event: Record<string, unknown>): Promise<void> {
  const frame = await v.session!.seal(
    DataChannel.input,
    PEER_HELPER,
    encodeJsonPayload(event as { type: string }),
  );
  void v.peer.onSealed(frame);
}

describe('input refusals reach the agent with their real reason', () => {
  it('backpressure is backpressure, not a revoke', async () => {
    const platform = fakePlatform();
    platform.sink.delayMs = 50;
    const { addViewer } = await setup(ALL, platform);
    const v = await addViewer(2);
    // More events than the helper queues, all at once: the rest are refused for backpressure.
    const frames = await Promise.all(
      Array.from({ length: INPUT_QUEUE_MAX + 100 }, () =>
        v.session!.seal(DataChannel.input, PEER_HELPER, encodeJsonPayload({ type: 'text', text: 'x' })),
      ),
    );
    for (const f of frames) void v.peer.onSealed(f);
    await until(() => v.frames.length > 0, 'a refusal', 10_000);
    const codes = await refusals(v);
    expect(codes).toContain('backpressure');
    expect(codes).not.toContain('consent_required');
  }, 30_000);

  it('input unavailable on the system is said, not hidden', async () => {
    const platform = fakePlatform();
    platform.input = () => Promise.reject(new ProtocolError('input_unavailable', 'no XTEST'));
    const { addViewer } = await setup(ALL, platform);
    const v = await addViewer(2);
    await sendInput(v, { type: 'key', code: 'KeyA', down: true });
    await until(() => v.frames.length > 0, 'a refusal');
    expect(await refusals(v)).toEqual(['input_unavailable']);
  });

  it('Windows refusing input for an administrator prompt is said in words, not as a failure', async () => {
    const platform = fakePlatform();
    platform.input = () =>
      Promise.reject(new ProtocolError('input_blocked_secure_desktop', 'an administrator prompt is showing'));
    const { addViewer } = await setup(ALL, platform);
    const v = await addViewer(2);
    await sendInput(v, { type: 'key', code: 'KeyA', down: true });
    await until(() => v.frames.length > 0, 'a refusal');
    expect(await refusals(v)).toEqual(['input_blocked_secure_desktop']);
  });

  it('control taken back is consent_required', async () => {
    const { addViewer, gate } = await setup();
    const v = await addViewer(2);
    await gate.set({ ...ALL, control: false });
    await sendInput(v, { type: 'key', code: 'KeyA', down: true });
    await until(() => v.frames.length > 0, 'a refusal');
    expect(await refusals(v)).toEqual(['consent_required']);
  });

  it('the viewer has its own words for each reason, in English and French', () => {
    const codes = [
      'backpressure',
      'pointer_in_use',
      'consent_required',
      'input_unavailable',
      'input_blocked_elevated',
      'input_blocked_secure_desktop',
      'bad_request',
    ];
    const keys = codes.map((c) => inputRefusalNotice(c).key);
    expect(new Set(keys).size).toBe(codes.length);
    for (const lang of ['en', 'fr']) {
      const catalog = JSON.parse(
        readFileSync(
          join(import.meta.dirname, `../../extension/public/_locales/${lang}/messages.json`),
          'utf8',
        ),
      ) as Record<string, { message: string }>;
      const texts = keys.map((k) => catalog[catalogKey(`notice_${k}`)]?.message ?? '');
      expect(texts.every((t) => t.length > 0)).toBe(true);
      expect(new Set(texts).size).toBe(codes.length);
    }
  });
});
