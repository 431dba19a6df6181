/** A hand-driven clock for timer logic: the test decides when time passes. */
export function manualTimers(start = 1_000_000) {
  let now = start;
  let nextId = 1;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    set(fn: () => void, ms: number): unknown {
      const id = nextId++;
      due.set(id, { at: now + ms, fn });
      return id;
    },
    clear(h: unknown) {
      due.delete(h as number);
    },
    /** Moves the clock forward, running every timer that falls due on the way, in order. */
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const next = [...due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        due.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = end;
    },
    pending: () => due.size,
    delays: () => [...due.values()].map((t) => t.at - now),
  };
}
