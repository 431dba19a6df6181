import { describe, expect, it } from 'vitest';
import { SessionState } from '../../../protocol/common';
import {
  canTransition,
  fromStatesOf,
  nextSessionState,
  SESSION_TRANSITIONS,
  type SessionEvent,
} from '../../../server/session/session-machine';

const EVENTS: SessionEvent[] = ['accept', 'transfer', 'return', 'handle', 'cancel', 'end'];

describe('session state machine', () => {
  it('covers every protocol state', () => {
    expect(Object.keys(SESSION_TRANSITIONS).sort()).toEqual([...SessionState.options].sort());
  });

  it('allows exactly the documented transitions', () => {
    const allowed: string[] = [];
    for (const from of SessionState.options) {
      for (const e of EVENTS)
        if (canTransition(from, e)) allowed.push(`${from} -${e}-> ${nextSessionState(from, e)}`);
    }
    expect(allowed.sort()).toEqual(
      [
        'queued -accept-> accepted',
        'queued -handle-> ended',
        'queued -cancel-> ended',
        'queued -end-> ended',
        'accepted -transfer-> transferring',
        'accepted -end-> ended',
        'transferring -accept-> accepted',
        'transferring -return-> accepted',
        'transferring -cancel-> ended',
        'transferring -end-> ended',
      ].sort(),
    );
  });

  it('refuses every other pair with illegal_transition', () => {
    for (const from of SessionState.options) {
      for (const e of EVENTS) {
        if (canTransition(from, e)) continue;
        expect(() => nextSessionState(from, e)).toThrowError(
          expect.objectContaining({ code: 'illegal_transition' }),
        );
      }
    }
  });

  it('gives the compare-and-set guard of each event', () => {
    expect(fromStatesOf('accept').sort()).toEqual(['queued', 'transferring']);
    expect(fromStatesOf('transfer')).toEqual(['accepted']);
    expect(fromStatesOf('end').sort()).toEqual(['accepted', 'queued', 'transferring']);
    expect(fromStatesOf('end')).not.toContain('ended');
  });
});
