/**
 * The Windows row of the platform table (Windows 10 or later, x64): the helper runs as
 * lifeline-helper.exe (scripts/build-sea.mjs) and reaches Win32 through koffi. prepare() loads the
 * Win32 functions once at start, so the synchronous parts (consent prompt, registry) can use them.
 * The helper's windows (consent, indicator, drawings) live on their own UI thread (ui-thread/);
 * the drawings are host/overlay/drawing-overlay.ts over win-overlay-driver.ts.
 * The state folder is %LOCALAPPDATA%\Lifeline, which only its owner may read (so file modes are
 * not checked there).
 */
import { win32 as winPath } from 'node:path';
import { DrawingOverlay, type OverlayLog } from '../../overlay/drawing-overlay';
import type { PlatformBackend } from '../backend';
import { stderrLog } from '../platform-log';
import { makeDpiAware } from './gdi-screen-source';
import { readInternetOptionsProxy } from './internet-options';
import { MessageBoxPrompt } from './message-box-prompt';
import { WinFileChooser } from './win-file-chooser';
import { WinOverlayDriver } from './win-overlay-driver';
import { uiLanguage } from './ui-language';
import { Win32DialogHost } from './win-dialog-host';
import { WinSharingIndicator } from './win-sharing-indicator';
import { uiThreadSource, WinUiThread } from './win-ui-thread';
import { loadWin32 } from './win32';
import { windowsNativeHosts } from './windows-native-hosts';
import { WindowsDesktopBackground } from './windows-desktop-background';
import { createWindowsPlatform } from './windows-platform';

/** Windows 10 is NT 10.0; Node itself refuses older systems. */
const MIN_MAJOR_VERSION = 10;

export const windowsBackend: PlatformBackend = {
  id: 'windows',
  label: 'Windows 10 or later',
  supports: (facts) => facts.platform === 'win32',
  unsupportedReason(facts) {
    const major = Number.parseInt(facts.release, 10);
    if (Number.isFinite(major) && major < MIN_MAJOR_VERSION) {
      return `Windows ${facts.release} is too old: Lifeline's helper needs Windows 10 or later`;
    }
    if (facts.arch !== 'x64') {
      return `Windows on ${facts.arch} is not supported yet: Lifeline's helper runs on 64-bit Intel and AMD processors (x64)`;
    }
    return null;
  },
  prepare: async () => {
    await loadWin32();
    // Before any window or device context: coordinates are then physical pixels everywhere.
    makeDpiAware();
  },
  load: async (_facts, options) =>
    createWindowsPlatform({
      executable: process.execPath,
      log: options.log,
      ...(options.runCommand ? { runCommand: options.runCommand } : {}),
    }),
  // The helper's own windows (consent, "type the code", the indicator) need its UI thread, which
  // the executable carries (not a plain bundle); without it, message boxes ask.
  dialogHost: () => (uiThreadSource() === null ? null : new Win32DialogHost(stderrLog)),
  consentPrompt: (_facts, text) => new MessageBoxPrompt(text),
  fileChooser: () => new WinFileChooser(),
  annotationOverlay(_facts, log, screen) {
    // The overlay reads the pixels under a drawing through the helper's capture, so it needs one.
    if (uiThreadSource() === null || !screen) return null;
    const overlayLog: OverlayLog = (event, details) => log(`${event} ${JSON.stringify(details ?? {})}`);
    return new DrawingOverlay(() => WinOverlayDriver.open(overlayLog), overlayLog, screen);
  },
  async sharingIndicator(_facts, onStop, words) {
    if (uiThreadSource() === null) return null;
    const ui = await WinUiThread.shared((event, details) => stderrLog.info(event, details));
    return WinSharingIndicator.open(ui, words, stderrLog, onStop);
  },
  desktopBackground: () => ({ ok: true, background: new WindowsDesktopBackground() }),
  displayLanguage: () => uiLanguage(),
  systemProxy: () => readInternetOptionsProxy(),
  stateFolder(facts, home) {
    const local = facts.env.LOCALAPPDATA || winPath.join(home, 'AppData', 'Local');
    return { dir: winPath.join(local, 'Lifeline'), unixModes: false };
  },
  nativeHosts: windowsNativeHosts,
};
