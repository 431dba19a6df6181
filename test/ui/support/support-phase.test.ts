import { describe, expect, it } from 'vitest';
import { canMove, PHASE_MOVES, PHASES, type PhaseName } from '../../../ui/support/support-phase';

describe('support page phases', () => {
  it('refuses moves the table does not list', () => {
    expect(canMove('form', 'chat')).toBe(false);
    expect(canMove('cancelled', 'chat')).toBe(false);
    expect(canMove('ended', 'chat')).toBe(false);
    expect(canMove('portal_missing', 'form')).toBe(false);
    expect(canMove('waiting', 'waiting')).toBe(false);
    expect(canMove('waiting', 'chat')).toBe(true);
    expect(canMove('ended', 'restarting')).toBe(true);
  });

  it('reaches every phase from loading, and every phase but portal_missing can get back to the form', () => {
    const reach = (from: PhaseName) => {
      const seen = new Set<PhaseName>([from]);
      const todo = [from];
      for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
        for (const n of PHASE_MOVES[next]) {
          if (seen.has(n)) continue;
          seen.add(n);
          todo.push(n);
        }
      }
      return seen;
    };
    expect([...reach('loading')].sort()).toEqual([...PHASES].sort());
    for (const p of PHASES) if (p !== 'portal_missing') expect(reach(p).has('form'), p).toBe(true);
  });
});
