/**
 * Session reports: search (words, portal, outcome, dates), a page of sessions with every column
 * a help desk files on, CSV export of the same search, and a session's detail with its transfers,
 * files and chat transcript. Live sessions (waiting or in progress) refresh every few seconds.
 * Everything customers and agents typed is shown as text.
 */
import { useEffect, useState } from 'preact/hooks';
import * as z from 'zod';
import { PortalView } from '../../../../protocol/http-api';
import { LiveSessions, SessionDetail, SessionPage, type SessionRow } from '../../../../protocol/manage-api';
import { useI18n } from '../../../../ui/i18n/use-i18n';
import { ApiError } from '../../shared/api-client';
import { useApi, useFormatters, useLoad } from '../use-api';
import { Failure, Pager } from './common';

const PAGE_ROWS = 25;
/** How often the live list refreshes, in ms. */
const LIVE_REFRESH_MS = 5_000;
const PortalsAnswer = z.object({ portals: z.array(PortalView) });
const DAY_MS = 24 * 3600_000;

interface Filters {
  q: string;
  portal: string;
  outcome: string;
  from: string;
  to: string;
}

function queryOf(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.portal) p.set('portal', f.portal);
  if (f.outcome) p.set('outcome', f.outcome);
  if (f.from) p.set('from', String(new Date(`${f.from}T00:00`).getTime()));
  if (f.to) p.set('to', String(new Date(`${f.to}T00:00`).getTime() + DAY_MS));
  return p;
}

