/**
 * The Windows backend's tables, checked without Windows: scan codes for every key the viewer
 * sends, where the native-messaging registrations go, the RunOnce command line, the state folder.
 * (Everything that calls Win32 runs under Wine: test/e2e/conformance/ and test/e2e/windows/.)
 */
import { describe, expect, it } from 'vitest';
import { KNOWN_KEY_CODES } from '../../../../host/platform/linux/key-codes';
import { scanKeyFor, WINDOWS_KEY_CODES } from '../../../../host/platform/windows/scan-codes';
import { windowsNativeHosts } from '../../../../host/platform/windows/windows-native-hosts';
import { resumeCommandLine } from '../../../../host/platform/windows/windows-reboot';
import { stateFolder } from '../../../../host/platform/registry';
import { NATIVE_HOST_NAME } from '../../../../protocol/extension-ids';

describe('scan codes', () => {
  it('covers every key code the X11 backend knows, so the viewer gets the same keys on both', () => {
    expect(KNOWN_KEY_CODES.filter((c) => !WINDOWS_KEY_CODES.includes(c))).toEqual([]);
  });

  it('gives the PC keyboard positions, with the 0xE0 keys marked extended', () => {
    expect(scanKeyFor('KeyQ')).toEqual({ scan: 0x10, extended: false });
    expect(scanKeyFor('KeyA')).toEqual({ scan: 0x1e, extended: false });
    expect(scanKeyFor('KeyM')).toEqual({ scan: 0x32, extended: false });
    expect(scanKeyFor('Digit0')).toEqual({ scan: 0x0b, extended: false });
    expect(scanKeyFor('F12')).toEqual({ scan: 0x58, extended: false });
    expect(scanKeyFor('Enter')).toEqual({ scan: 0x1c, extended: false });
    expect(scanKeyFor('NumpadEnter')).toEqual({ scan: 0x1c, extended: true });
    expect(scanKeyFor('ControlRight')).toEqual({ scan: 0x1d, extended: true });
    expect(scanKeyFor('ArrowLeft')).toEqual({ scan: 0x4b, extended: true });
    expect(scanKeyFor('Numpad4')).toEqual({ scan: 0x4b, extended: false });
    expect(scanKeyFor('MetaLeft')).toEqual({ scan: 0x5b, extended: true });
    expect(scanKeyFor('Pause')?.vk).toBe(0x13);
    expect(scanKeyFor('NoSuchKey')).toBeNull();
  });

  it('gives every key a distinct position', () => {
    const seen = new Map<string, string>();
    for (const code of WINDOWS_KEY_CODES) {
      if (code === 'OSLeft' || code === 'OSRight') continue; // old names of MetaLeft/MetaRight
      const k = scanKeyFor(code)!;
      const id = `${k.scan}/${k.extended}/${k.vk ?? ''}`;
      expect(seen.get(id), `${code} and ${seen.get(id)}`).toBeUndefined();
      seen.set(id, code);
    }
  });
});

describe('native-messaging registration on Windows', () => {
  const ctx = {
    platform: 'win32',
    home: 'C:\\Users\\Ann',
    root: '/',
    env: { LOCALAPPDATA: 'C:\\Users\\Ann\\AppData\\Local', ProgramFiles: 'C:\\Program Files' },
  };

  it('registers per user under HKCU and machine-wide under HKLM, one key per browser', () => {
    expect(windowsNativeHosts.manifest('chrome', 'user', ctx)).toEqual({
      browser: 'chrome',
      dir: 'C:\\Users\\Ann\\AppData\\Local\\Lifeline\\NativeMessagingHosts\\chrome',
      detect: 'C:\\Users\\Ann\\AppData\\Local\\Google\\Chrome',
      registryKey: `HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
    });
    expect(windowsNativeHosts.manifest('edge', 'system', ctx).registryKey).toBe(
      `HKLM\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
    );
    expect(windowsNativeHosts.manifest('firefox', 'user', ctx).registryKey).toBe(
      `HKCU\\Software\\Mozilla\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
    );
    expect(windowsNativeHosts.launcherDir('system', ctx)).toBe('C:\\Program Files\\Lifeline');
    expect(windowsNativeHosts.launcher).toBe('executable');
  });
});

describe('resume after a reboot on Windows', () => {
  it('runs the helper again with `resume`, its path quoted (no quote can break out)', () => {
    expect(resumeCommandLine('C:\\Users\\Ann\\Downloads\\lifeline-helper.exe')).toBe(
      '"C:\\Users\\Ann\\Downloads\\lifeline-helper.exe" resume',
    );
    expect(resumeCommandLine('C:\\odd"name\\x.exe')).toBe('"C:\\oddname\\x.exe" resume');
  });

  it('keeps its state in %LOCALAPPDATA%\\Lifeline, protected by its ACL rather than file modes', () => {
    expect(
      stateFolder({
        platform: 'win32',
        release: '10.0.19045',
        arch: 'x64',
        env: { LOCALAPPDATA: 'C:\\Users\\Ann\\AppData\\Local', USERPROFILE: 'C:\\Users\\Ann' },
      }),
    ).toEqual({ dir: 'C:\\Users\\Ann\\AppData\\Local\\Lifeline', unixModes: false });
  });
});
