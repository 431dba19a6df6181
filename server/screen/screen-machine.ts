/**
 * Screen sharing's state machine inside an accepted session, as one table. The agent asks
 * (`request`), the helper joins and the customer consents in the helper's own prompt
 * (`consent`), the first screen frame marks `streaming`, a revoke pauses, a helper that drops
 * without saying stop waits in `reconnecting` for its resume (or for the agent to ask for another
 * helper), and `stop` (helper stop, grace expired, session over) goes back to `none`. Events not in the table are `illegal_transition`.
 */
import type { ScreenState } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';

export type ScreenEvent = 'request' | 'consent' | 'revoke' | 'stream' | 'drop' | 'resume' | 'stop';

export const SCREEN_TRANSITIONS: Readonly<
  Record<ScreenState, Readonly<Partial<Record<ScreenEvent, ScreenState>>>>
> = {
  none: { request: 'requested' },
  // A new request while nobody joined yet replaces the join code.
  requested: {
    request: 'requested',
    consent: 'consented',
    revoke: 'requested',
    drop: 'reconnecting',
    stop: 'none',
  },
  consented: {
    consent: 'consented',
    revoke: 'paused',
    stream: 'streaming',
    drop: 'reconnecting',
    stop: 'none',
  },
  streaming: {
    consent: 'streaming',
    revoke: 'paused',
    stream: 'streaming',
    drop: 'reconnecting',
    stop: 'none',
  },
  paused: { consent: 'consented', revoke: 'paused', drop: 'reconnecting', stop: 'none' },
  // After a resume the helper states its consent again (the server kept it meanwhile). A new
  // request replaces a helper that is gone: its token stops working, a new one joins by code.
  reconnecting: { resume: 'requested', request: 'requested', stop: 'none' },
};

export function canScreen(from: ScreenState, event: ScreenEvent): boolean {
  return SCREEN_TRANSITIONS[from][event] !== undefined;
}

export function nextScreenState(from: ScreenState, event: ScreenEvent): ScreenState {
  const to = SCREEN_TRANSITIONS[from][event];
  if (to === undefined) {
    throw new ProtocolError('illegal_transition', `screen sharing that is ${from} cannot ${event}`, {
      screen: from,
      event,
    });
  }
  return to;
}
