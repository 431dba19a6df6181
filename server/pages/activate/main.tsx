/**
 * The one-time account link's page (/activate#<token>): an invited user chooses their first
 * password, or a user their new one after a reset. The token comes from the address's fragment
 * (never sent in a request line) and is removed from the address bar at once; it travels in the
 * body of POST /api/v1/account/link (who is this for) and POST /api/v1/account/password.
 */
import '../../../ui/strict-csp-zod';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Token } from '../../../protocol/common';
import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from '../../../protocol/limits';
import { AccountLinkInfo, SetPasswordResult } from '../../../protocol/manage-api';
import { createPageI18n } from '../../../ui/i18n/i18n';
import { I18nProvider, useI18n } from '../../../ui/i18n/use-i18n';
import { apiJson } from '../shared/api-client';
import { apiErrorText } from '../shared/error-text';
import { PageShell } from '../shared/page-shell';
import { TextField } from '../shared/text-field';
import '../shared/page.css';

const hashToken = Token.safeParse(decodeURIComponent(location.hash.slice(1)));
if (location.hash) history.replaceState(null, '', location.pathname);

type Stage = 'checking' | 'form' | 'sending' | 'done' | 'dead' | 'no-token';

function ActivatePage() {
  const { t } = useI18n();
  const [stage, setStage] = useState<Stage>(hashToken.success ? 'checking' : 'no-token');
  const [info, setInfo] = useState<AccountLinkInfo | null>(null);
  const [done, setDone] = useState<{ email: string; role: 'agent' | 'manager' } | null>(null);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!hashToken.success) return;
    apiJson('/api/v1/account/link', AccountLinkInfo, { method: 'POST', body: { token: hashToken.data } })
      .then((i) => {
        setInfo(i);
        setStage('form');
      })
      .catch((err: unknown) => {
        setError(apiErrorText(t, err));
        setStage('dead');
      });
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    if (!hashToken.success) return;
    if (password !== confirm) return setError(t('activate.mismatch'));
    if (password.length < PASSWORD_MIN_CHARS) return setError(t('errors.weak_password'));
    setError(null);
    setStage('sending');
    apiJson('/api/v1/account/password', SetPasswordResult, {
      method: 'POST',
      body: { token: hashToken.data, password },
    })
      .then((r) => {
        setDone(r);
        setStage('done');
      })
      .catch((err: unknown) => {
        setError(apiErrorText(t, err));
        setStage('form');
      });
  };

  return (
    <PageShell title={t('activate.title')}>
      <section class="ll-card" data-view={stage}>
        <h1>{t('activate.title')}</h1>
        {stage === 'no-token' && <p class="ll-error">{t('activate.noToken')}</p>}
        {stage === 'checking' && <p>{t('activate.checking')}</p>}
        {stage === 'dead' && (
          <p class="ll-error" role="alert">
            {error}
          </p>
        )}
        {(stage === 'form' || stage === 'sending') && info && (
          <form class="ll-form" onSubmit={submit}>
            <p class="ll-lead">
              {t(info.purpose === 'invite' ? 'activate.invite' : 'activate.reset', {
                name: info.name,
                email: info.email,
              })}
            </p>
            {error && (
              <p class="ll-error" role="alert">
                {error}
              </p>
            )}
            <input type="email" name="username" autocomplete="username" value={info.email} readOnly hidden />
            <TextField
              label={t('activate.password')}
              hint={t('activate.hint')}
              type="password"
              name="password"
              autocomplete="new-password"
              required
              maxLength={PASSWORD_MAX_CHARS}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <TextField
              label={t('activate.confirm')}
              type="password"
              name="confirm"
              autocomplete="new-password"
              required
              maxLength={PASSWORD_MAX_CHARS}
              value={confirm}
              onInput={(e) => setConfirm(e.currentTarget.value)}
            />
            <button type="submit" class="ll-primary" disabled={stage === 'sending'}>
              {t('activate.submit')}
            </button>
          </form>
        )}
        {stage === 'done' && done && (
          <>
            <p class="ll-lead" role="status">
              {done.role === 'agent'
                ? t('activate.doneAgent', { email: done.email })
                : t('activate.doneManager')}
            </p>
            {done.role === 'manager' && (
              <p>
                <a class="ll-primary" href="/manage">
                  {t('activate.openManage')}
                </a>
              </p>
            )}
          </>
        )}
      </section>
    </PageShell>
  );
}

const root = document.getElementById('app');
if (root) {
  render(
    <I18nProvider i18n={createPageI18n()}>
      <ActivatePage />
    </I18nProvider>,
    root,
  );
}
