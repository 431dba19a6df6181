/** The audit log: filter by who, action (or prefix) and dates, page through, check the hash chain. */
import { useState } from 'preact/hooks';
import { AuditPage, AuditVerifyView } from '../../../../protocol/manage-api';
import { useI18n } from '../../../../ui/i18n/use-i18n';
import { useApi, useFormatters, useLoad } from '../use-api';
import { Failure, Pager } from './common';

const PAGE_ROWS = 50;

export function AuditView() {
  const { t } = useI18n();
  const f = useFormatters();
  const { call, errorText } = useApi();
  const [draft, setDraft] = useState({ actor: '', action: '' });
  const [filters, setFilters] = useState(draft);
  const [offset, setOffset] = useState(0);
  const [verdict, setVerdict] = useState<{ ok: boolean; text: string } | null>(null);
  const params = new URLSearchParams();
  if (filters.actor.trim()) params.set('actor', filters.actor.trim());
  if (filters.action.trim()) params.set('action', filters.action.trim());
  params.set('offset', String(offset));
  params.set('limit', String(PAGE_ROWS));
  const page = useLoad(() => call(`/api/v1/manage/audit?${params.toString()}`, AuditPage), params.toString());
  const verify = () =>
    call('/api/v1/manage/audit/verify', AuditVerifyView)
      .then((v) =>
        setVerdict(
          v.ok
            ? { ok: true, text: t('manage.audit.intact', { count: v.entries }) }
            : { ok: false, text: t('manage.audit.broken', { id: v.brokenAt ?? 0, action: v.action ?? '' }) },
        ),
      )
      .catch((err: unknown) => setVerdict({ ok: false, text: errorText(err) }));
  return (
    <div data-view="audit">
      <form
        class="ll-form ll-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setFilters(draft);
        }}
      >
        <label class="ll-field">
          <span>{t('manage.audit.actor')}</span>
          <input
            name="actor"
            maxLength={200}
            value={draft.actor}
            onInput={(e) => setDraft({ ...draft, actor: e.currentTarget.value })}
          />
        </label>
        <label class="ll-field">
          <span>{t('manage.audit.action')}</span>
          <input
            name="action"
            maxLength={100}
            value={draft.action}
            onInput={(e) => setDraft({ ...draft, action: e.currentTarget.value })}
          />
        </label>
        <button type="submit" class="ll-primary">
          {t('manage.audit.filter')}
        </button>
        <button type="button" class="ll-secondary" data-action="verify" onClick={() => void verify()}>
          {t('manage.audit.verify')}
        </button>
      </form>
      {verdict && (
        <p
          class={verdict.ok ? 'll-note' : 'll-error'}
          role="status"
          data-verdict={verdict.ok ? 'ok' : 'broken'}
        >
          {verdict.text}
        </p>
      )}
      <Failure error={page.error} />
      {page.data && (
        <>
          <table class="ll-table">
            <thead>
              <tr>
                <th>{t('manage.col.time')}</th>
                <th>{t('manage.col.actor')}</th>
                <th>{t('manage.col.action')}</th>
                <th>{t('manage.col.target')}</th>
                <th>{t('manage.col.details')}</th>
                <th>{t('manage.col.address')}</th>
              </tr>
            </thead>
            <tbody>
              {page.data.entries.map((e) => (
                <tr key={e.id} data-audit={e.id} title={`#${e.id} sha256:${e.hash}`}>
                  <td>{f.when(e.at)}</td>
                  <td>{e.actorName ?? e.actor}</td>
                  <td>{e.action}</td>
                  <td>{e.target ?? ''}</td>
                  <td class="ll-pre">{Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</td>
                  <td>{e.address ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager offset={offset} limit={PAGE_ROWS} total={page.data.total} onPage={setOffset} />
        </>
      )}
    </div>
  );
}
