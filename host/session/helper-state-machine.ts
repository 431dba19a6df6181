/**
 * The helper session's state machine, as one table. Every change goes through `move(event)`,
 * which refuses an event the table does not list with ProtocolError('illegal_transition').
 *
 *   idle --join/resume--> connecting --welcome--> waiting_consent --grant--> sharing
 *   sharing --revoke_all | pause--> paused --grant | resume--> sharing
 *     (paused: consented, but no picture now: the customer revoked everything, or an agent's
 *      viewer paused the stream with stream.pause)
 *   connecting | waiting_consent | sharing | paused --lost--> reconnecting
 *   reconnecting --welcome--> waiting_consent, --welcome_sharing--> sharing (grants kept across a network loss)
 *   every state but ended --stop/end--> ended
 *
 * The native channel's HelperState is this same set of states: `reported()` says `paused` as it
 * is, so the extension's window can tell the customer that nothing is shown now (it still offers
 * to grant again, or to stop).
 */
import { ProtocolError } from '../../protocol/errors';
import type { HelperState } from '../../protocol/native-channel';

export type SessionState =
  'idle' | 'connecting' | 'waiting_consent' | 'sharing' | 'paused' | 'reconnecting' | 'ended';

export type SessionEvent =
  | 'join'
  | 'welcome'
  | 'welcome_sharing'
  | 'grant'
  | 'revoke_all'
  | 'pause'
  | 'resume'
  | 'lost'
  | 'stop'
  | 'end';

export const SESSION_TRANSITIONS: Readonly<
  Record<SessionState, Readonly<Partial<Record<SessionEvent, SessionState>>>>
> = {
  idle: { join: 'connecting', stop: 'ended', end: 'ended' },
  connecting: { welcome: 'waiting_consent', lost: 'reconnecting', stop: 'ended', end: 'ended' },
  waiting_consent: {
    grant: 'sharing',
    revoke_all: 'waiting_consent',
    lost: 'reconnecting',
    stop: 'ended',
    end: 'ended',
  },
  sharing: {
    grant: 'sharing',
    revoke_all: 'paused',
    pause: 'paused',
    lost: 'reconnecting',
    stop: 'ended',
    end: 'ended',
  },
  paused: {
    grant: 'sharing',
    revoke_all: 'paused',
    pause: 'paused',
    resume: 'sharing',
    lost: 'reconnecting',
    stop: 'ended',
    end: 'ended',
  },
  reconnecting: {
    welcome: 'waiting_consent',
    welcome_sharing: 'sharing',
    lost: 'reconnecting',
    // The customer may change consent while the link is down; it is told to the server on resume.
    grant: 'reconnecting',
    revoke_all: 'reconnecting',
    stop: 'ended',
    end: 'ended',
  },
  ended: {},
};

export function canMove(from: SessionState, event: SessionEvent): boolean {
  return SESSION_TRANSITIONS[from][event] !== undefined;
}

export class HelperStateMachine {
  private value: SessionState = 'idle';

  constructor(private readonly onChange: (next: SessionState, previous: SessionState) => void = () => {}) {}

  get state(): SessionState {
    return this.value;
  }

  can(event: SessionEvent): boolean {
    return canMove(this.value, event);
  }

  /** Applies `event`; throws illegal_transition when the table has no such move. */
  move(event: SessionEvent): SessionState {
    const previous = this.value;
    const next = SESSION_TRANSITIONS[previous][event];
    if (next === undefined) {
      throw new ProtocolError('illegal_transition', `the helper cannot ${event} while ${previous}`, {
        state: previous,
        event,
      });
    }
    this.value = next;
    if (next !== previous) this.onChange(next, previous);
    return next;
  }

  /** The state as the native channel reports it. */
  reported(): HelperState {
    return reportedState(this.value);
  }
}

export function reportedState(state: SessionState): HelperState {
  return state;
}
