/**
 * First-run setup page (/setup#<token>): creates the company and its first manager through
 * POST /api/v1/setup. The token comes from the address's fragment (never sent to a server by the
 * browser) and is removed from the address bar at once. After success the manager is signed in to
 * the management center (token in sessionStorage).
 */
import '../../../ui/strict-csp-zod';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Email, PersonName, Title, Token } from '../../../protocol/common';
import { LoginResponse, SetupStatus } from '../../../protocol/http-api';
import {
  EMAIL_MAX_CHARS,
  NAME_MAX_CHARS,
  PASSWORD_MAX_CHARS,
  PASSWORD_MIN_CHARS,
  TITLE_MAX_CHARS,
} from '../../../protocol/limits';
import { createPageI18n } from '../../../ui/i18n/i18n';
import { I18nProvider, useI18n } from '../../../ui/i18n/use-i18n';
import { ApiError, apiJson } from '../shared/api-client';
import { apiErrorText } from '../shared/error-text';
import { saveManageToken } from '../shared/manage-token';
import { PageShell } from '../shared/page-shell';
import { TextField } from '../shared/text-field';
import '../shared/page.css';

const hashToken = Token.safeParse(decodeURIComponent(location.hash.slice(1)));
if (location.hash) history.replaceState(null, '', location.pathname);

type Stage = 'checking' | 'form' | 'sending' | 'done' | 'sealed' | 'no-token';

function SetupPage() {
  const { t } = useI18n();
  const [stage, setStage] = useState<Stage>(hashToken.success ? 'checking' : 'no-token');
  const [error, setError] = useState<string | null>(null);
  const [doneEmail, setDoneEmail] = useState('');
  const [fields, setFields] = useState({ companyName: '', name: '', email: '', password: '' });

  useEffect(() => {
    if (!hashToken.success) return;
    apiJson('/api/v1/setup', SetupStatus)
      .then((s) => setStage(s.needed ? 'form' : 'sealed'))
      .catch((err: unknown) => {
        if (err instanceof ApiError && (err.code === 'setup_already_done' || err.code === 'not_found'))
          setStage('sealed');
        else {
          setStage('form');
          setError(apiErrorText(t, err));
        }
      });
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    if (!hashToken.success) return;
    const company = Title.safeParse(fields.companyName);
    const name = PersonName.safeParse(fields.name);
    const email = Email.safeParse(fields.email);
    if (!company.success || !name.success || !email.success) return setError(t('setup.checkFields'));
    if (fields.password.length < PASSWORD_MIN_CHARS)
      return setError(t('setup.passwordShort', { min: PASSWORD_MIN_CHARS }));
    setError(null);
    setStage('sending');
    apiJson('/api/v1/setup', LoginResponse, {
      method: 'POST',
      body: {
        setupToken: hashToken.data,
        companyName: company.data,
        name: name.data,
        email: email.data,
        password: fields.password,
      },
    })
      .then((login) => {
        saveManageToken(login.token);
        setDoneEmail(login.agent.email);
        setStage('done');
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'setup_already_done') return setStage('sealed');
        setStage('form');
        setError(apiErrorText(t, err));
      });
  };

  const field = (key: keyof typeof fields) => ({
    value: fields[key],
    onInput: (e: Event) => {
      const target = e.currentTarget;
      if (target instanceof HTMLInputElement) setFields({ ...fields, [key]: target.value });
    },
  });

  return (
    <PageShell title={t('setup.title')}>
      <section class="ll-card" data-view={stage}>
        <h1>{t('setup.title')}</h1>
        {stage === 'no-token' && <p class="ll-error">{t('setup.noToken')}</p>}
        {stage === 'checking' && <p>{t('support.loading')}</p>}
        {stage === 'sealed' && (
          <p>
            {t('setup.sealed')} <a href="/manage">{t('setup.openManage')}</a>
          </p>
        )}
        {stage === 'done' && (
          <>
            <p role="status">{t('setup.done', { email: doneEmail })}</p>
            <p>
              <a class="ll-primary ll-button" href="/manage">
                {t('setup.openManage')}
              </a>
            </p>
          </>
        )}
        {(stage === 'form' || stage === 'sending') && (
          <form class="ll-form" onSubmit={submit} noValidate>
            <p class="ll-lead">{t('setup.intro')}</p>
            {error && (
              <p class="ll-error" role="alert">
                {error}
              </p>
            )}
            <TextField
              label={t('setup.company')}
              name="companyName"
              required
              maxLength={TITLE_MAX_CHARS}
              autocomplete="organization"
              {...field('companyName')}
            />
            <TextField
              label={t('setup.name')}
              name="name"
              required
              maxLength={NAME_MAX_CHARS}
              autocomplete="name"
              {...field('name')}
            />
            <TextField
              label={t('setup.email')}
              name="email"
              type="email"
              required
              maxLength={EMAIL_MAX_CHARS}
              autocomplete="email"
              {...field('email')}
            />
            <TextField
              label={t('setup.password')}
              hint={t('setup.passwordShort', { min: PASSWORD_MIN_CHARS })}
              name="password"
              type="password"
              required
              minLength={PASSWORD_MIN_CHARS}
              maxLength={PASSWORD_MAX_CHARS}
              autocomplete="new-password"
              {...field('password')}
            />
            <button type="submit" class="ll-primary" disabled={stage === 'sending'}>
              {t('setup.submit')}
            </button>
          </form>
        )}
      </section>
    </PageShell>
  );
}

const root = document.getElementById('app');
if (root) {
  render(
    <I18nProvider i18n={createPageI18n()}>
      <SetupPage />
    </I18nProvider>,
    root,
  );
}
