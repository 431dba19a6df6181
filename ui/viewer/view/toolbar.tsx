/**
 * The viewer's toolbar: picture (fit / 1:1, full screen, which screen, sharp text, refresh),
 * keyboard (special keys, system keys, viewer shortcuts), pause/resume, screenshot, clipboard, and
 * restarting the customer's computer (reboot-control.tsx: when they granted it and the manager allows
 * it; confirmed first).
 * Every action hands the keyboard back to the picture afterwards.
 */
import type { InputEvent } from '../../../protocol/data/input';
import type { ScreenTarget } from '../../../protocol/screen/screen-control';
import type { ViewerController, ViewerPrefs } from '../viewer-controller';
import type { ViewerSnapshot } from '../viewer-session';
import type { Translate, ViewerTextKey } from '../viewer-text';
import { RebootButton } from './reboot-control';

type Combo = Extract<InputEvent, { type: 'keys.combo' }>['combo'];

const COMBOS: readonly { combo: Combo; key: ViewerTextKey }[] = [
  { combo: 'ctrl-alt-del', key: 'combo_ctrlAltDel' },
  { combo: 'super', key: 'combo_super' },
  { combo: 'print-screen', key: 'combo_printScreen' },
  { combo: 'alt-tab', key: 'combo_altTab' },
  { combo: 'alt-f4', key: 'combo_altF4' },
];

function targetValue(t: ScreenTarget): string {
  return t.kind === 'desktop' ? 'desktop' : `monitor:${t.id}`;
}

function parseTarget(v: string): ScreenTarget {
  const m = /^monitor:(\d{1,2})$/.exec(v);
  return m ? { kind: 'monitor', id: Number(m[1]) } : { kind: 'desktop' };
}

export function Toolbar(props: {
  t: Translate;
  state: ViewerSnapshot;
  prefs: ViewerPrefs;
  controller: ViewerController;
  fullscreen: boolean;
}) {
  const { t, state, prefs, controller } = props;
  const session = controller.session;
  const live = state.phase === 'streaming' || state.phase === 'paused' || state.phase === 'waiting_picture';
  const control = state.controlAllowed;
  const then = (fn: () => void) => () => {
    fn();
    controller.focus();
  };
  return (
    <nav class="viewer-toolbar" aria-label={t('title')}>
      <div class="group">
        <button
          type="button"
          class="scale-toggle"
          data-scale={prefs.scale}
          aria-pressed={prefs.scale === 'actual'}
          onClick={then(() => controller.setPrefs({ scale: prefs.scale === 'fit' ? 'actual' : 'fit' }))}
        >
          {prefs.scale === 'fit' ? t('scaleActual') : t('scaleFit')}
        </button>
        <button type="button" class="fullscreen" onClick={() => void controller.toggleFullscreen()}>
          {props.fullscreen ? t('exitFullscreen') : t('fullscreen')}
        </button>
        {state.monitors.length > 1 && (
          <label class="monitor-picker">
            <span>{t('monitorLabel')}</span>
            <select
              value={targetValue(state.selected)}
              onChange={(e) => {
                session.selectMonitor(parseTarget(e.currentTarget.value));
                controller.focus();
              }}
            >
              <option value="desktop">{t('monitorAll')}</option>
              {state.monitors.map((m) => (
                <option key={m.id} value={`monitor:${m.id}`}>
                  {t(
                    'monitorItem',
                    m.name || String(m.id + 1),
                    String(m.bounds.width),
                    String(m.bounds.height),
                  )}
                </option>
              ))}
            </select>
          </label>
        )}
        <label class="check lossless">
          <input
            type="checkbox"
            checked={state.quality === 'lossless'}
            disabled={!live}
            onChange={(e) => {
              session.setQuality(e.currentTarget.checked ? 'lossless' : 'auto');
              controller.focus();
            }}
          />
          {t('qualityLossless')}
        </label>
        <label class="check plain-background">
          <input
            type="checkbox"
            checked={state.background !== 'off'}
            disabled={!live || state.helperBrowser || state.background === 'asking'}
            onChange={(e) => {
              session.setPlainBackground(e.currentTarget.checked);
              controller.focus();
            }}
          />
          {state.background === 'asking' ? t('plainBackgroundAsking') : t('plainBackground')}
        </label>
      </div>
      <div class="group">
        <details class="menu keyboard-menu">
          <summary>{t('keyboardMenu')}</summary>
          <div class="menu-body">
            <p class="menu-title">{t('specialKeys')}</p>
            {COMBOS.map(({ combo, key }) => (
              <button
                type="button"
                key={combo}
                class={`combo combo-${combo}`}
                disabled={!control}
                onClick={() => controller.sendCombo(combo)}
              >
                {t(key)}
              </button>
            ))}
            <label class="check">
              <input
                type="checkbox"
                class="pass-system-keys"
                checked={prefs.passSystemKeys}
                onChange={(e) => controller.setPrefs({ passSystemKeys: e.currentTarget.checked })}
              />
              {t('passSystemKeys')}
            </label>
            <label class="check">
              <input
                type="checkbox"
                class="viewer-shortcuts"
                checked={prefs.viewerShortcuts}
                onChange={(e) => controller.setPrefs({ viewerShortcuts: e.currentTarget.checked })}
              />
              {t('viewerShortcuts')}
            </label>
          </div>
        </details>
      </div>
      <div class="group">
        {state.phase === 'paused' ? (
          <button
            type="button"
            class="resume primary"
            disabled={state.pausePending === 'resume' || state.paused?.by === 'customer'}
            onClick={then(() => session.resume())}
          >
            {state.pausePending === 'resume' ? t('resuming') : t('resume')}
          </button>
        ) : (
          <button
            type="button"
            class="pause"
            disabled={!live || state.pausePending === 'pause'}
            onClick={then(() => session.pause())}
          >
            {state.pausePending === 'pause' ? t('pausing') : t('pause')}
          </button>
        )}
        <button
          type="button"
          class="screenshot"
          disabled={state.frame === null}
          onClick={() => void controller.screenshot().then(() => controller.focus())}
        >
          {t('screenshot')}
        </button>
        <button
          type="button"
          class="clip-push"
          disabled={!live || !state.grants?.clipboard}
          onClick={() => void controller.pushClipboard().then(() => controller.focus())}
        >
          {t('clipPush')}
        </button>
        <button
          type="button"
          class="clip-pull"
          disabled={!live || !state.grants?.clipboard}
          onClick={then(() => controller.pullClipboard())}
        >
          {t('clipPull')}
        </button>
        <RebootButton t={t} state={state} session={session} live={live} />
      </div>
    </nav>
  );
}
