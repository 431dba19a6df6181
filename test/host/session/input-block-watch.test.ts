/**
 * The agent learns that the customer's system would refuse their input (Windows: an administrator
 * window or a UAC prompt in front) before a click is lost: while control is granted, each new
 * reason is told once with the refusal's own code; nothing is read without control, and systems
 * where nothing can block input are not polled. The Windows reads themselves are unit-tested in
 * test/host/platform/windows (the facade) and read under Wine in the conformance suite.
 */
import { describe, expect, it } from 'vitest';
import { NO_GRANTS } from '../../../protocol/common';
import { ProtocolError } from '../../../protocol/errors';
import { ConsentGate } from '../../../host/consent/consent-gate';
import { InputBlockWatch } from '../../../host/session/input-block-watch';
import { fakePlatform } from './fake-platform';

const CONTROL = { ...NO_GRANTS, view: true, control: true };
/** Long enough that only the test's own check() calls read (the timer never fires in a test). */
const NEVER_MS = 3_600_000;

function setup(opts: { blockable: boolean }) {
  const platform = fakePlatform();
  let blocked: ProtocolError | null = null;
  let reads = 0;
  if (opts.blockable) {
    Object.assign(platform.sink, {
      blockedNow: () => {
        reads++;
        return blocked;
      },
    });
  }
  const gate = new ConsentGate(platform);
  const told: string[] = [];
  const watch = new InputBlockWatch(gate, { tell: (code) => told.push(code), pollMs: NEVER_MS });
  return {
    platform,
    gate,
    watch,
    told,
    reads: () => reads,
    block: (code: 'input_blocked_elevated' | 'input_blocked_secure_desktop' | null) => {
      blocked = code ? new ProtocolError(code, `blocked: ${code}`) : null;
    },
  };
}

describe('InputBlockWatch', () => {
  it('tells each new reason once while control is granted, and what blocks now to a late viewer', async () => {
    const t = setup({ blockable: true });
    await t.gate.set(CONTROL);
    await t.watch.check();
    expect(t.told).toEqual([]);
    t.block('input_blocked_elevated');
    await t.watch.check();
    await t.watch.check();
    expect(t.told).toEqual(['input_blocked_elevated']);
    expect(t.watch.current()).toEqual({
      code: 'input_blocked_elevated',
      message: 'blocked: input_blocked_elevated',
    });
    t.block('input_blocked_secure_desktop');
    await t.watch.check();
    t.block(null);
    await t.watch.check();
    expect(t.watch.current()).toBeNull();
    t.block('input_blocked_elevated');
    await t.watch.check();
    expect(t.told).toEqual([
      'input_blocked_elevated',
      'input_blocked_secure_desktop',
      'input_blocked_elevated',
    ]);
    t.watch.close();
  });

  it('reads nothing without control, stops when control is taken back, and starts afresh when given again', async () => {
    const t = setup({ blockable: true });
    t.block('input_blocked_elevated');
    await t.watch.check();
    expect(t.reads()).toBe(0);
    expect(t.platform.opened).not.toContain('input');
    await t.gate.set(CONTROL);
    await t.watch.check();
    expect(t.told).toEqual(['input_blocked_elevated']);
    await t.gate.set({ ...CONTROL, control: false });
    const reads = t.reads();
    await t.watch.check();
    expect(t.reads()).toBe(reads);
    expect(t.watch.current()).toBeNull();
    // Given again with the same window in front: told again (the agent may have missed it).
    await t.gate.set(CONTROL);
    await t.watch.check();
    expect(t.told).toEqual(['input_blocked_elevated', 'input_blocked_elevated']);
    t.watch.close();
  });

  it('never polls where nothing can block input (X11)', async () => {
    const t = setup({ blockable: false });
    await t.gate.set(CONTROL);
    await t.watch.check();
    await t.watch.check();
    expect(t.told).toEqual([]);
    expect(t.watch.current()).toBeNull();
    t.watch.close();
  });
});
