/**
 * Input from viewers goes to the desktop only through the consent gate, only while `control` is
 * granted, in arrival order. Fake platform (recording InputSink): the real XTEST sink is tested
 * in test/e2e/host/platform and test/e2e/helper.
 */
import { describe, expect, it } from 'vitest';
import { NO_GRANTS } from '../../../protocol/common';
import { ProtocolError } from '../../../protocol/errors';
import { InputEvent } from '../../../protocol/data/input';
import { ConsentGate } from '../../../host/consent/consent-gate';
import { InputDispatcher } from '../../../host/session/input-dispatcher';
import { fakePlatform } from './fake-platform';

const ALL = { view: true, control: true, clipboard: true, files: true, reboot: true };

function setup() {
  const platform = fakePlatform();
  const gate = new ConsentGate(platform);
  const rejected: string[] = [];
  const input = new InputDispatcher(gate, { onRejected: (code) => rejected.push(code) });
  return { platform, gate, input, rejected };
}

describe('InputDispatcher', () => {
  it('refuses every event without control and never opens the input sink', async () => {
    const { platform, gate, input, rejected } = setup();
    await gate.set({ ...ALL, control: false });
    for (const e of [
      { type: 'key', code: 'KeyA', down: true },
      { type: 'text', text: 'é' },
      { type: 'pointer.move', x: 1, y: 2 },
      { type: 'release.all' },
    ]) {
      expect(await input.dispatch(InputEvent.parse(e)).then((r) => r.outcome)).toBe('refused');
    }
    expect(platform.opened).not.toContain('input');
    expect(platform.sink.calls).toEqual([]);
    expect(rejected).toEqual([
      'consent_required',
      'consent_required',
      'consent_required',
      'consent_required',
    ]);
  });

  it('applies keys by code, text by character, pointer, buttons, wheel, combos and release.all in order', async () => {
    const { platform, gate, input } = setup();
    await gate.set(ALL);
    const events: InputEvent[] = [
      { type: 'pointer.move', x: 10, y: 20 },
      { type: 'key', code: 'ArrowLeft', down: true },
      { type: 'key', code: 'ArrowLeft', down: false },
      { type: 'text', text: 'é ü €' },
      { type: 'pointer.button', button: 'left', down: true, x: 11, y: 21 },
      { type: 'pointer.wheel', dx: 0, dy: 3, x: 12, y: 22 },
      { type: 'keys.combo', combo: 'ctrl-alt-del' },
      { type: 'release.all' },
    ];
    const outcomes = await Promise.all(events.map((e) => input.dispatch(e).then((r) => r.outcome)));
    expect(outcomes.every((o) => o === 'applied')).toBe(true);
    expect(platform.sink.calls).toEqual([
      'move 10,20',
      'key ArrowLeft down',
      'key ArrowLeft up',
      'type é ü €',
      'move 11,21',
      'button left down',
      'move 12,22',
      'wheel 0,3',
      'key ControlLeft down',
      'key AltLeft down',
      'key Delete down',
      'key Delete up',
      'key AltLeft up',
      'key ControlLeft up',
      'releaseAll',
    ]);
  });

  it('a revoke stops every event still queued, releases what is held, and refuses the next at once', async () => {
    const { platform, gate, input } = setup();
    await gate.set(ALL);
    platform.sink.delayMs = 20;
    const queued = Array.from({ length: 20 }, (_, i) =>
      input.dispatch({ type: 'text', text: `t${i}` }).then((r) => r.outcome),
    );
    await new Promise((r) => setTimeout(r, 50));
    const revokedAt = performance.now();
    await gate.set({ ...ALL, control: false });
    const outcomes = await Promise.all(queued);
    // Whatever was running finishes; nothing after the revoke is applied.
    const applied = outcomes.filter((o) => o === 'applied').length;
    expect(applied).toBeLessThan(5);
    expect(outcomes.slice(applied).every((o) => o === 'refused')).toBe(true);
    expect(platform.sink.calls.filter((c) => c.startsWith('type'))).toHaveLength(applied);
    expect(platform.sink.calls).toContain('releaseAll');
    expect(performance.now() - revokedAt).toBeLessThan(500);
    expect(await input.dispatch({ type: 'text', text: 'late' }).then((r) => r.outcome)).toBe('refused');
    expect(input.stats()).toMatchObject({ applied });
  });

  it('says why with a stable code: input unavailable on this system is not a revoke', async () => {
    const { platform, gate, input } = setup();
    await gate.set({ ...NO_GRANTS, control: true });
    platform.sink.type = () => Promise.reject(new ProtocolError('input_unavailable', 'no XTEST'));
    expect(await input.dispatch({ type: 'text', text: 'x' })).toMatchObject({
      outcome: 'failed',
      code: 'input_unavailable',
    });
    platform.sink.type = () => Promise.reject(new Error('boom'));
    expect(await input.dispatch({ type: 'text', text: 'x' })).toMatchObject({
      outcome: 'failed',
      code: 'internal_error',
    });
  });

  it('reports an event the platform cannot apply as failed, with its code, and goes on with the next', async () => {
    const { platform, gate, input, rejected } = setup();
    await gate.set({ ...NO_GRANTS, control: true });
    platform.sink.key = () => Promise.reject(new ProtocolError('bad_request', 'unknown key code'));
    expect(await input.dispatch({ type: 'key', code: 'NoSuchKey', down: true }).then((r) => r.outcome)).toBe(
      'failed',
    );
    expect(rejected).toEqual(['bad_request']);
    expect(await input.dispatch({ type: 'text', text: 'ok' }).then((r) => r.outcome)).toBe('applied');
    expect(platform.sink.calls).toEqual(['type ok']);
  });
});
