/**
 * API tokens (read-only or full, with an expiry; the token shown once; revocable) and webhooks
 * (URL and events; the signing secret shown once; pause, delete, and the delivery log).
 */
import { useState } from 'preact/hooks';
import * as z from 'zod';
import {
  ApiTokenView,
  CreatedApiToken,
  CreatedWebhook,
  DeliveryView,
  WebhookEventName,
  WebhookView,
} from '../../../../protocol/manage-api';
import { TITLE_MAX_CHARS } from '../../../../protocol/limits';
import { useI18n } from '../../../../ui/i18n/use-i18n';
import { TextField } from '../../shared/text-field';
import { useApi, useFormatters, useLoad } from '../use-api';
import { Failure, OneTimeValue, Section } from './common';

const DAY_MS = 24 * 3600_000;
const EVENTS = WebhookEventName.options;

function TokensSection() {
  const { t } = useI18n();
  const f = useFormatters();
  const { call, errorText } = useApi();
  const list = useLoad(
    () =>
      call('/api/v1/manage/api-tokens', z.object({ tokens: z.array(ApiTokenView) })).then((a) => a.tokens),
    'tokens',
  );
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'full'>('read');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = (e: Event) => {
    e.preventDefault();
    setError(null);
    const expiresAt = days.trim() === '' ? null : Date.now() + Number(days) * DAY_MS;
    call('/api/v1/manage/api-tokens', CreatedApiToken, { method: 'POST', body: { name, scope, expiresAt } })
      .then((r) => {
        setCreated(r.token);
        setName('');
        list.reload();
      })
      .catch((err: unknown) => setError(errorText(err)));
  };
  const revoke = (id: string) =>
    call(`/api/v1/manage/api-tokens/${id}`, z.null(), { method: 'DELETE' })
      .then(list.reload)
      .catch((err: unknown) => setError(errorText(err)));
  return (
    <Section title={t('manage.tokens.title')}>
      <form class="ll-form ll-inline-form" onSubmit={create} data-form="token">
        <TextField
          label={t('manage.tokens.name')}
          name="token-name"
          required
          maxLength={TITLE_MAX_CHARS}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <label class="ll-field">
          <span>{t('manage.col.scope')}</span>
          <select
            name="scope"
            value={scope}
            onChange={(e) => setScope(e.currentTarget.value === 'full' ? 'full' : 'read')}
          >
            <option value="read">{t('manage.tokens.scope.read')}</option>
            <option value="full">{t('manage.tokens.scope.full')}</option>
          </select>
        </label>
        <label class="ll-field">
          <span>{t('manage.tokens.expiresDays')}</span>
          <input
            name="days"
            type="number"
            min={1}
            max={3650}
            value={days}
            onInput={(e) => setDays(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="ll-primary">
          {t('manage.tokens.create')}
        </button>
      </form>
      {created && <OneTimeValue label={t('manage.tokens.shownOnce')} value={created} />}
      <Failure error={error ?? list.error} />
      {list.data && list.data.length > 0 && (
        <table class="ll-table">
          <thead>
            <tr>
              <th>{t('manage.col.name')}</th>
              <th>{t('manage.col.scope')}</th>
              <th>{t('manage.col.created')}</th>
              <th>{t('manage.col.expires')}</th>
              <th>{t('manage.col.lastUsed')}</th>
              <th>{t('manage.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((tok) => (
              <tr key={tok.id} data-token={tok.name}>
                <td>{tok.name}</td>
                <td>{t(`manage.tokens.scope.${tok.scope}`)}</td>
                <td>{f.when(tok.createdAt)}</td>
                <td>{tok.expiresAt === null ? t('manage.tokens.never') : f.when(tok.expiresAt)}</td>
                <td>{tok.lastUsedAt === null ? '' : f.when(tok.lastUsedAt)}</td>
                <td>
                  {tok.revokedAt === null ? (
                    <button type="button" class="ll-secondary" onClick={() => void revoke(tok.id)}>
                      {t('manage.tokens.revoke')}
                    </button>
                  ) : (
                    t('manage.tokens.revoked')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a class="ll-link" href="/api/v1/openapi.json">
          {t('manage.apiDocs')}
        </a>
      </p>
    </Section>
  );
}

function Deliveries({ id }: { id: string }) {
  const { t } = useI18n();
  const f = useFormatters();
  const { call } = useApi();
  const { data, error, reload } = useLoad(
    () =>
      call(`/api/v1/manage/webhooks/${id}/deliveries`, z.object({ deliveries: z.array(DeliveryView) })).then(
        (a) => a.deliveries,
      ),
    id,
  );
  return (
    <div data-deliveries={id}>
      <button type="button" class="ll-secondary" onClick={reload}>
        {t('manage.reload')}
      </button>
      <Failure error={error} />
      {data && (
        <table class="ll-table">
          <thead>
            <tr>
              <th>{t('manage.col.time')}</th>
              <th>{t('manage.col.events')}</th>
              <th>{t('manage.col.state')}</th>
              <th>{t('manage.col.attempts')}</th>
              <th>{t('manage.col.result')}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.id}>
                <td>{f.when(d.createdAt)}</td>
                <td>{d.event}</td>
                <td>
                  {t(`manage.delivery.${d.state}`)}
                  {d.state === 'pending' && d.nextAttemptAt !== null && (
                    <span class="ll-muted"> ({f.when(d.nextAttemptAt)})</span>
                  )}
                </td>
                <td>{d.attempts}</td>
                <td>{d.lastError ?? (d.lastStatus !== null ? `HTTP ${d.lastStatus}` : '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function WebhooksSection() {
  const { t } = useI18n();
  const { call, errorText } = useApi();
  const list = useLoad(
    () =>
      call('/api/v1/manage/webhooks', z.object({ webhooks: z.array(WebhookView) })).then((a) => a.webhooks),
    'hooks',
  );
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([...EVENTS]);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (err: unknown) => setError(errorText(err));
  const create = (e: Event) => {
    e.preventDefault();
    setError(null);
    call('/api/v1/manage/webhooks', CreatedWebhook, { method: 'POST', body: { url, events } })
      .then((r) => {
        setSecret(r.secret);
        setUrl('');
        list.reload();
      })
      .catch(fail);
  };
  return (
    <Section title={t('manage.webhooks.title')}>
      <form class="ll-form ll-inline-form" onSubmit={create} data-form="webhook">
        <label class="ll-field ll-wide">
          <span>{t('manage.webhooks.url')}</span>
          <input
            name="url"
            type="url"
            required
            maxLength={2000}
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </label>
        <fieldset class="ll-features">
          <legend>{t('manage.col.events')}</legend>
          {EVENTS.map((ev) => (
            <label key={ev} class="ll-check">
              <input
                type="checkbox"
                name={ev}
                checked={events.includes(ev)}
                onChange={(e) =>
                  setEvents(e.currentTarget.checked ? [...events, ev] : events.filter((x) => x !== ev))
                }
              />
              <code>{ev}</code>
            </label>
          ))}
        </fieldset>
        <button type="submit" class="ll-primary">
          {t('manage.webhooks.create')}
        </button>
      </form>
      {secret && <OneTimeValue label={t('manage.webhooks.secret')} value={secret} />}
      <Failure error={error ?? list.error} />
      {list.data && list.data.length > 0 && (
        <table class="ll-table">
          <thead>
            <tr>
              <th>{t('manage.col.url')}</th>
              <th>{t('manage.col.events')}</th>
              <th>{t('manage.col.state')}</th>
              <th>{t('manage.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((h) => (
              <>
                <tr key={h.id} data-webhook={h.url}>
                  <td>{h.url}</td>
                  <td>{h.events.join(', ')}</td>
                  <td>{h.active ? t('manage.webhooks.active') : t('manage.webhooks.paused')}</td>
                  <td class="ll-actions-cell">
                    <button
                      type="button"
                      class="ll-secondary"
                      onClick={() => setOpen(open === h.id ? null : h.id)}
                    >
                      {t('manage.webhooks.deliveries')}
                    </button>
                    <button
                      type="button"
                      class="ll-secondary"
                      onClick={() =>
                        void call(`/api/v1/manage/webhooks/${h.id}`, WebhookView, {
                          method: 'PATCH',
                          body: { active: !h.active },
                        })
                          .then(list.reload)
                          .catch(fail)
                      }
                    >
                      {h.active ? t('manage.webhooks.pause') : t('manage.webhooks.resume')}
                    </button>
                    <button
                      type="button"
                      class="ll-secondary"
                      onClick={() =>
                        void call(`/api/v1/manage/webhooks/${h.id}`, z.null(), { method: 'DELETE' })
                          .then(list.reload)
                          .catch(fail)
                      }
                    >
                      {t('manage.delete')}
                    </button>
                  </td>
                </tr>
                {open === h.id && (
                  <tr key={`${h.id}-log`}>
                    <td colSpan={4}>
                      <Deliveries id={h.id} />
                    </td>
                  </tr>
                )}
              </>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

export function IntegrationsView() {
  return (
    <div data-view="integrations">
      <TokensSection />
      <WebhooksSection />
    </div>
  );
}
