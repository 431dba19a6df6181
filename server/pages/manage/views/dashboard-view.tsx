/**
 * The dashboard: the period's figures (GET /api/v1/manage/stats) as numbers a manager reads at a
 * glance, and two charts drawn by Chart.js (canvas: nothing inline, so the strict CSP holds):
 * requests per hour and sessions per agent.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Stats } from '../../../../protocol/manage-api';
import type { MessageKey } from '../../../../ui/i18n/i18n';
import { useI18n } from '../../../../ui/i18n/use-i18n';
import { useApi, useFormatters, useLoad } from '../use-api';
import { Failure } from './common';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const HOUR_MS = 3_600_000;
const PERIODS: Record<'day' | 'week' | 'month', { hours: number; label: MessageKey }> = {
  day: { hours: 24, label: 'manage.period.day' },
  week: { hours: 24 * 7, label: 'manage.period.week' },
  month: { hours: 24 * 30, label: 'manage.period.month' },
};
type Period = keyof typeof PERIODS;
const ACCENT = '#1f6feb';

function BarChart({
  labels,
  values,
  label,
  horizontal,
}: {
  labels: string[];
  values: number[];
  label: string;
  horizontal?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: [{ label, data: values, backgroundColor: ACCENT }] },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    return () => chart.destroy();
  }, [labels.join('|'), values.join('|'), label]);
  return (
    <div class="ll-chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

export function DashboardView() {
  const { t, language } = useI18n();
  const { call } = useApi();
  const f = useFormatters();
  const [period, setPeriod] = useState<Period>('week');
  const [now] = useState(() => Date.now());
  const from = now - PERIODS[period].hours * HOUR_MS;
  const tz = -new Date().getTimezoneOffset();
  const { data, error } = useLoad(
    () => call(`/api/v1/manage/stats?from=${from}&to=${now}&tz=${tz}`, Stats),
    period,
  );
  const hourLabel = new Intl.DateTimeFormat(
    language,
    period === 'day'
      ? { hour: '2-digit', minute: '2-digit' }
      : { weekday: 'short', day: 'numeric', hour: '2-digit' },
  );
  const percent = (n: number) => (data && data.requests > 0 ? Math.round((100 * n) / data.requests) : 0);
  return (
    <div data-view="dashboard">
      <label class="ll-field ll-inline">
        <span>{t('manage.period')}</span>
        <select value={period} onChange={(e) => setPeriod(e.currentTarget.value as Period)} name="period">
          {(Object.keys(PERIODS) as Period[]).map((p) => (
            <option key={p} value={p}>
              {t(PERIODS[p].label)}
            </option>
          ))}
        </select>
      </label>
      <Failure error={error} />
      {data && (
        <>
          <dl class="ll-kpis">
            <div>
              <dt>{t('manage.stat.requests')}</dt>
              <dd data-kpi="requests">{f.number(data.requests)}</dd>
            </div>
            <div>
              <dt>{t('manage.stat.answered')}</dt>
              <dd data-kpi="answered">{f.number(data.answered)}</dd>
            </div>
            <div>
              <dt>{t('manage.stat.median')}</dt>
              <dd data-kpi="median">
                {data.answerMedianMs === null ? '–' : f.duration(data.answerMedianMs)}
              </dd>
            </div>
            <div>
              <dt>{t('manage.stat.p90')}</dt>
              <dd data-kpi="p90">{data.answerP90Ms === null ? '–' : f.duration(data.answerP90Ms)}</dd>
            </div>
            <div>
              <dt>{t('manage.stat.abandoned')}</dt>
              <dd data-kpi="abandoned">{f.number(data.abandoned)}</dd>
            </div>
            <div>
              <dt>{t('manage.stat.screen')}</dt>
              <dd data-kpi="screen">
                {t('manage.stat.percent', {
                  count: data.screenSharing.customerScreen,
                  percent: percent(data.screenSharing.customerScreen),
                })}
              </dd>
            </div>
            <div>
              <dt>{t('manage.stat.shareMyScreen')}</dt>
              <dd data-kpi="share">
                {t('manage.stat.percent', {
                  count: data.screenSharing.shareMyScreen,
                  percent: percent(data.screenSharing.shareMyScreen),
                })}
              </dd>
            </div>
          </dl>
          <h2>{t('manage.chart.perHour')}</h2>
          <BarChart
            label={t('manage.chart.requests')}
            labels={data.requestsPerHour.map((b) => hourLabel.format(b.at))}
            values={data.requestsPerHour.map((b) => b.count)}
          />
          <h2>{t('manage.chart.perAgent')}</h2>
          <BarChart
            horizontal
            label={t('manage.chart.sessions')}
            labels={data.sessionsPerAgent.map((a) => a.agent.name)}
            values={data.sessionsPerAgent.map((a) => a.sessions)}
          />
        </>
      )}
    </div>
  );
}
