/**
 * Entry of the management center (/manage): sign-in for managers (same rules and errors as
 * agents), then the management center (manage-home.tsx): dashboard, agents, seats and sign-ins,
 * portals, sessions, live sessions, audit log, API tokens and webhooks, all over /api/v1/manage.
 */
import '../../../ui/strict-csp-zod';
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { createPageI18n } from '../../../ui/i18n/i18n';
import { I18nProvider } from '../../../ui/i18n/use-i18n';
import { loadManageToken, saveManageToken } from '../shared/manage-token';
import { ManageHome } from './manage-home';
import { SignInForm } from './sign-in-form';
import '../shared/page.css';
import './manage.css';

function ManageApp() {
  const [token, setToken] = useState<string | null>(loadManageToken());
  const signIn = (t: string | null) => {
    saveManageToken(t);
    setToken(t);
  };
  return token ? (
    <ManageHome token={token} onSignOut={() => signIn(null)} />
  ) : (
    <SignInForm onSignedIn={signIn} />
  );
}

const root = document.getElementById('app');
if (root) {
  render(
    <I18nProvider i18n={createPageI18n()}>
      <ManageApp />
    </I18nProvider>,
    root,
  );
}
