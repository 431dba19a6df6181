import { describe, expect, it } from 'vitest';
import { TypingSignal, type TimerApi } from '../../../ui/chat/typing-signal';

/** A hand-driven clock: the test decides when the idle delay passes. */
function manualTimers() {
  let next = 1;
  const due = new Map<number, () => void>();
  const api: TimerApi = {
    set: (fn) => {
      const id = next++;
      due.set(id, fn);
      return id;
    },
    clear: (h) => {
      due.delete(h as number);
    },
  };
  return {
    api,
    fire() {
      const fns = [...due.values()];
      due.clear();
      for (const f of fns) f();
    },
    pending: () => due.size,
  };
}

describe('TypingSignal', () => {
  it('reports typing once for many keys, and stopped after the idle delay', () => {
    const timers = manualTimers();
    const seen: boolean[] = [];
    const s = new TypingSignal((t) => seen.push(t), timers.api);
    s.input(true);
    s.input(true);
    s.input(true);
    expect(seen).toEqual([true]);
    expect(timers.pending()).toBe(1);
    timers.fire();
    expect(seen).toEqual([true, false]);
    expect(s.isTyping).toBe(false);
  });

  it('reports stopped at once when the field is cleared or the message is sent', () => {
    const timers = manualTimers();
    const seen: boolean[] = [];
    const s = new TypingSignal((t) => seen.push(t), timers.api);
    s.input(true);
    s.input(false);
    s.input(true);
    s.stop();
    expect(seen).toEqual([true, false, true, false]);
    expect(timers.pending()).toBe(0);
  });

  it('says nothing when the user only types spaces or stops while not typing', () => {
    const seen: boolean[] = [];
    const s = new TypingSignal((t) => seen.push(t), manualTimers().api);
    s.input(false);
    s.stop();
    expect(seen).toEqual([]);
  });
});
