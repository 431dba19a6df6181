/**
 * The agent asked to see the screen. With the Lifeline extension on this page (page bridge) the
 * helper is started through it and the customer only answers the helper's own consent prompt;
 * without it (or when that fails) the page offers the helper download for the customer's system
 * and shows the join code, big and grouped for reading. Phones and tablets are told plainly that
 * screen sharing is not available there, as is any system the helper reports as unsupported.
 */
import { useMemo } from 'preact/hooks';
import { useI18n } from '../../i18n/use-i18n';
import type { MessageKey, TFunction } from '../../i18n/i18n';
import type { ScreenState } from '../../../protocol/common';
import { browserOs, type OsId } from '../detect-os';
import {
  groupJoinCode,
  hasHelper,
  helperCommand,
  helperDownloadUrl,
  HELPER_SYSTEMS,
} from '../helper-downloads';
import type { ViewProps } from './view-props';

export function osName(t: TFunction, os: OsId): string {
  return t(`os.${os}`);
}

export function ScreenSharePanel({ model, actions }: ViewProps) {
  const { t, language } = useI18n();
  const os = useMemo(() => browserOs(), []);
  const screen = model.screen;
  const agent = screen.request?.agentName ?? model.session?.agentName ?? '';

  if (screen.unsupportedOs !== null) {
    const name = screen.unsupportedOs.trim() === '' ? osName(t, os) : screen.unsupportedOs;
    return (
      <div class="ll-screen ll-note" role="status" data-screen="os-not-supported">
        <p>{t('support.screen.osNotSupported', { os: name, agent })}</p>
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
    return (
      <div class="ll-screen ll-note" role="status" data-screen="os-not-supported">
        <p>{t('support.screen.osNotSupported', { os: osName(t, os), agent })}</p>
      </div>
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
            <a class="ll-primary ll-button" href={helperDownloadUrl(os)} download="">
              {t('support.screen.download', { os: osName(t, os) })}
            </a>
            <details class="ll-other-systems">
              <summary>{t('support.screen.otherSystems')}</summary>
              <ul>
                {HELPER_SYSTEMS.filter((s) => s !== os).map((s) => (
                  <li key={s}>
                    <a href={helperDownloadUrl(s)} download="">
                      {osName(t, s)}
                    </a>
                  </li>
                ))}
              </ul>
            </details>
          </li>
          <li>
            <p>{t('support.screen.step2')}</p>
            <p class="ll-join-code" aria-label={t('support.screen.codeLabel')} data-testid="join-code">
              {groupJoinCode(req.joinCode)}
            </p>
            <p class="ll-muted">{t('support.screen.expires', { time: expires })}</p>
            <details>
              <summary>{t('support.screen.command')}</summary>
              <code class="ll-command">{helperCommand(location.origin, req.joinCode)}</code>
            </details>
          </li>
          <li>
            <p>{t('support.screen.step3', { agent })}</p>
          </li>
        </ol>
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
