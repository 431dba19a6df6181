/**
 * The two refusals every session operation shares, with their stable codes: the session has
 * ended, or the agent asking does not hold it.
 */
import { ProtocolError } from '../../protocol/errors';

export function sessionEnded(): ProtocolError {
  return new ProtocolError('session_ended', 'this session has ended');
}

export function notInSession(): ProtocolError {
  return new ProtocolError('not_in_session', 'you do not hold this session');
}
