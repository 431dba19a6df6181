/**
 * What an agent's sockets say when their login ends elsewhere, and the wiring from the auth
 * service's `events.onEnded` to every socket of that login.
 */
import type { ServerToAgent } from '../../protocol/agent-channel';
import type { AuthService } from '../auth/auth-service';
import type { LoginEnded } from '../auth/login-events';
import type { LoginSockets } from './login-sockets';

export type SignedOutMessage = Extract<ServerToAgent, { type: 'signed_out' }>;

const SIGNED_OUT_TEXT: Record<LoginEnded['reason'], (byName: string | undefined) => string> = {
  seat_taken: (byName) => `signed out: seat taken by ${byName ?? 'another agent'}`,
  deactivated: () => 'signed out: your account was deactivated',
  password_reset: () => 'signed out: your password was changed',
  logout: () => 'signed out',
};

export function signedOutText(event: Pick<LoginEnded, 'reason' | 'byName'>): string {
  return SIGNED_OUT_TEXT[event.reason](event.byName);
}

export function signedOutMessage(event: LoginEnded): SignedOutMessage {
  return {
    type: 'signed_out',
    reason: event.reason,
    ...(event.byName ? { byName: event.byName } : {}),
    message: signedOutText(event),
  };
}

/** Closes every socket of a login the auth service ended. Returns the unsubscribe function. */
export function wireSignOut(auth: AuthService, sockets: LoginSockets): () => void {
  return auth.events.onEnded((event) => sockets.signOut(event));
}
