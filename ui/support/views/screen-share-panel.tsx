/**
 * The agent asked to see the screen. With the Lifeline extension on this page (page bridge) the
 * helper is started through it and the customer only answers the helper's own consent prompt;
 * without it (or when that fails) the page offers the helper download for the customer's system,
 * bound to this request (the helper joins by itself: nothing to type), and says exactly what the
 * customer will see: the file's name, what to double-click, the consent window. The join code is
 * shown too, for a helper that asks for it (a download used before, or one from elsewhere).
 * Phones and tablets are told plainly that screen sharing is not available there, as is any
 * system the helper reports as unsupported. When the customer declined, closed the helper's
 * window or stopped sharing, the page says so.
 */
import { useMemo } from 'preact/hooks';
import { useI18n } from '../../i18n/use-i18n';
import type { MessageKey, TFunction } from '../../i18n/i18n';
import type { ScreenState } from '../../../protocol/common';
import { browserOs, type OsId } from '../detect-os';
import {
  groupJoinCode,
  hasHelper,
  helperDownloadUrl,
  HELPER_DOWNLOADS,
  HELPER_SYSTEMS,
} from '../helper-downloads';
import { canShareFromBrowser } from '../detect-browser';
import { BrowserShareActive, BrowserShareOffer } from './browser-share-panel';
import type { ViewProps } from './view-props';

export function osName(t: TFunction, os: OsId): string {
  return t(`os.${os}`);
}

export function ScreenSharePanel({ model, actions }: ViewProps) {
  const { t, language } = useI18n();
  const os = useMemo(() => browserOs(), []);
  const screen = model.screen;
  const agent = screen.request?.agentName ?? model.session?.agentName ?? '';

  const browserShare = model.browserShare.phase;
  if (browserShare === 'connecting' || browserShare === 'sharing' || browserShare === 'reconnecting') {
    return <BrowserShareActive model={model} actions={actions} agent={agent} />;
  }
  const fromBrowser = canShareFromBrowser(os, navigator);

  if (screen.unsupportedOs !== null) {
    const name = screen.unsupportedOs.trim() === '' ? osName(t, os) : screen.unsupportedOs;
    return (
      <div class="ll-screen ll-note" role="status" data-screen="os-not-supported">
        <p>{t('support.screen.osNotSupported', { os: name, agent })}</p>
      </div>
    );
  }
  if (screen.state === 'none' && screen.ended) {
    return (
      <div class="ll-screen ll-screen-status" role="status" data-screen={`ended-${screen.ended.how}`}>
        <p>{t(`support.screen.ended.${screen.ended.how}`, { agent: screen.ended.agentName || agent })}</p>
      </div>
    );
  }
  const status = statusText(t, screen.state, agent);
  if (status !== null) {
    return (
      <div class="ll-screen ll-screen-status" role="status" data-screen={screen.state}>
        <p>{status}</p>
      </div>
    );
  }
  const req = screen.request;
  if (!req) return null;

  if (!hasHelper(os)) {
    if (!fromBrowser) {
      return (
        <div class="ll-screen ll-note" role="status" data-screen="os-not-supported">
          <p>{t('support.screen.osNotSupported', { os: osName(t, os), agent })}</p>
        </div>
      );
    }
    // No helper for this system (macOS, ChromeOS): the browser itself shows the screen.
    return (
      <section class="ll-screen" aria-labelledby="ll-screen-title" data-screen="browser-only">
        <h2 id="ll-screen-title">{t('support.screen.title', { agent })}</h2>
        <BrowserShareOffer model={model} actions={actions} os={os} agent={agent} main />
        <button type="button" class="ll-link" onClick={() => actions.dismissScreen()}>
          {t('support.screen.notNow')}
        </button>
      </section>
    );
  }

  const viaExtension = model.bridge.presence === 'present' && model.bridge.helper !== 'missing';
  const probing = model.bridge.presence === 'probing';
  const showDownload = !probing && (!viaExtension || screen.helper === 'failed');
  const expires = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(
    req.expiresAt,
  );

  return (
    <section class="ll-screen" aria-labelledby="ll-screen-title" data-screen="requested">
      <h2 id="ll-screen-title">{t('support.screen.title', { agent })}</h2>
      {(probing ||
        (viaExtension && screen.helper === 'starting') ||
        (viaExtension && screen.helper === 'idle')) && (
        <p class="ll-muted" data-testid="helper-starting">
          {t('support.screen.starting')}
        </p>
      )}
      {viaExtension && screen.helper === 'started' && <p>{t('support.screen.started', { agent })}</p>}
      {viaExtension && screen.helper === 'failed' && (
        <p class="ll-error">
          {t('support.screen.failed')}{' '}
          <button type="button" class="ll-link" onClick={() => actions.startHelper()}>
            {t('support.screen.retry')}
          </button>
        </p>
      )}
      {showDownload && (
        <ol class="ll-steps" data-testid="helper-download">
          <li>
            <p>{t('support.screen.step1', { os: osName(t, os) })}</p>
            {/* download="" keeps the server's file name; a bare `download` rendered download="true" and saved "true.html" */}
            <a
              class="ll-primary ll-button"
              href={helperDownloadUrl(os, req.ticket)}
              download=""
              data-testid="helper-download-link"
            >
              {t('support.screen.download', { os: osName(t, os) })}
            </a>
            {HELPER_SYSTEMS.length > 1 && (
              <details class="ll-other-systems">
                <summary>{t('support.screen.otherSystems')}</summary>
                <ul>
                  {HELPER_SYSTEMS.filter((s) => s !== os).map((s) => (
                    <li key={s}>
                      <a href={helperDownloadUrl(s, req.ticket)} download="">
                        {osName(t, s)}
                      </a>
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </li>
          <li>
            <p data-testid="helper-open-step">
              {HELPER_DOWNLOADS[os].program
                ? t('support.screen.step2Archive', {
                    file: HELPER_DOWNLOADS[os].file,
                    program: HELPER_DOWNLOADS[os].program,
                  })
                : t('support.screen.step2', { file: HELPER_DOWNLOADS[os].file })}
            </p>
          </li>
          <li>
            <p>{t('support.screen.step3', { agent })}</p>
            <p class="ll-muted">{t('support.screen.codeHint')}</p>
            <p class="ll-join-code" aria-label={t('support.screen.codeLabel')} data-testid="join-code">
              {groupJoinCode(req.joinCode)}
            </p>
            <p class="ll-muted">{t('support.screen.expires', { time: expires })}</p>
          </li>
        </ol>
      )}
      {showDownload && fromBrowser && (
        <BrowserShareOffer model={model} actions={actions} os={os} agent={agent} main={false} />
      )}
      <button type="button" class="ll-link" onClick={() => actions.dismissScreen()}>
        {t('support.screen.notNow')}
      </button>
    </section>
  );
}

/** What the page says for each sharing state reported by the server (null: nothing to say). */
const STATUS_KEYS: Record<ScreenState, MessageKey | null> = {
  none: null,
  requested: null,
  consented: 'support.screen.consented',
  streaming: 'support.screen.sharing',
  paused: 'support.screen.paused',
  reconnecting: 'support.screen.reconnecting',
};

function statusText(t: TFunction, state: ScreenState, agent: string): string | null {
  const key = STATUS_KEYS[state];
  return key === null ? null : t(key, { agent });
}
