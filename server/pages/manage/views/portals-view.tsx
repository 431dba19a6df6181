/**
 * Portals: create one (address, name and colour customers see), rename it, change its colour,
 * choose the agents who serve it, and copy its support link to give customers.
 */
import { useState } from 'preact/hooks';
import * as z from 'zod';
import { PortalView, UserView } from '../../../../protocol/http-api';
import { SLUG_MAX_CHARS, TITLE_MAX_CHARS } from '../../../../protocol/limits';
import { useI18n } from '../../../../ui/i18n/use-i18n';
import { TextField } from '../../shared/text-field';
import { useApi, useLoad } from '../use-api';
import { CopyButton, Failure, Section } from './common';
import { TransferTimeoutForm } from './transfer-timeout-form';

const PortalsAnswer = z.object({ portals: z.array(PortalView) });
const UsersAnswer = z.object({ users: z.array(UserView) });
type Portal = z.infer<typeof PortalView>;
const DEFAULT_COLOUR = '#1f6feb';

function PortalRow({
  portal,
  agents,
  onChanged,
}: {
  portal: Portal;
  agents: z.infer<typeof UserView>[];
  onChanged: (p: Portal) => void;
}) {
  const { t } = useI18n();
  const { call, errorText } = useApi();
  const [name, setName] = useState(portal.name);
  const [pick, setPick] = useState('');
  const [error, setError] = useState<string | null>(null);
  const run = (p: Promise<Portal>) => p.then(onChanged).catch((err: unknown) => setError(errorText(err)));
  const patch = (body: Record<string, unknown>) =>
    run(call(`/api/v1/manage/portals/${portal.slug}`, PortalView, { method: 'PATCH', body }));
  const swatch = (el: HTMLElement | null) => {
    // CSSOM, not a style attribute: the strict CSP allows it.
    if (el) el.style.backgroundColor = portal.colour ?? DEFAULT_COLOUR;
  };
  const serving = new Set(portal.agents.map((a) => a.id));
  return (
    <tr data-portal={portal.slug}>
      <td>
        <form
          class="ll-row"
          onSubmit={(e) => {
            e.preventDefault();
            void patch({ name });
          }}
        >
          <input
            name="portal-name"
            aria-label={t('manage.portals.name')}
            maxLength={TITLE_MAX_CHARS}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <button type="submit" class="ll-secondary">
            {t('manage.portals.rename')}
          </button>
        </form>
      </td>
      <td>
        <span class="ll-swatch" ref={swatch} aria-hidden="true" />
        <input
          type="color"
          name="portal-colour"
          aria-label={t('manage.portals.colour')}
          value={portal.colour ?? DEFAULT_COLOUR}
          onChange={(e) => void patch({ colour: e.currentTarget.value })}
        />
      </td>
      <td>
        <a href={`/support/${portal.slug}`} class="ll-link">
          {portal.link ?? `/support/${portal.slug}`}
        </a>{' '}
        <CopyButton text={portal.link ?? `${location.origin}/support/${portal.slug}`} />
      </td>
      <td>
        <ul class="ll-list">
          {portal.agents.map((a) => (
            <li key={a.id}>
              {a.name}{' '}
              <button
                type="button"
                class="ll-secondary"
                onClick={() =>
                  void run(
                    call(`/api/v1/manage/portals/${portal.slug}/agents/${a.id}`, PortalView, {
                      method: 'DELETE',
                    }),
                  )
                }
              >
                {t('manage.portals.remove')}
              </button>
            </li>
          ))}
        </ul>
        <form
          class="ll-row"
          data-form="assign"
          onSubmit={(e) => {
            e.preventDefault();
            if (pick)
              void run(
                call(`/api/v1/manage/portals/${portal.slug}/agents`, PortalView, {
                  method: 'POST',
                  body: { email: pick },
                }),
              );
          }}
        >
          <select
            name="assign"
            aria-label={t('manage.portals.assign')}
            value={pick}
            onChange={(e) => setPick(e.currentTarget.value)}
          >
            <option value="">{t('manage.portals.assign')}</option>
            {agents
              .filter((a) => !serving.has(a.id) && a.state !== 'deactivated')
              .map((a) => (
                <option key={a.id} value={a.email}>
                  {a.name} ({a.email})
                </option>
              ))}
          </select>
          <button type="submit" class="ll-secondary">
            {t('manage.portals.assign')}
          </button>
        </form>
        <Failure error={error} />
      </td>
    </tr>
  );
}

export function PortalsView() {
  const { t } = useI18n();
  const { call, errorText } = useApi();
  const portals = useLoad(
    () => call('/api/v1/manage/portals', PortalsAnswer).then((a) => a.portals),
    'portals',
  );
  const users = useLoad(() => call('/api/v1/manage/users', UsersAnswer).then((a) => a.users), 'users');
  const [changed, setChanged] = useState<Record<string, Portal>>({});
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [colour, setColour] = useState(DEFAULT_COLOUR);
  const [error, setError] = useState<string | null>(null);
  const create = (e: Event) => {
    e.preventDefault();
    setError(null);
    call('/api/v1/manage/portals', PortalView, { method: 'POST', body: { slug, name, colour } })
      .then(() => {
        setSlug('');
        setName('');
        setChanged({});
        portals.reload();
      })
      .catch((err: unknown) => setError(errorText(err)));
  };
  return (
    <div data-view="portals">
      <Section title={t('manage.portals.create')}>
        <form class="ll-form ll-inline-form" onSubmit={create} data-form="portal">
          <TextField
            label={t('manage.portals.slug')}
            name="slug"
            required
            pattern={'[a-z0-9]([a-z0-9\\-]*[a-z0-9])?'}
            maxLength={SLUG_MAX_CHARS}
            value={slug}
            onInput={(e) => setSlug(e.currentTarget.value)}
          />
          <TextField
            label={t('manage.portals.name')}
            name="name"
            required
            maxLength={TITLE_MAX_CHARS}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <label class="ll-field">
            <span>{t('manage.portals.colour')}</span>
            <input
              type="color"
              name="colour"
              value={colour}
              onInput={(e) => setColour(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="ll-primary">
            {t('manage.portals.create')}
          </button>
          <Failure error={error} />
        </form>
      </Section>
      <Failure error={portals.error ?? users.error} />
      {portals.data && (
        <table class="ll-table">
          <thead>
            <tr>
              <th>{t('manage.col.portal')}</th>
              <th>{t('manage.col.colour')}</th>
              <th>{t('manage.col.link')}</th>
              <th>{t('manage.col.agents')}</th>
            </tr>
          </thead>
          <tbody>
            {portals.data.map((p) => (
              <PortalRow
                key={p.slug}
                portal={changed[p.slug] ?? p}
                agents={users.data ?? []}
                onChanged={(next) => setChanged((c) => ({ ...c, [next.slug]: next }))}
              />
            ))}
          </tbody>
        </table>
      )}
      <TransferTimeoutForm />
    </div>
  );
}
