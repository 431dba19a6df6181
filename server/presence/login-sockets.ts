/**
 * Every socket opened with an agent's login token (agent and viewer channels), by login, so
 * that a login ended elsewhere (logout, seat taken, deactivation, password reset) closes them
 * all with a message saying why. Each socket registers its own `signOut`, which speaks its
 * channel's language and then closes. Support sessions are not touched: an agent who signs in
 * again finds them in their welcome.
 */
import type { LoginEnded } from '../auth/login-events';

export type SignOut = (event: LoginEnded) => void;

export class LoginSockets {
  private readonly byLogin = new Map<string, Set<SignOut>>();

  /** Returns the function that unregisters the socket (call it when it closes). */
  add(loginId: string, signOut: SignOut): () => void {
    let set = this.byLogin.get(loginId);
    if (!set) {
      set = new Set();
      this.byLogin.set(loginId, set);
    }
    set.add(signOut);
    return () => {
      const s = this.byLogin.get(loginId);
      if (!s) return;
      s.delete(signOut);
      if (s.size === 0) this.byLogin.delete(loginId);
    };
  }

  /** Signs out every socket of the login; returns how many were told. */
  signOut(event: LoginEnded): number {
    const set = this.byLogin.get(event.loginId);
    if (!set) return 0;
    this.byLogin.delete(event.loginId);
    for (const s of set) s(event);
    return set.size;
  }

  loginIds(): string[] {
    return [...this.byLogin.keys()];
  }
}