function SessionTable({ sessions, onOpen }: { sessions: SessionRow[]; onOpen?: (id: string) => void }) {
  const { t } = useI18n();
  const f = useFormatters();
  if (sessions.length === 0) return <p class="ll-muted">{t('manage.empty')}</p>;
  return (
    <table class="ll-table ll-sessions">
      <thead>
        <tr>
          <th>{t('manage.col.date')}</th>
          <th>{t('manage.col.portal')}</th>
          <th>{t('manage.col.agents')}</th>
          <th>{t('manage.col.customer')}</th>
          <th>{t('manage.col.system')}</th>
          <th>{t('manage.col.wait')}</th>
          <th>{t('manage.col.duration')}</th>
          <th>{t('manage.col.outcome')}</th>
          <th>{t('manage.col.comment')}</th>
          <th>{t('manage.col.transfers')}</th>
          <th>{t('manage.col.files')}</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <tr key={s.id} data-session={s.id}>
            <td>
              {onOpen ? (
                <button type="button" class="ll-link-button" onClick={() => onOpen(s.id)}>
                  {f.when(s.createdAt)}
                </button>
              ) : (
                f.when(s.createdAt)
              )}
            </td>
            <td>{s.portal.name}</td>
            <td>{s.agents.map((a) => a.name).join(', ')}</td>
            <td>
              {s.customerName}
              {s.customerEmail && <span class="ll-muted ll-block">{s.customerEmail}</span>}
            </td>
            <td>{s.system ?? ''}</td>
            <td>{s.waitMs === null ? '–' : f.duration(s.waitMs)}</td>
            <td>{f.duration(s.durationMs)}</td>
            <td>{t(`manage.outcome.${s.outcome}`)}</td>
            <td class="ll-pre">{s.comment}</td>
            <td>
              {s.transfers.map((x, i) => (
                <span key={i} class="ll-block">
                  {t('manage.sessions.transferTo', { from: x.from?.name ?? '?', to: x.to.name })}
                  {x.comment && <span class="ll-muted ll-pre ll-block">{x.comment}</span>}
                </span>
              ))}
            </td>
            <td>{s.files.length || ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DetailView({ id, onBack }: { id: string; onBack: () => void }) {
  const { t } = useI18n();
  const f = useFormatters();
  const { call } = useApi();
  const { data, error } = useLoad(
    () => call(`/api/v1/manage/sessions/${encodeURIComponent(id)}`, SessionDetail),
    id,
  );
  return (
    <div data-view="session-detail">
      <button type="button" class="ll-secondary" onClick={onBack}>
        {t('manage.sessions.back')}
      </button>
      <Failure error={error} />
      {data && (
        <>
          <SessionTable sessions={[data.session]} />
          <h2>{t('manage.sessions.problem')}</h2>
          <p class="ll-pre" data-field="problem">
            {data.session.problem}
          </p>
          {data.session.endedBy && (
            <p>
              {t('manage.sessions.endedBy')} {t(`manage.endedBy.${data.session.endedBy}`)}
            </p>
          )}
          {data.session.files.length > 0 && (
            <>
              <h2>{t('manage.col.files')}</h2>
              <ul class="ll-list" data-field="files">
                {data.session.files.map((file, i) => (
                  <li key={i}>
                    {f.when(file.at)} · {file.name} · {f.size(file.size)} ·{' '}
                    {t(`manage.direction.${file.direction}`)} · <code>sha256:{file.sha256}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
          <h2>{t('manage.sessions.transcript')}</h2>
          {data.transcript.length === 0 ? (
            <p class="ll-muted">{t('manage.sessions.noTranscript')}</p>
          ) : (
            <ol class="ll-transcript" data-field="transcript">
              {data.transcript.map((line) => (
                <li key={line.seq}>
                  <span class="ll-muted">{f.when(line.at)} </span>
                  <strong>{line.from.kind === 'system' ? 'Lifeline' : line.from.name}: </strong>
                  <span class="ll-pre">{line.text}</span>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </div>
  );
}

export function SessionsView({
  openId,
  onOpen,
}: {
  openId: string | null;
  onOpen: (id: string | null) => void;
}) {
  const { t } = useI18n();
  const { call, token, errorText } = useApi();
  const [draft, setDraft] = useState<Filters>({ q: '', portal: '', outcome: '', from: '', to: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [offset, setOffset] = useState(0);
  const [exportError, setExportError] = useState<string | null>(null);
  const portals = useLoad(
    () => call('/api/v1/manage/portals', PortalsAnswer).then((a) => a.portals),
    'portals',
  );
  const query = queryOf(filters);
  const key = `${query.toString()}@${offset}`;
  const page = useLoad(
    () =>
      call(`/api/v1/manage/sessions?${query.toString()}&offset=${offset}&limit=${PAGE_ROWS}`, SessionPage),
    key,
  );
  if (openId) return <DetailView id={openId} onBack={() => onOpen(null)} />;

  const exportCsv = () => {
    setExportError(null);
    fetch(`/api/v1/manage/sessions/export.csv?${query.toString()}`, {
      headers: { Authorization: `Bearer ${token}` },
      credentials: 'omit',
    })
      .then(async (res) => {
        if (!res.ok) throw new ApiError('internal_error', `HTTP ${res.status}`, res.status);
        const url = URL.createObjectURL(await res.blob());
        const a = document.createElement('a');
        a.href = url;
        a.download =
          /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ??
          'lifeline-sessions.csv';
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      })
      .catch((err: unknown) => setExportError(errorText(err)));
  };
  const field = (name: keyof Filters) => ({
    name,
    value: draft[name],
    onInput: (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
      setDraft({ ...draft, [name]: e.currentTarget.value }),
  });
  return (
    <div data-view="sessions">
      <form
        class="ll-form ll-inline-form"
        data-form="search"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setFilters(draft);
        }}
      >
        <label class="ll-field ll-wide">
          <span>{t('manage.sessions.search')}</span>
          <input type="search" maxLength={200} {...field('q')} />
        </label>
        <label class="ll-field">
          <span>{t('manage.col.portal')}</span>
          <select {...field('portal')}>
            <option value="">{t('manage.sessions.any')}</option>
            {(portals.data ?? []).map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label class="ll-field">
          <span>{t('manage.col.outcome')}</span>
          <select {...field('outcome')}>
            <option value="">{t('manage.sessions.any')}</option>
            {(['waiting', 'in_progress', 'completed', 'abandoned'] as const).map((o) => (
              <option key={o} value={o}>
                {t(`manage.outcome.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <label class="ll-field">
          <span>{t('manage.sessions.from')}</span>
          <input type="date" {...field('from')} />
        </label>
        <label class="ll-field">
          <span>{t('manage.sessions.to')}</span>
          <input type="date" {...field('to')} />
        </label>
        <button type="submit" class="ll-primary">
          {t('manage.sessions.find')}
        </button>
        <button type="button" class="ll-secondary" data-action="export" onClick={exportCsv}>
          {t('manage.sessions.export')}
        </button>
      </form>
      <Failure error={page.error ?? exportError} />
      {page.data && (
        <>
          <SessionTable sessions={page.data.sessions} onOpen={onOpen} />
          <Pager offset={offset} limit={PAGE_ROWS} total={page.data.total} onPage={setOffset} />
        </>
      )}
    </div>
  );
}

export function LiveView() {
  const { t } = useI18n();
  const { call } = useApi();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const { data, error } = useLoad(
    () => call('/api/v1/manage/sessions/live', LiveSessions).then((a) => a.sessions),
    String(tick),
  );
  return (
    <div data-view="live">
      <Failure error={error} />
      {data &&
        (data.length === 0 ? (
          <p class="ll-muted">{t('manage.live.none')}</p>
        ) : (
          <SessionTable sessions={data} />
        ))}
    </div>
  );
}
