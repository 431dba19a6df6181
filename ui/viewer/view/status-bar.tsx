/**
 * The viewer's header: the short authentication string (large, with what to do with it), the
 * connection quality (round trip, frame rate, throughput; the details in a tooltip and in data
 * attributes for diagnostics), the control badge (view only / you have control) and what is
 * happening now.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ErrorCode } from '../../../protocol/errors';
import { controlDisabledByAccount } from '../viewer-phase';
import type { ViewerSession, ViewerSnapshot } from '../viewer-session';
import type { StatsSnapshot } from '../viewer-stats';
import type { Translate, ViewerTextKey } from '../viewer-text';

/** How often the quality indicator refreshes, in ms. */
const STATS_REFRESH_MS = 1000;

export function StatusBar(props: { t: Translate; state: ViewerSnapshot; session: ViewerSession }) {
  const { t, state } = props;
  return (
    <header class="viewer-status">
      <h1 class="viewer-title">{t('title')}</h1>
      <SasBadge t={t} sas={state.sas} />
      <QualityIndicator t={t} session={props.session} active={state.sas !== null} />
      <ControlBadge t={t} state={state} />
      <p class="viewer-phase" role="status" data-phase={state.phase} title={phaseText(t, state)}>
        {phaseText(t, state)}
      </p>
    </header>
  );
}

function SasBadge(props: { t: Translate; sas: string | null }) {
  if (props.sas === null) return null;
  return (
    <div class="sas" title={props.t('sasHint')}>
      <span class="sas-label">{props.t('sasLabel')}</span>
      <strong class="sas-code" data-sas={props.sas}>
        {props.sas}
      </strong>
      <span class="sas-hint">{props.t('sasHint')}</span>
    </div>
  );
}

/** View only (why: the customer's consent or the agent's account) or "you have control". */
export function ControlBadge(props: { t: Translate; state: ViewerSnapshot }) {
  const { state, t } = props;
  // While paused nothing is sent either way: no badge rather than a "control" that does nothing.
  if (state.phase !== 'streaming' && state.phase !== 'waiting_picture') return null;
  if (state.helperBrowser) {
    // Shared from the customer's browser: nothing more than watching is possible.
    return (
      <span class="badge badge-view-only" data-control="false" data-reason="browser">
        {t('badgeViewOnlyBrowser')}
      </span>
    );
  }
  if (controlDisabledByAccount(state.features)) {
    // The manager's choice, not the customer's: say so, whatever the customer granted.
    return (
      <span class="badge badge-view-only" data-control="false" data-reason="feature_disabled">
        {t('badgeViewOnly')}
        <span class="badge-reason">{t('controlNotEnabled')}</span>
      </span>
    );
  }
  const control = state.grants?.control === true;
  return (
    <span
      class={`badge ${control ? 'badge-control' : 'badge-view-only'}`}
      data-control={String(control)}
      data-reason={control ? undefined : 'consent'}
    >
      {control ? t('badgeControl') : t('badgeViewOnly')}
    </span>
  );
}

function QualityIndicator(props: { t: Translate; session: ViewerSession; active: boolean }) {
  const { t, session } = props;
  const [stats, setStats] = useState<StatsSnapshot>(() => session.statsSnapshot());
  useEffect(() => {
    const timer = setInterval(() => setStats(session.statsSnapshot()), STATS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [session]);
  if (!props.active) return null;
  const rtt = stats.rttMs === null ? t('statsNoRtt') : t('statsRtt', String(Math.round(stats.rttMs)));
  const fps = t('statsFps', String(Math.round(stats.fps)));
  const rate = t('statsRate', String(Math.round(stats.bytesPerSecond / 1024)));
  const paint =
    stats.paintP50Ms === null
      ? ''
      : t('statsPaint', stats.paintP50Ms.toFixed(1), (stats.paintP95Ms ?? 0).toFixed(1));
  return (
    <div
      class={`quality quality-${stats.quality}`}
      data-quality={stats.quality}
      data-rtt-ms={stats.rttMs === null ? '' : String(Math.round(stats.rttMs))}
      data-fps={String(Math.round(stats.fps))}
      data-bytes-per-second={String(Math.round(stats.bytesPerSecond))}
      data-paint-p50-ms={stats.paintP50Ms === null ? '' : stats.paintP50Ms.toFixed(2)}
      data-paint-p95-ms={stats.paintP95Ms === null ? '' : stats.paintP95Ms.toFixed(2)}
      title={[rtt, fps, rate, paint].filter(Boolean).join(' · ')}
    >
      <span class="quality-dot" aria-hidden="true" />
      <span class="quality-text">{t(`quality_${stats.quality}`)}</span>
      <span class="quality-figures">
        {rtt} · {fps} · {rate}
      </span>
    </div>
  );
}

function refusedKey(code: ErrorCode | null): ViewerTextKey {
  switch (code) {
    case 'token_invalid':
    case 'signed_out':
    case 'account_inactive':
    case 'not_authenticated':
      return 'refused_token';
    case 'feature_disabled':
      return 'refused_feature';
    case 'session_not_found':
    case 'session_ended':
    case 'not_in_session':
      return 'refused_session';
    default:
      return 'refused_other';
  }
}

export function phaseText(t: Translate, s: ViewerSnapshot): string {
  if (s.phase === 'connecting')
    return s.connection === 'retrying' ? t('reconnecting') : t('phase_connecting');
  if (s.phase === 'waiting_helper' && s.helperReconnecting) return t('helperReconnecting');
  if (s.phase === 'waiting_helper' && s.helperEnded) return t(`helperEnded_${s.helperEnded}`);
  if (s.phase === 'refused') return `${t('phase_refused')} ${t(refusedKey(s.refusedCode))}`;
  if (s.phase === 'paused') return s.paused?.by === 'customer' ? t('pausedByCustomer') : t('pausedByAgent');
  if (s.phase === 'streaming') {
    if (s.damaged) return t('damaged');
    if (s.pausePending === 'pause') return t('pausing');
    return '';
  }
  return t(`phase_${s.phase}`);
}
