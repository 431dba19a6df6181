import { describe, expect, it } from 'vitest';
import { InboundGate, InboundRate } from '../../../server/ws/inbound-rate';
import { OutgoingBudget } from '../../../server/ws/outgoing-budget';
import { ProtocolViolations } from '../../../server/ws/protocol-violations';

const LIMITS = { pauseBytes: 100, resumeBytes: 20, maxBytes: 300, stallMs: 50 };

function budget() {
  const events: string[] = [];
  const b = new OutgoingBudget(
    {
      pause: () => events.push('pause'),
      resume: () => events.push('resume'),
      overflow: (why) => events.push(`overflow ${why}`),
    },
    LIMITS,
  );
  return { b, events };
}

describe('per-socket outgoing budget', () => {
  it('stops reading past the pause mark, reads again once drained, closes past the maximum', () => {
    const { b, events } = budget();
    b.queued(60);
    b.queued(60);
    expect(events).toEqual(['pause']);
    b.written(60);
    b.written(50);
    expect(events).toEqual(['pause', 'resume']);
    b.queued(400);
    expect(events).toEqual(['pause', 'resume', 'overflow too_much']);
    expect(b.canSend()).toBe(false);
    b.dispose();
  });

  it('closes a paused socket that writes nothing for the stall time', async () => {
    const { b, events } = budget();
    b.queued(150);
    await new Promise((r) => setTimeout(r, 120));
    expect(events).toEqual(['pause', 'overflow stalled']);
  });

  it('leaves a socket that is slow but not paused alone', async () => {
    const { b, events } = budget();
    b.queued(50);
    await new Promise((r) => setTimeout(r, 120));
    expect(events).toEqual([]);
    b.dispose();
  });
});

describe('protocol violations and inbound rate', () => {
  it('counts only malformed-message codes, within a sliding window', () => {
    const v = new ProtocolViolations(3, 1000);
    expect(v.record('too_many_attempts', 0)).toBe(false);
    expect(v.record('invalid_message', 0)).toBe(false);
    expect(v.record('unknown_message_type', 10)).toBe(false);
    expect(v.record('message_too_large', 20)).toBe(false);
    expect(v.record('invalid_message', 30)).toBe(true);
    expect(new ProtocolViolations(3, 1000).record('invalid_message', 5000)).toBe(false);
  });

  it('slows a flood without dropping or reordering anything, binary frames included', async () => {
    const handled: string[] = [];
    const events: string[] = [];
    const gate = new InboundGate(
      {
        handle: (d) => handled.push(d.toString()),
        pause: () => events.push('pause'),
        resume: () => events.push('resume'),
        dropped: (n) => events.push(`dropped ${n}`),
      },
      new InboundRate(200, 5),
    );
    for (let i = 0; i < 12; i++) gate.push(Buffer.from(`t${i}`), false, true);
    gate.push(Buffer.from('bin'), true, false);
    expect(handled).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(events).toEqual(['pause']);
    const end = Date.now() + 2000;
    while (handled.length < 13 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(handled).toEqual([...Array.from({ length: 12 }, (_, i) => `t${i}`), 'bin']);
    expect(events).toEqual(['pause', 'resume']);
    gate.close();
  });

  it('lets a burst through, then the sustained rate', () => {
    const r = new InboundRate(10, 5);
    const t0 = performance.now();
    const burst = Array.from({ length: 8 }, () => r.take(t0)).filter(Boolean).length;
    expect(burst).toBe(5);
    expect(r.take(t0 + 100)).toBe(true); // one more token after 100 ms at 10 a second
    expect(r.take(t0 + 100)).toBe(false);
  });
});
