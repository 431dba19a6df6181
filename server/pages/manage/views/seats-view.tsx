/** Seats (the limit, who holds them) and every sign-in now, each of which a manager may sign out. */
import { useState } from 'preact/hooks';
import * as z from 'zod';
import { SeatsView as SeatsAnswer } from '../../../../protocol/http-api';
import { LoginView } from '../../../../protocol/manage-api';
import { useI18n } from '../../../../ui/i18n/use-i18n';
import { useApi, useFormatters, useLoad } from '../use-api';
import { Failure, Section } from './common';

const LoginsAnswer = z.object({ logins: z.array(LoginView) });

export function SeatsView() {
  const { t } = useI18n();
  const f = useFormatters();
  const { call, errorText } = useApi();
  const seats = useLoad(() => call('/api/v1/manage/seats', SeatsAnswer), 'seats');
  const logins = useLoad(() => call('/api/v1/manage/logins', LoginsAnswer).then((a) => a.logins), 'logins');
  const [limit, setLimit] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = limit ?? (seats.data?.seats === null || seats.data === null ? '' : String(seats.data.seats));
  const save = (e: Event) => {
    e.preventDefault();
    setError(null);
    const value = shown.trim() === '' ? null : Number(shown);
    call('/api/v1/manage/seats', SeatsAnswer, { method: 'PUT', body: { seats: value } })
      .then(() => {
        setLimit(null);
        seats.reload();
      })
      .catch((err: unknown) => setError(errorText(err)));
  };
  const signOut = (loginId: string) => {
    setError(null);
    call(`/api/v1/manage/logins/${loginId}`, z.null(), { method: 'DELETE' })
      .then(() => {
        logins.reload();
        seats.reload();
      })
      .catch((err: unknown) => setError(errorText(err)));
  };
  return (
    <div data-view="seats">
      <Section title={t('manage.seats.title')}>
        <form class="ll-form ll-inline-form" onSubmit={save} data-form="seats">
          <label class="ll-field">
            <span>{t('manage.seats.limit')}</span>
            <input
              name="seats"
              type="number"
              min={1}
              max={100000}
              value={shown}
              onInput={(e) => setLimit(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="ll-primary">
            {t('manage.save')}
          </button>
        </form>
        {seats.data && (
          <p data-seats-in-use>
            {seats.data.seats === null
              ? t('manage.seats.inUseUnlimited', { inUse: seats.data.inUse })
              : t('manage.seats.inUse', { inUse: seats.data.inUse, seats: seats.data.seats })}
          </p>
        )}
        <p class="ll-muted">{t('manage.seats.withoutSeat')}</p>
        <Failure error={seats.error ?? error} />
      </Section>
      <Section title={t('manage.logins.title')}>
        <Failure error={logins.error} />
        {logins.data && (
          <table class="ll-table">
            <thead>
              <tr>
                <th>{t('manage.col.name')}</th>
                <th>{t('manage.col.role')}</th>
                <th>{t('manage.col.since')}</th>
                <th>{t('manage.col.address')}</th>
                <th>{t('manage.col.seat')}</th>
                <th>{t('manage.col.online')}</th>
                <th>{t('manage.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {logins.data.map((l) => (
                <tr key={l.loginId} data-login={l.user.email}>
                  <td>
                    {l.user.name} <span class="ll-muted">{l.user.email}</span>
                  </td>
                  <td>{t(`manage.role.${l.role}`)}</td>
                  <td>{f.when(l.since)}</td>
                  <td>{l.address}</td>
                  <td>{l.seat ? t('manage.yes') : t('manage.no')}</td>
                  <td>{l.online ? t('manage.yes') : t('manage.no')}</td>
                  <td>
                    <button type="button" class="ll-secondary" onClick={() => signOut(l.loginId)}>
                      {t('manage.logins.signOut')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}
