/**
 * Tells the live parts of the server (the WebSocket hub's agent connections) that a login
 * ended elsewhere: logout, seat taken by another agent, account deactivated, password reset.
 */
import type { LoginRecord } from '../store/store';

export interface LoginEnded {
  loginId: string;
  userId: string;
  reason: NonNullable<LoginRecord['endReason']>;
  /** Name of the agent who took the seat, when reason is seat_taken. */
  byName?: string;
}

export type LoginEndedListener = (event: LoginEnded) => void;

export class LoginEvents {
  private readonly listeners = new Set<LoginEndedListener>();

  onEnded(listener: LoginEndedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emitEnded(event: LoginEnded): void {
    for (const l of this.listeners) l(event);
  }

  private readonly seatListeners = new Set<(loginId: string) => void>();

  /** A login that waited for a seat (signed in without one) now holds one. */
  onSeatGranted(listener: (loginId: string) => void): () => void {
    this.seatListeners.add(listener);
    return () => this.seatListeners.delete(listener);
  }

  emitSeatGranted(loginId: string): void {
    for (const l of this.seatListeners) l(loginId);
  }
}
