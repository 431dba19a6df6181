/** The signed-in management center: tabs listing users, portals and recent sessions. */
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import * as z from 'zod';
import { MeResponse, PortalView, SessionReport, UserView } from '../../../protocol/http-api';
import type { MessageKey, TFunction } from '../../../ui/i18n/i18n';
import { useI18n } from '../../../ui/i18n/use-i18n';
import { ApiError, apiJson } from '../shared/api-client';
import { apiErrorText } from '../shared/error-text';
import { PageShell } from '../shared/page-shell';

const UsersAnswer = z.object({ users: z.array(UserView) });
const PortalsAnswer = z.object({ portals: z.array(PortalView) });
const SessionsAnswer = z.object({ sessions: z.array(SessionReport) });

type Tab = 'users' | 'portals' | 'sessions';
const TABS: readonly Tab[] = ['users', 'portals', 'sessions'];

interface TabProps {
  token: string;
  onAuthLost: () => void;
}

export function ManageHome({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const { t } = useI18n();
  const [me, setMe] = useState<MeResponse | null>(null);
  const [tab, setTab] = useState<Tab>('users');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    apiJson('/api/v1/auth/me', MeResponse, { token })
      .then(setMe)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) onSignOut();
        else setError(apiErrorText(t, err));
      });
  }, [token]);

  const signOut = () => {
    apiJson('/api/v1/auth/logout', z.null(), { method: 'POST', token })
      .catch(() => undefined)
      .finally(onSignOut);
  };

  const View = TAB_VIEWS[tab];
  return (
    <PageShell title={t('manage.title')} wide>
      <section class="ll-card" data-view="manage">
        <div class="ll-row">
          <h1>{t('manage.title')}</h1>
          <span>
            {me && <span class="ll-muted">{t('manage.signedInAs', { name: me.agent.name })} </span>}
            <button type="button" class="ll-secondary" onClick={signOut}>
              {t('manage.signOut')}
            </button>
          </span>
        </div>
        {error && <p class="ll-error">{error}</p>}
        <div class="ll-tabs" role="tablist">
          {TABS.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              class="ll-secondary"
              aria-selected={tab === name}
              onClick={() => setTab(name)}
            >
              {t(`manage.tab.${name}`)}
            </button>
          ))}
        </div>
        <View token={token} onAuthLost={onSignOut} />
      </section>
    </PageShell>
  );
}

/** Loads one list; signs out when the token is no longer valid. */
function useList<T>(
  load: () => Promise<T>,
  onAuthLost: () => void,
): { data: T | null; error: string | null } {
  const { t } = useI18n();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    load()
      .then(setData)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) onAuthLost();
        else setError(apiErrorText(t, err));
      });
  }, []);
  return { data, error };
}

function UsersTab({ token, onAuthLost }: TabProps) {
  const { t } = useI18n();
  const { data, error } = useList(() => apiJson('/api/v1/manage/users', UsersAnswer, { token }), onAuthLost);
  if (error) return <p class="ll-error">{error}</p>;
  if (!data) return <p>{t('support.loading')}</p>;
  return (
    <table class="ll-table">
      <thead>
        <tr>
          <th>{t('manage.col.name')}</th>
          <th>{t('manage.col.email')}</th>
          <th>{t('manage.col.role')}</th>
          <th>{t('manage.col.state')}</th>
          <th>{t('manage.col.portals')}</th>
        </tr>
      </thead>
      <tbody>
        {data.users.map((u) => (
          <tr key={u.id}>
            <td>{u.name}</td>
            <td>{u.email}</td>
            <td>{t(`manage.role.${u.role}`)}</td>
            <td>{t(`manage.state.${u.state}`)}</td>
            <td>{u.portals.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PortalsTab({ token, onAuthLost }: TabProps) {
  const { t } = useI18n();
  const { data, error } = useList(
    () => apiJson('/api/v1/manage/portals', PortalsAnswer, { token }),
    onAuthLost,
  );
  if (error) return <p class="ll-error">{error}</p>;
  if (!data) return <p>{t('support.loading')}</p>;
  return (
    <table class="ll-table">
      <thead>
        <tr>
          <th>{t('manage.col.portal')}</th>
          <th>{t('manage.col.link')}</th>
          <th>{t('manage.col.agents')}</th>
        </tr>
      </thead>
      <tbody>
        {data.portals.map((p) => (
          <tr key={p.slug}>
            <td>{p.name}</td>
            <td>
              <a href={`/support/${p.slug}`}>/support/{p.slug}</a>
            </td>
            <td>{p.agents.map((a) => a.name).join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SessionsTab({ token, onAuthLost }: TabProps) {
  const { t, language } = useI18n();
  const { data, error } = useList(
    () => apiJson('/api/v1/manage/sessions', SessionsAnswer, { token }),
    onAuthLost,
  );
  if (error) return <p class="ll-error">{error}</p>;
  if (!data) return <p>{t('support.loading')}</p>;
  const when = new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <table class="ll-table">
      <thead>
        <tr>
          <th>{t('manage.col.created')}</th>
          <th>{t('manage.col.portal')}</th>
          <th>{t('manage.col.customer')}</th>
          <th>{t('manage.col.agent')}</th>
          <th>{t('manage.col.state')}</th>
          <th>{t('manage.col.comment')}</th>
        </tr>
      </thead>
      <tbody>
        {data.sessions.map((s) => (
          <tr key={s.id}>
            <td>{when.format(s.createdAt)}</td>
            <td>{s.portal}</td>
            <td>{s.customerName}</td>
            <td>{s.agent?.name ?? ''}</td>
            <td>{sessionStateText(t, s.state)}</td>
            <td>{s.comment}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const SESSION_STATE_KEYS: Readonly<Record<string, MessageKey>> = {
  queued: 'manage.sessionState.queued',
  accepted: 'manage.sessionState.accepted',
  transferring: 'manage.sessionState.transferring',
  ended: 'manage.sessionState.ended',
};

/** A session state in words; a state this page does not know yet is shown as the server names it. */
function sessionStateText(t: TFunction, state: string): string {
  const key = SESSION_STATE_KEYS[state];
  return key ? t(key) : state;
}

const TAB_VIEWS: Record<Tab, FunctionComponent<TabProps>> = {
  users: UsersTab,
  portals: PortalsTab,
  sessions: SessionsTab,
};
