/**
 * Agents and managers: invite (a one-time link, e-mailed or shown to copy), activate and
 * deactivate, send a password-reset link, switch features (each change is saved at once and
 * reaches the agent's extension within a second), and see who is connected and which portals
 * each serves.
 */
import { useState } from 'preact/hooks';
import * as z from 'zod';
import type { Features } from '../../../../protocol/common';
import { UserView } from '../../../../protocol/http-api';
import { LinkResult } from '../../../../protocol/manage-api';
import { EMAIL_MAX_CHARS, NAME_MAX_CHARS } from '../../../../protocol/limits';
import type { MessageKey } from '../../../../ui/i18n/i18n';
import { useI18n } from '../../../../ui/i18n/use-i18n';
import { TextField } from '../../shared/text-field';
import { useApi, useFormatters, useLoad } from '../use-api';
import { Failure, OneTimeValue, Section } from './common';

const UsersAnswer = z.object({ users: z.array(UserView) });
type User = z.infer<typeof UserView>;

/** The features in the order the page lists them, with their words. */
export const FEATURE_LABELS: Record<keyof Features, MessageKey> = {
  screenView: 'manage.feature.screenView',
  screenControl: 'manage.feature.screenControl',
  fileTransfer: 'manage.feature.fileTransfer',
  clipboard: 'manage.feature.clipboard',
  reboot: 'manage.feature.reboot',
  shareMyScreen: 'manage.feature.shareMyScreen',
  multiChat: 'manage.feature.multiChat',
  transfer: 'manage.feature.transfer',
};

function LinkNotice({ email, result }: { email: string; result: z.infer<typeof LinkResult> }) {
  const { t } = useI18n();
  const f = useFormatters();
  const until = f.when(result.expiresAt);
  if (result.emailed)
    return (
      <p class="ll-note" role="status" data-link="emailed">
        {t(result.purpose === 'invite' ? 'manage.invite.emailed' : 'manage.reset.emailed', { email, until })}
      </p>
    );
  const label = result.emailError
    ? t('manage.invite.mailFailed', { email, until, reason: result.emailError })
    : t('manage.invite.copyLink', { email, until });
  return <OneTimeValue label={label} value={result.link ?? ''} />;
}

function InviteForm({ onDone }: { onDone: (email: string, result: z.infer<typeof LinkResult>) => void }) {
  const { t, language } = useI18n();
  const { call, errorText } = useApi();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'agent' | 'manager'>('agent');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    call('/api/v1/manage/users', UserView, { method: 'POST', body: { name, email, role } })
      .then(async (user) => {
        const link = await call(`/api/v1/manage/users/${user.id}/link`, LinkResult, {
          method: 'POST',
          body: { language },
        });
        setName('');
        setEmail('');
        onDone(user.email, link);
      })
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };
  return (
    <form class="ll-form ll-inline-form" onSubmit={submit} data-form="invite">
      <TextField
        label={t('manage.col.name')}
        name="name"
        required
        maxLength={NAME_MAX_CHARS}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <TextField
        label={t('manage.col.email')}
        name="email"
        type="email"
        required
        maxLength={EMAIL_MAX_CHARS}
        value={email}
        onInput={(e) => setEmail(e.currentTarget.value)}
      />
      <label class="ll-field">
        <span>{t('manage.col.role')}</span>
        <select
          name="role"
          value={role}
          onChange={(e) => setRole(e.currentTarget.value === 'manager' ? 'manager' : 'agent')}
        >
          <option value="agent">{t('manage.role.agent')}</option>
          <option value="manager">{t('manage.role.manager')}</option>
        </select>
      </label>
      <button type="submit" class="ll-primary" disabled={busy}>
        {t('manage.invite.submit')}
      </button>
      <Failure error={error} />
    </form>
  );
}

function FeatureSwitches({ user, onChanged }: { user: User; onChanged: (u: User) => void }) {
  const { t } = useI18n();
  const { call, errorText } = useApi();
  const [error, setError] = useState<string | null>(null);
  const toggle = (feature: keyof Features, on: boolean) => {
    setError(null);
    call(`/api/v1/manage/users/${user.id}`, UserView, {
      method: 'PATCH',
      body: { features: { [feature]: on } },
    })
      .then(onChanged)
      .catch((err: unknown) => setError(errorText(err)));
  };
  return (
    <fieldset class="ll-features" data-features={user.email}>
      <legend>{t('manage.user.features')}</legend>
      {(Object.keys(FEATURE_LABELS) as (keyof Features)[]).map((feature) => (
        <label key={feature} class="ll-check">
          <input
            type="checkbox"
            name={feature}
            checked={user.features[feature]}
            onChange={(e) => toggle(feature, e.currentTarget.checked)}
          />
          {t(FEATURE_LABELS[feature])}
        </label>
      ))}
      <Failure error={error} />
    </fieldset>
  );
}

