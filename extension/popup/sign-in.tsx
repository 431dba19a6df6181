/**
 * Sign-in form and what happens after: the outcome of POST /auth/login in words a person
 * understands, a countdown after too many attempts, and the seat-limit question with one button
 * per signed-in agent (sign that agent out and take the seat).
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import type { LoginOutcome } from '../lib/login-client';
import type { AgentView } from '../lib/ui-protocol';
import { LoginProblem } from './login-problem';
import { SeatQuestion } from './seat-question';
import { SignedOutBanner } from './signed-out-banner';

export function SignIn({ view }: { view: AgentView }) {
  const [server, setServer] = useState(view.serverOrigin ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<LoginOutcome | null>(null);
  /** Until when sign-in is disabled after too_many_attempts, ms since the epoch. */
  const [blockedUntil, setBlockedUntil] = useState(0);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    if (view.serverLocked && view.serverOrigin) setServer(view.serverOrigin);
  }, [view.serverLocked, view.serverOrigin]);

  useEffect(() => {
    if (blockedUntil <= now) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [blockedUntil, now]);

  const submit = async (replace?: string, waitForSeat = false) => {
    setBusy(true);
    try {
      const result = await ask({
        type: 'auth.login',
        server,
        email,
        password,
        ...(replace ? { replace } : {}),
        ...(waitForSeat ? { waitForSeat } : {}),
      });
      setOutcome(result);
      if (result.kind === 'too_many_attempts') {
        setBlockedUntil(Date.now() + result.retryAfterSeconds * 1000);
        setNow(Date.now());
      }
      if (result.kind === 'ok') setPassword('');
    } catch {
      setOutcome({ kind: 'server_error', message: t('backgroundUnavailable') });
    } finally {
      setBusy(false);
    }
  };

  const waitSeconds = Math.max(0, Math.ceil((blockedUntil - now) / 1000));
  if (outcome?.kind === 'seat_limit') {
    return (
      <main class="sign-in">
        <SeatQuestion
          outcome={outcome}
          busy={busy}
          onReplace={(loginId) => void submit(loginId)}
          onWait={() => void submit(undefined, true)}
          onCancel={() => setOutcome(null)}
        />
      </main>
    );
  }
  return (
    <main class="sign-in">
      <h1>{t('signInTitle')}</h1>
      {view.notice && <SignedOutBanner notice={view.notice} />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label for="server">{t('serverAddress')}</label>
        <input
          id="server"
          name="server"
          type="text"
          inputMode="url"
          autoComplete="url"
          required
          placeholder={t('serverAddressPlaceholder')}
          value={server}
          readOnly={view.serverLocked}
          onInput={(e) => setServer(e.currentTarget.value)}
        />
        {view.serverLocked && <p class="hint locked">{t('setByIt')}</p>}
        <label for="email">{t('email')}</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for="password">{t('password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {outcome && outcome.kind !== 'ok' && (
          <LoginProblem
            outcome={outcome}
            server={server}
            statusUrl={view.statusUrl}
            waitSeconds={waitSeconds}
          />
        )}
        <button type="submit" class="primary" disabled={busy || waitSeconds > 0}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
      </form>
    </main>
  );
}
