/**
 * Re-checks the logins of open sockets against the store, on a timer, so that a change made by
 * another process (the CLI deactivating an agent or resetting a password, on the same database)
 * also closes the sockets already open. Changes made inside this server are announced at once on
 * `AuthService.events`; this catches the rest within one interval.
 *
 * Wiring (one line where the live sockets are kept):
 *   const stop = watchEndedElsewhere(auth, () => sockets.loginIds(), (e) => sockets.signOut(e));
 */
import type { Log } from '../log';
import type { AuthService } from './auth-service';
import type { LoginEnded } from './login-events';

/** How often open logins are re-checked, in ms (a deactivation by the CLI closes sockets within this). */
export const ENDED_ELSEWHERE_CHECK_MS = 15_000;

export function watchEndedElsewhere(
  auth: Pick<AuthService, 'endedElsewhere'>,
  openLogins: () => Iterable<string>,
  onEnded: (event: LoginEnded) => void,
  options: { intervalMs?: number; log?: Log } = {},
): () => void {
  let running = false;
  const check = async () => {
    if (running) return; // a slow store must not pile checks up
    running = true;
    try {
      for (const loginId of [...openLogins()]) {
        const ended = await auth.endedElsewhere(loginId);
        if (ended) onEnded(ended);
      }
    } catch (err) {
      options.log?.warn('login_recheck_failed', { error: String(err) });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? ENDED_ELSEWHERE_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
