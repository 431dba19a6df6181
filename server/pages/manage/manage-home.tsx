/**
 * The signed-in management center: one tab per area, the current one in the address's fragment
 * (#/sessions/<id> opens a session), so a reload or a shared link lands on the same view.
 */
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import * as z from 'zod';
import { Id } from '../../../protocol/common';
import { MeResponse } from '../../../protocol/http-api';
import type { MessageKey } from '../../../ui/i18n/i18n';
import { useI18n } from '../../../ui/i18n/use-i18n';
import { ApiError, apiJson } from '../shared/api-client';
import { apiErrorText } from '../shared/error-text';
import { PageShell } from '../shared/page-shell';
import { SessionContext } from './use-api';
import { AgentsView } from './views/agents-view';
import { AuditView } from './views/audit-view';
import { DashboardView } from './views/dashboard-view';
import { IntegrationsView } from './views/integrations-view';
import { PortalsView } from './views/portals-view';
import { SeatsView } from './views/seats-view';
import { LiveView, SessionsView } from './views/sessions-view';

type Tab = 'dashboard' | 'users' | 'seats' | 'portals' | 'sessions' | 'live' | 'audit' | 'integrations';

const TABS: Record<Tab, MessageKey> = {
  dashboard: 'manage.tab.dashboard',
  users: 'manage.tab.users',
  seats: 'manage.tab.seats',
  portals: 'manage.tab.portals',
  sessions: 'manage.tab.sessions',
  live: 'manage.tab.live',
  audit: 'manage.tab.audit',
  integrations: 'manage.tab.integrations',
};

interface Route {
  tab: Tab;
  sessionId: string | null;
}

function routeOf(hash: string): Route {
  const [, tab, id] = hash.replace(/^#\/?/, '').split('/');
  const known = tab && Object.hasOwn(TABS, tab) ? (tab as Tab) : 'dashboard';
  const sessionId = known === 'sessions' && id ? Id.safeParse(decodeURIComponent(id)) : null;
  return { tab: known, sessionId: sessionId?.success ? sessionId.data : null };
}

function hashOf(route: Route): string {
  return `#/${route.tab}${route.sessionId ? `/${encodeURIComponent(route.sessionId)}` : ''}`;
}

const SIMPLE_VIEWS: Record<Exclude<Tab, 'sessions'>, FunctionComponent> = {
  dashboard: DashboardView,
  users: AgentsView,
  seats: SeatsView,
  portals: PortalsView,
  live: LiveView,
  audit: AuditView,
  integrations: IntegrationsView,
};

export function ManageHome({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const { t } = useI18n();
  const [me, setMe] = useState<MeResponse | null>(null);
  const [route, setRoute] = useState<Route>(() => routeOf(location.hash));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    apiJson('/api/v1/auth/me', MeResponse, { token })
      .then(setMe)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) onSignOut();
        else setError(apiErrorText(t, err));
      });
  }, [token]);
  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = (next: Route) => {
    history.pushState(null, '', hashOf(next));
    setRoute(next);
  };

  const signOut = () => {
    apiJson('/api/v1/auth/logout', z.null(), { method: 'POST', token })
      .catch(() => undefined)
      .finally(onSignOut);
  };

  const View = route.tab === 'sessions' ? null : SIMPLE_VIEWS[route.tab];
  return (
    <SessionContext.Provider value={{ token, onAuthLost: onSignOut }}>
      <PageShell title={t('manage.title')} wide>
        <section class="ll-card" data-view="manage">
          <div class="ll-row">
            <h1>{t('manage.title')}</h1>
            <span>
              {me && <span class="ll-muted">{t('manage.signedInAs', { name: me.agent.name })} </span>}
              <button type="button" class="ll-secondary" data-action="sign-out" onClick={signOut}>
                {t('manage.signOut')}
              </button>
            </span>
          </div>
          {error && <p class="ll-error">{error}</p>}
          <nav class="ll-tabs" role="tablist">
            {(Object.keys(TABS) as Tab[]).map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                class="ll-secondary"
                data-tab={name}
                aria-selected={route.tab === name}
                onClick={() => go({ tab: name, sessionId: null })}
              >
                {t(TABS[name])}
              </button>
            ))}
          </nav>
          {View ? (
            <View key={route.tab} />
          ) : (
            <SessionsView openId={route.sessionId} onOpen={(id) => go({ tab: 'sessions', sessionId: id })} />
          )}
        </section>
      </PageShell>
    </SessionContext.Provider>
  );
}
