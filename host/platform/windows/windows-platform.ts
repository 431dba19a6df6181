/**
 * The Platform of a Windows desktop: DXGI Desktop Duplication capture where it works, else GDI
 * (screen-capture-choice.ts), SendInput, the Unicode clipboard, files with the
 * known folders as places, and a reboot that resumes the session through RunOnce. Each part
 * loads the Win32 functions on first use.
 */
import { NodeFileAccess } from '../files/node-file-access';
import type { CommandRunner } from '../command-runner';
import type { Clipboard, FileAccess, InputSink, Platform, ScreenSource } from '../types';
import type { PlatformLog } from '../platform-log';
import { GdiScreenSource, listMonitors, virtualScreen } from './gdi-screen-source';
import { openWindowsScreen } from './screen-capture-choice';
import { readCursor } from './win-cursor';
import { knownFolders } from './known-folders';
import { SendInputSink } from './send-input-sink';
import { Win32Clipboard } from './win-clipboard';
import { rebootWindows } from './windows-reboot';

export interface WindowsPlatformOptions {
  /** The helper's own executable, which RunOnce starts again after a reboot. */
  executable: string;
  runCommand?: CommandRunner;
  log: PlatformLog;
}

export function createWindowsPlatform(options: WindowsPlatformOptions): Platform {
  const files = new NodeFileAccess({ places: knownFolders });
  return {
    name: 'windows',
    screen: (): Promise<ScreenSource> =>
      openWindowsScreen({
        // Loaded on first use: d3d11.dll is not needed until a screen is shared.
        dxgi: async () => {
          await GdiScreenSource.prepare();
          return (await import('./dxgi-com')).comDxgiApi;
        },
        desktop: {
          virtualScreen,
          monitors: async () => listMonitors(),
          pointer: () => GdiScreenSource.pointer(),
          cursor: async () => readCursor(),
          now: () => Date.now(),
          log: (event, fields) => options.log.info(event, fields),
        },
        gdi: () => GdiScreenSource.open(),
        log: options.log,
      }),
    input: (): Promise<InputSink> => SendInputSink.open(),
    clipboard: (): Promise<Clipboard> => Win32Clipboard.open(),
    files: (): FileAccess => files,
    reboot: () => rebootWindows(options.executable, options.runCommand),
  };
}
