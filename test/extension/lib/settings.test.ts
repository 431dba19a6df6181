import { describe, expect, it } from 'vitest';
import { NO_POLICY, readManagedPolicy } from '../../../extension/lib/managed-policy';
import {
  ALERT_SECONDS_DEFAULT,
  applyPolicy,
  DEFAULT_SETTINGS,
  readStoredSettings,
  withoutLocked,
} from '../../../extension/lib/settings';

describe('settings', () => {
  it('defaults to a 30 s alert with sound', () => {
    expect(readStoredSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.alertSeconds).toBe(ALERT_SECONDS_DEFAULT);
    expect(ALERT_SECONDS_DEFAULT).toBe(30);
  });

  it('keeps valid stored values and replaces each invalid one by its default alone', () => {
    const s = readStoredSettings({
      alertSeconds: 500,
      playSound: false,
      language: 'de',
      inSessionPlaySound: true,
    });
    expect(s.alertSeconds).toBe(ALERT_SECONDS_DEFAULT);
    expect(s.playSound).toBe(false);
    expect(s.language).toBe('browser');
    expect(s.inSessionPlaySound).toBe(true);
    expect(readStoredSettings({ alertSeconds: 120 }).alertSeconds).toBe(120);
    expect(readStoredSettings({ alertSeconds: 0 }).alertSeconds).toBe(ALERT_SECONDS_DEFAULT);
    expect(readStoredSettings({ alertSeconds: 2.5 }).alertSeconds).toBe(ALERT_SECONDS_DEFAULT);
  });

  it("applies IT's policy over the agent's choices and reports those settings as locked", () => {
    const policy = readManagedPolicy({ alertSeconds: 60, playSound: true, serverUrl: 'help.example.com/x' });
    const effective = applyPolicy({ ...DEFAULT_SETTINGS, alertSeconds: 5, playSound: false }, policy);
    expect(effective.settings.alertSeconds).toBe(60);
    expect(effective.settings.playSound).toBe(true);
    expect(effective.locked.sort()).toEqual(['alertSeconds', 'playSound']);
    expect(policy.serverUrl).toBe('https://help.example.com');
  });

  it('keeps the whole status page address IT sets (path and query), not only its origin', () => {
    expect(readManagedPolicy({ statusUrl: ' https://status.example.com/lifeline?desk=1 ' }).statusUrl).toBe(
      'https://status.example.com/lifeline?desk=1',
    );
  });

  it('cannot save over a locked setting', () => {
    expect(withoutLocked({ alertSeconds: 9, language: 'fr' }, ['alertSeconds'])).toEqual({ language: 'fr' });
  });

  it('drops invalid policy keys one by one, and reads no policy from nothing', () => {
    expect(readManagedPolicy({ alertSeconds: 'sixty', language: 'fr', serverUrl: 'ftp://x' })).toEqual({
      settings: { language: 'fr' },
    });
    expect(readManagedPolicy(undefined)).toEqual(NO_POLICY);
    for (const bad of ['javascript:alert(1)', 'status page', 'https://it:secret@status.example.com/', 7])
      expect(readManagedPolicy({ statusUrl: bad }).statusUrl).toBeUndefined();
    expect(readManagedPolicy('nonsense')).toEqual(NO_POLICY);
  });
});
