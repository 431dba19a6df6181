/**
 * Options: alert duration and sound, what alerts do while the agent is in a session, language,
 * and the viewer's preferences (placeholders the viewer fills in). A setting IT forced through
 * managed storage is shown disabled with "set by your IT department".
 */
import '../../ui/strict-csp-zod';
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { mountPage, usePageState } from '../lib/page-state';
import { t } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import {
  ALERT_SECONDS_MAX,
  ALERT_SECONDS_MIN,
  type EffectiveSettings,
  type SettingKey,
  type SettingsPatch,
} from '../lib/settings';

function Options() {
  const { effective: pushed } = usePageState('options');
  const [effective, setEffective] = useState<EffectiveSettings | null>(null);
  const [server, setServer] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => {
    void ask({ type: 'settings.get' }).then((r) => {
      setEffective(r.effective);
      setServer(r.serverOrigin);
    });
  }, []);
  useEffect(() => {
    if (pushed) setEffective(pushed);
  }, [pushed]);
  if (!effective) return <p>{t('loading')}</p>;
  const { settings, locked } = effective;
  const isLocked = (key: SettingKey) => locked.includes(key);
  const save = async (patch: SettingsPatch) => {
    try {
      const r = await ask({ type: 'settings.save', patch });
      setEffective(r.effective);
      setStatus(t('saved'));
    } catch {
      setStatus(t('saveFailed'));
    }
  };

  return (
    <main>
      <h1>{t('optionsTitle')}</h1>
      {server && <p class="muted">{t('optionsServer', server)}</p>}
      <fieldset>
        <legend>{t('optionsAlerts')}</legend>
        <Setting locked={isLocked('alertSeconds')}>
          <label for="alert-seconds">{t('optionsAlertSeconds', ALERT_SECONDS_MIN, ALERT_SECONDS_MAX)}</label>
          <input
            id="alert-seconds"
            type="number"
            min={ALERT_SECONDS_MIN}
            max={ALERT_SECONDS_MAX}
            step={1}
            disabled={isLocked('alertSeconds')}
            value={settings.alertSeconds}
            onChange={(e) => {
              const n = Math.round(Number(e.currentTarget.value));
              const clamped = Math.min(
                ALERT_SECONDS_MAX,
                Math.max(ALERT_SECONDS_MIN, Number.isFinite(n) ? n : 30),
              );
              e.currentTarget.value = String(clamped);
              void save({ alertSeconds: clamped });
            }}
          />
        </Setting>
        <Setting locked={isLocked('playSound')}>
          <Check
            id="play-sound"
            checked={settings.playSound}
            disabled={isLocked('playSound')}
            onChange={(v) => void save({ playSound: v })}
          >
            {t('optionsPlaySound')}
          </Check>
        </Setting>
      </fieldset>
      <fieldset>
        <legend>{t('optionsInSession')}</legend>
        <Setting locked={isLocked('inSessionShowAlerts')}>
          <Check
            id="in-session-alerts"
            checked={settings.inSessionShowAlerts}
            disabled={isLocked('inSessionShowAlerts')}
            onChange={(v) => void save({ inSessionShowAlerts: v })}
          >
            {t('optionsInSessionAlerts')}
          </Check>
        </Setting>
        <Setting locked={isLocked('inSessionPlaySound')}>
          <Check
            id="in-session-sound"
            checked={settings.inSessionPlaySound}
            disabled={isLocked('inSessionPlaySound')}
            onChange={(v) => void save({ inSessionPlaySound: v })}
          >
            {t('optionsInSessionSound')}
          </Check>
        </Setting>
      </fieldset>
      <fieldset>
        <legend>{t('optionsLanguage')}</legend>
        <Setting locked={isLocked('language')}>
          <label for="language">{t('optionsLanguageLabel')}</label>
          <select
            id="language"
            disabled={isLocked('language')}
            value={settings.language}
            onChange={(e) => {
              const v = e.currentTarget.value;
              if (v === 'browser' || v === 'en' || v === 'fr') void save({ language: v });
            }}
          >
            <option value="browser">{t('languageBrowser')}</option>
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </Setting>
      </fieldset>
      <fieldset>
        <legend>{t('optionsViewer')}</legend>
        <p class="hint">{t('optionsViewerHint')}</p>
        <Setting locked={isLocked('viewerScaling')}>
          <label for="viewer-scaling">{t('optionsViewerScaling')}</label>
          <select
            id="viewer-scaling"
            disabled={isLocked('viewerScaling')}
            value={settings.viewerScaling}
            onChange={(e) => {
              const v = e.currentTarget.value;
              if (v === 'fit' || v === 'actual') void save({ viewerScaling: v });
            }}
          >
            <option value="fit">{t('viewerScalingFit')}</option>
            <option value="actual">{t('viewerScalingActual')}</option>
          </select>
        </Setting>
        <Setting locked={isLocked('viewerQuality')}>
          <label for="viewer-quality">{t('optionsViewerQuality')}</label>
          <select
            id="viewer-quality"
            disabled={isLocked('viewerQuality')}
            value={settings.viewerQuality}
            onChange={(e) => {
              const v = e.currentTarget.value;
              if (v === 'auto' || v === 'sharp' || v === 'fast') void save({ viewerQuality: v });
            }}
          >
            <option value="auto">{t('viewerQualityAuto')}</option>
            <option value="sharp">{t('viewerQualitySharp')}</option>
            <option value="fast">{t('viewerQualityFast')}</option>
          </select>
        </Setting>
      </fieldset>
      <p class="status" role="status">
        {status}
      </p>
    </main>
  );
}

function Setting(props: { locked: boolean; children: ComponentChildren }) {
  return (
    <div class="setting" data-locked={props.locked}>
      {props.children}
      {props.locked && <p class="hint locked">{t('setByIt')}</p>}
    </div>
  );
}

function Check(props: {
  id: string;
  checked: boolean;
  disabled: boolean;
  onChange: (value: boolean) => void;
  children: ComponentChildren;
}) {
  return (
    <label class="check" for={props.id}>
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      {props.children}
    </label>
  );
}

void mountPage(() => <Options />);