function UserRow({
  user,
  onChanged,
  onLink,
}: {
  user: User;
  onChanged: (u: User) => void;
  onLink: (email: string, r: z.infer<typeof LinkResult>) => void;
}) {
  const { t, language } = useI18n();
  const f = useFormatters();
  const { call, errorText } = useApi();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = (p: Promise<unknown>) => p.catch((err: unknown) => setError(errorText(err)));
  const setState = (state: 'active' | 'deactivated') =>
    act(
      call(`/api/v1/manage/users/${user.id}`, UserView, { method: 'PATCH', body: { state } }).then(onChanged),
    );
  const sendLink = () =>
    act(
      call(`/api/v1/manage/users/${user.id}/link`, LinkResult, { method: 'POST', body: { language } }).then(
        (r) => {
          onLink(user.email, r);
          onChanged({ ...user, pendingLink: { purpose: r.purpose, expiresAt: r.expiresAt } });
        },
      ),
    );
  return (
    <>
      <tr data-user={user.email}>
        <td>{user.name}</td>
        <td>{user.email}</td>
        <td>{t(`manage.role.${user.role}`)}</td>
        <td>
          {t(`manage.state.${user.state}`)}
          {user.pendingLink && (
            <span class="ll-muted ll-block">
              {t(
                user.pendingLink.purpose === 'invite'
                  ? 'manage.user.pendingInvite'
                  : 'manage.user.pendingReset',
                {
                  until: f.when(user.pendingLink.expiresAt),
                },
              )}
            </span>
          )}
        </td>
        <td>{user.online ? t('manage.yes') : t('manage.no')}</td>
        <td>{user.portals.join(', ')}</td>
        <td class="ll-actions-cell">
          {user.role === 'agent' && (
            <button
              type="button"
              class="ll-secondary"
              data-action="features"
              aria-expanded={open}
              onClick={() => setOpen(!open)}
            >
              {t('manage.user.features')}
            </button>
          )}
          {user.state === 'active' && (
            <button
              type="button"
              class="ll-secondary"
              data-action="deactivate"
              onClick={() => void setState('deactivated')}
            >
              {t('manage.user.deactivate')}
            </button>
          )}
          {user.state === 'deactivated' && (
            <button
              type="button"
              class="ll-secondary"
              data-action="activate"
              onClick={() => void setState('active')}
            >
              {t('manage.user.activate')}
            </button>
          )}
          {user.state !== 'deactivated' && (
            <button type="button" class="ll-secondary" data-action="link" onClick={() => void sendLink()}>
              {t(user.state === 'invited' ? 'manage.user.resendInvite' : 'manage.user.resetPassword')}
            </button>
          )}
          <Failure error={error} />
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={7}>
            <FeatureSwitches user={user} onChanged={onChanged} />
          </td>
        </tr>
      )}
    </>
  );
}

export function AgentsView() {
  const { t } = useI18n();
  const { call } = useApi();
  const { data, error, reload } = useLoad(
    () => call('/api/v1/manage/users', UsersAnswer).then((a) => a.users),
    'users',
  );
  const [changed, setChanged] = useState<Record<string, User>>({});
  const [notice, setNotice] = useState<{ email: string; result: z.infer<typeof LinkResult> } | null>(null);
  const onLink = (email: string, result: z.infer<typeof LinkResult>) => setNotice({ email, result });
  return (
    <div data-view="agents">
      <Section title={t('manage.invite.title')}>
        <InviteForm
          onDone={(email, result) => {
            onLink(email, result);
            setChanged({});
            reload();
          }}
        />
      </Section>
      {notice && <LinkNotice email={notice.email} result={notice.result} />}
      <Failure error={error} />
      {data ? (
        <table class="ll-table">
          <thead>
            <tr>
              <th>{t('manage.col.name')}</th>
              <th>{t('manage.col.email')}</th>
              <th>{t('manage.col.role')}</th>
              <th>{t('manage.col.state')}</th>
              <th>{t('manage.col.online')}</th>
              <th>{t('manage.col.portals')}</th>
              <th>{t('manage.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((u) => (
              <UserRow
                key={u.id}
                user={changed[u.id] ?? u}
                onLink={onLink}
                onChanged={(next) => setChanged((c) => ({ ...c, [next.id]: next }))}
              />
            ))}
          </tbody>
        </table>
      ) : (
        !error && <p>{t('manage.loading')}</p>
      )}
    </div>
  );
}
