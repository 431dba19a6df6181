import { describe, expect, it } from 'vitest';
import { ScreenState } from '../../../protocol/common';
import {
  canScreen,
  nextScreenState,
  SCREEN_TRANSITIONS,
  type ScreenEvent,
} from '../../../server/screen/screen-machine';

const EVENTS: ScreenEvent[] = ['request', 'consent', 'revoke', 'stream', 'drop', 'resume', 'stop'];

describe('screen state machine', () => {
  it('covers every protocol screen state', () => {
    expect(Object.keys(SCREEN_TRANSITIONS).sort()).toEqual([...ScreenState.options].sort());
  });

  it('follows the sharing lifecycle', () => {
    let s = nextScreenState('none', 'request');
    expect(s).toBe('requested');
    s = nextScreenState(s, 'consent');
    expect(s).toBe('consented');
    s = nextScreenState(s, 'stream');
    expect(s).toBe('streaming');
    s = nextScreenState(s, 'revoke');
    expect(s).toBe('paused');
    s = nextScreenState(s, 'consent');
    expect(s).toBe('consented');
    s = nextScreenState(s, 'drop');
    expect(s).toBe('reconnecting');
    s = nextScreenState(s, 'resume');
    expect(s).toBe('requested');
    expect(nextScreenState('reconnecting', 'stop')).toBe('none');
    // A helper that is gone is replaced: the agent asks for a new code.
    expect(nextScreenState('reconnecting', 'request')).toBe('requested');
  });

  it('refuses what the table does not list', () => {
    for (const from of ScreenState.options) {
      for (const e of EVENTS) {
        if (canScreen(from, e)) continue;
        expect(() => nextScreenState(from, e)).toThrowError(
          expect.objectContaining({ code: 'illegal_transition' }),
        );
      }
    }
    // Sharing cannot be asked for again while it runs, nor streamed before consent.
    expect(canScreen('streaming', 'request')).toBe(false);
    expect(canScreen('requested', 'stream')).toBe(false);
    expect(canScreen('none', 'stop')).toBe(false);
  });
});
