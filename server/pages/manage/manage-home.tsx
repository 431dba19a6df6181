/** The signed-in management center: tabs listing users, portals and recent sessions. */
import type { ComponentChildren, FunctionComponent } from 'preact';
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

/** One column of a tab's table: its heading and what each row shows in it. */
interface Column<Row> {
  heading: MessageKey;
  cell: (row: Row) => ComponentChildren;
}

/** A tab's body: its list once loaded, a row per item, or why it could not be loaded. */
function ListTable<Row>({
  load,
  rowKey,
  columns,
  onAuthLost,
}: {
  load: () => Promise<readonly Row[]>;
  rowKey: (row: Row) => string;
  columns: readonly Column<Row>[];
  onAuthLost: () => void;
}) {
  const { t } = useI18n();
  const { data, error } = useList(load, onAuthLost);
  if (error) return <p class="ll-error">{error}</p>;
  if (!data) return <p>{t('support.loading')}</p>;
  return (
    <table class="ll-table">
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.heading}>{t(c.heading)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((c) => (
              <td key={c.heading}>{c.cell(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function UsersTab({ token, onAuthLost }: TabProps) {
  const { t } = useI18n();
  return (
    <ListTable
      load={() => apiJson('/api/v1/manage/users', UsersAnswer, { token }).then((a) => a.users)}
      rowKey={(u) => u.id}
      onAuthLost={onAuthLost}
      columns={[
        { heading: 'manage.col.name', cell: (u) => u.name },
        { heading: 'manage.col.email', cell: (u) => u.email },
        { heading: 'manage.col.role', cell: (u) => t(`manage.role.${u.role}`) },
        { heading: 'manage.col.state', cell: (u) => t(`manage.state.${u.state}`) },
        { heading: 'manage.col.portals', cell: (u) => u.portals.join(', ') },
      ]}
    />
  );
}

function PortalsTab({ token, onAuthLost }: TabProps) {
  return (
    <ListTable
      load={() => apiJson('/api/v1/manage/portals', PortalsAnswer, { token }).then((a) => a.portals)}
      rowKey={(p) => p.slug}
      onAuthLost={onAuthLost}
      columns={[
        { heading: 'manage.col.portal', cell: (p) => p.name },
        { heading: 'manage.col.link', cell: (p) => <a href={`/support/${p.slug}`}>/support/{p.slug}</a> },
        { heading: 'manage.col.agents', cell: (p) => p.agents.map((a) => a.name).join(', ') },
      ]}
    />
  );
}

function SessionsTab({ token, onAuthLost }: TabProps) {
  const { t, language } = useI18n();
  const when = new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <ListTable
      load={() => apiJson('/api/v1/manage/sessions', SessionsAnswer, { token }).then((a) => a.sessions)}
      rowKey={(s) => s.id}
      onAuthLost={onAuthLost}
      columns={[
        { heading: 'manage.col.created', cell: (s) => when.format(s.createdAt) },
        { heading: 'manage.col.portal', cell: (s) => s.portal },
        { heading: 'manage.col.customer', cell: (s) => s.customerName },
        { heading: 'manage.col.agent', cell: (s) => s.agent?.name ?? '' },
        { heading: 'manage.col.state', cell: (s) => sessionStateText(t, s.state) },
        { heading: 'manage.col.comment', cell: (s) => s.comment },
      ]}
    />
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
