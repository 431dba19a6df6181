/**
 * The customer's own mouse takes precedence over the agent's: through the InputDispatcher with a
 * recording sink and a fake clock. The real X server case (xdotool as the customer's hand) is in
 * test/e2e/helper/customer-pointer.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConsentGate } from '../../../host/consent/consent-gate';
import { InputDispatcher } from '../../../host/session/input-dispatcher';
import { CUSTOMER_POINTER_HOLD_MS, PointerArbiter, SETTLE_MS } from '../../../host/session/pointer-arbiter';
import { fakePlatform } from './fake-platform';

const ALL = { view: true, control: true, clipboard: true, files: true, reboot: true };

async function setup() {
  const platform = fakePlatform();
  const gate = new ConsentGate(platform);
  await gate.set(ALL);
  let now = 10_000;
  const slept: number[] = [];
  const clock = {
    advance: (ms: number) => (now += ms),
    /** What the customer does while the helper waits SETTLE_MS for a second look. */
    duringSettle: null as null | (() => void),
  };
  const arbiter = new PointerArbiter({
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
      clock.duringSettle?.();
    },
  });
  const rejected: string[] = [];
  const input = new InputDispatcher(gate, { arbiter, onRejected: (code) => rejected.push(code) });
  const move = (x: number, y: number) =>
    input.dispatch({ type: 'pointer.move', x, y }).then((r) => r.outcome);
  return { sink: platform.sink, input, arbiter, clock, slept, rejected, move };
}

describe('the customer moving their mouse takes precedence over the agent', () => {
  it('holds the agent pointer back while the customer moves, and gives it back after a still second', async () => {
    const { sink, input, arbiter, clock, rejected, move } = await setup();
    expect(await move(10, 10)).toBe('applied');
    clock.advance(16);
    expect(await move(12, 10)).toBe('applied');
    // The customer grabs their mouse between two of the agent's moves.
    sink.customerMoves(300, 150);
    clock.advance(16);
    expect(await move(14, 10)).toBe('held');
    expect(arbiter.customerHasPointer()).toBe(true);
    expect(sink.position).toEqual({ x: 300, y: 150 }); // the agent did not yank it back
    expect(rejected).toEqual(['pointer_in_use']);
    // Buttons and the wheel wait too; keys do not.
    expect(
      await input
        .dispatch({ type: 'pointer.button', button: 'left', down: true, x: 14, y: 10 })
        .then((r) => r.outcome),
    ).toBe('held');
    expect(
      await input.dispatch({ type: 'pointer.wheel', dx: 0, dy: 1, x: 14, y: 10 }).then((r) => r.outcome),
    ).toBe('held');
    expect(await input.dispatch({ type: 'key', code: 'KeyA', down: true }).then((r) => r.outcome)).toBe(
      'applied',
    );
    // The customer keeps moving: the hold starts again from their last move.
    clock.advance(CUSTOMER_POINTER_HOLD_MS - 100);
    sink.customerMoves(310, 160);
    expect(await move(16, 10)).toBe('held');
    clock.advance(CUSTOMER_POINTER_HOLD_MS - 100);
    expect(await move(18, 10)).toBe('held');
    // Still for a whole second: the agent has the pointer again.
    clock.advance(200);
    expect(await move(20, 10)).toBe('applied');
    expect(sink.position).toEqual({ x: 20, y: 10 });
    expect(arbiter.customerHasPointer()).toBe(false);
    expect(sink.calls.filter((c) => c.startsWith('move'))).toEqual([
      'move 10,10',
      'move 12,10',
      'move 20,10',
    ]);
    expect(input.stats()).toMatchObject({ held: 5 });
  });

  it('releases what the agent held down when the customer takes over, once', async () => {
    const { sink, input, clock, move } = await setup();
    await input.dispatch({ type: 'key', code: 'ShiftLeft', down: true }).then((r) => r.outcome);
    await input
      .dispatch({ type: 'pointer.button', button: 'left', down: true, x: 5, y: 5 })
      .then((r) => r.outcome);
    sink.customerMoves(100, 100);
    clock.advance(16);
    expect(await move(6, 6)).toBe('held');
    sink.customerMoves(101, 100);
    clock.advance(16);
    expect(await move(7, 6)).toBe('held');
    expect(sink.calls.filter((c) => c === 'releaseAll')).toHaveLength(1);
    expect(sink.calls.indexOf('releaseAll')).toBeGreaterThan(sink.calls.indexOf('button left down'));
  });

  it('does not count the system clamping the agent to the screen as the customer moving', async () => {
    const { sink, clock, move } = await setup();
    // A real desktop clamps (5000, -20) to its edge; the position after the move is what counts.
    const moveTo = sink.pointerMove.bind(sink);
    sink.pointerMove = (x, y) => moveTo(Math.min(x, 1279), Math.max(y, 0));
    expect(await move(5000, -20)).toBe('applied');
    clock.advance(16);
    expect(await move(5001, -21)).toBe('applied');
    expect(sink.position).toEqual({ x: 1279, y: 0 });
  });

  it('after the agent was idle, a mouse the customer moved earlier and left still does not hold the agent', async () => {
    const { sink, clock, slept, move } = await setup();
    expect(await move(10, 10)).toBe('applied');
    sink.customerMoves(400, 300); // while the agent reads the chat
    clock.advance(5_000);
    expect(await move(11, 10)).toBe('applied');
    expect(slept).toEqual([SETTLE_MS]);
    expect(sink.position).toEqual({ x: 11, y: 10 });
  });

  it('after the agent was idle, a mouse the customer is moving right now holds the agent', async () => {
    const { sink, clock, slept, move } = await setup();
    expect(await move(10, 10)).toBe('applied');
    sink.customerMoves(400, 300);
    clock.advance(5_000);
    clock.duringSettle = () => sink.customerMoves(405, 300);
    expect(await move(11, 10)).toBe('held');
    expect(slept).toEqual([SETTLE_MS]);
    expect(sink.position).toEqual({ x: 405, y: 300 });
  });
});
