/** The helper session's state machine: the path a session takes, and every illegal move refused. */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../protocol/errors';
import { HelperState } from '../../../protocol/native-channel';
import {
  HelperStateMachine,
  reportedState,
  SESSION_TRANSITIONS,
  type SessionEvent,
  type SessionState,
} from '../../../host/session/helper-state-machine';

const EVENTS: SessionEvent[] = [
  'join',
  'welcome',
  'welcome_sharing',
  'grant',
  'revoke_all',
  'pause',
  'resume',
  'lost',
  'stop',
  'end',
];

describe('HelperStateMachine', () => {
  it('goes join -> welcome -> grant -> pause -> resume -> lost -> welcome_sharing -> stop', () => {
    const seen: string[] = [];
    const m = new HelperStateMachine((next, prev) => seen.push(`${prev}>${next}`));
    for (const e of [
      'join',
      'welcome',
      'grant',
      'pause',
      'resume',
      'lost',
      'welcome_sharing',
      'stop',
    ] as const) {
      m.move(e);
    }
    expect(m.state).toBe('ended');
    expect(seen).toEqual([
      'idle>connecting',
      'connecting>waiting_consent',
      'waiting_consent>sharing',
      'sharing>paused',
      'paused>sharing',
      'sharing>reconnecting',
      'reconnecting>sharing',
      'sharing>ended',
    ]);
  });

  it('refuses every event the table does not list, with illegal_transition, and stays put', () => {
    for (const from of Object.keys(SESSION_TRANSITIONS) as SessionState[]) {
      for (const event of EVENTS) {
        if (SESSION_TRANSITIONS[from][event] !== undefined) continue;
        const m = new HelperStateMachine();
        (m as unknown as { value: SessionState }).value = from;
        let err: unknown;
        try {
          m.move(event);
        } catch (e) {
          err = e;
        }
        expect(err, `${from} --${event}`).toBeInstanceOf(ProtocolError);
        expect((err as ProtocolError).code).toBe('illegal_transition');
        expect(m.state).toBe(from);
      }
    }
  });

  it('nothing leaves ended, and every state can be stopped', () => {
    expect(SESSION_TRANSITIONS.ended).toEqual({});
    for (const from of Object.keys(SESSION_TRANSITIONS) as SessionState[]) {
      if (from !== 'ended') expect(SESSION_TRANSITIONS[from].stop).toBe('ended');
    }
  });

  it('reports every state as the native channel names it, paused included', () => {
    for (const s of Object.keys(SESSION_TRANSITIONS) as SessionState[]) {
      expect(HelperState.safeParse(reportedState(s)).success).toBe(true);
      expect(reportedState(s)).toBe(s);
    }
    expect(reportedState('paused')).toBe('paused');
  });
});
