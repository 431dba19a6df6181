/**
 * The support session's state machine, as one table: for each state, the events it accepts and
 * the state each leads to. Everything that changes a session's state asks this table first
 * (`fromStatesOf` gives the compare-and-set guard the store applies atomically), so an event that
 * is not in the table is refused with `illegal_transition`, whoever sends it.
 *
 *   queued --accept--> accepted --transfer--> transferring --accept--> accepted
 *   transferring --return--> accepted   (declined, recalled, or not taken in time: back to the sender)
 *   queued --handle--> ended            (a callback request dealt with)
 *   queued | transferring --cancel--> ended          any but ended --end--> ended
 *
 * A restart is not a transition: it creates a new session with the ended one's details.
 */
import type { SessionState } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';

export type SessionEvent = 'accept' | 'transfer' | 'return' | 'handle' | 'cancel' | 'end';

export const SESSION_TRANSITIONS: Readonly<
  Record<SessionState, Readonly<Partial<Record<SessionEvent, SessionState>>>>
> = {
  queued: { accept: 'accepted', handle: 'ended', cancel: 'ended', end: 'ended' },
  accepted: { transfer: 'transferring', end: 'ended' },
  transferring: { accept: 'accepted', return: 'accepted', cancel: 'ended', end: 'ended' },
  ended: {},
};

const STATES = Object.keys(SESSION_TRANSITIONS) as SessionState[];

/** The states from which `event` is legal: the guard of the store's compare-and-set. */
export function fromStatesOf(event: SessionEvent): SessionState[] {
  return STATES.filter((s) => SESSION_TRANSITIONS[s][event] !== undefined);
}

export function canTransition(from: SessionState, event: SessionEvent): boolean {
  return SESSION_TRANSITIONS[from][event] !== undefined;
}

/** The state `event` leads to from `from`, or a ProtocolError `illegal_transition`. */
export function nextSessionState(from: SessionState, event: SessionEvent): SessionState {
  const to = SESSION_TRANSITIONS[from][event];
  if (to === undefined) {
    throw new ProtocolError('illegal_transition', `a session that is ${from} cannot ${event}`, {
      state: from,
      event,
    });
  }
  return to;
}
