/** Manager sign-in (POST /api/v1/auth/login); agents who are not managers are told so. */
import { useState } from 'preact/hooks';
import * as z from 'zod';
import { LoginResponse } from '../../../protocol/http-api';
import { EMAIL_MAX_CHARS, PASSWORD_MAX_CHARS } from '../../../protocol/limits';
import { useI18n } from '../../../ui/i18n/use-i18n';
import { apiJson } from '../shared/api-client';
import { apiErrorText } from '../shared/error-text';
import { PageShell } from '../shared/page-shell';
import { TextField } from '../shared/text-field';

export function SignInForm({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    apiJson('/api/v1/auth/login', LoginResponse, { method: 'POST', body: { email, password } })
      .then(async (login) => {
        if (login.role !== 'manager') {
          // Not a manager: give the seat back at once.
          await apiJson('/api/v1/auth/logout', z.null(), { method: 'POST', token: login.token }).catch(
            () => undefined,
          );
          setError(t('manage.notManager'));
          return;
        }
        onSignedIn(login.token);
      })
      .catch((err: unknown) => setError(apiErrorText(t, err)))
      .finally(() => setBusy(false));
  };

  return (
    <PageShell title={t('manage.title')}>
      <form class="ll-card ll-form" onSubmit={submit} data-view="sign-in">
        <h1>{t('manage.signInTitle')}</h1>
        {error && (
          <p class="ll-error" role="alert">
            {error}
          </p>
        )}
        <TextField
          label={t('manage.email')}
          type="email"
          name="email"
          autocomplete="username"
          required
          maxLength={EMAIL_MAX_CHARS}
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <TextField
          label={t('manage.password')}
          type="password"
          name="password"
          autocomplete="current-password"
          required
          maxLength={PASSWORD_MAX_CHARS}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <button type="submit" class="ll-primary" disabled={busy}>
          {t('manage.signIn')}
        </button>
      </form>
    </PageShell>
  );
}
